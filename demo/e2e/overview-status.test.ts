/**
 * The overview's status comes from the server's running configuration, not from what the demo defaults would be:
 * a site owner who set PUBLIC_KEYS and their own AUTH_* is told what that means for the demo pages.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { demoStackPerSuite } from './demo-stack.js';

const TEST_TIMEOUT = { timeout: 60_000 };

describe("the overview, when .env replaces the demo's public key and user verification", () => {
  const stack = demoStackPerSuite({
    env: { PUBLIC_KEYS: 'pk_site=https://www.example.com', AUTH_JWT_SECRET: 'a-site-owners-own-secret-of-32-bytes-or-more' },
  });

  test('says the key does not work from the demo pages and that the demo sign-in is refused', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    await page.goto(`${stack().siteUrl}/`);
    const visitors = page.locator('.feature', { hasText: 'Public visitors' });
    await visitors.and(page.locator('[data-state="limited"]')).waitFor();
    const text = (await visitors.textContent()) ?? '';
    assert.match(text, /pk_site does not list/);
    assert.ok(text.includes(new URL(stack().siteUrl).origin) && text.includes(new URL(stack().secondOriginUrl).origin), text);
    assert.match(text, /PUBLIC_KEYS/);
    assert.doesNotMatch(text, /^On: /);
    assert.match((await page.locator('.feature', { hasText: 'Signed-in users' }).textContent()) ?? '', /demo sign-in's tokens are refused/);
    await context.close();
  });
});
