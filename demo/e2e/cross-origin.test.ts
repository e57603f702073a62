import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { demoStackPerSuite } from './demo-stack.js';
import { watchPageProblems } from './page-problems.js';
import { chat, shownThreadId } from './page-actions.js';

const TEST_TIMEOUT = { timeout: 60_000 };

describe('someone else\'s site embedding the widget with only the script tag', () => {
  const stack = demoStackPerSuite();

  test('a visitor on the second origin chats with the token server across origins, under the page\'s strict CSP', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    const problems = watchPageProblems(page);
    const publicAnswer = page.waitForResponse((response) => response.url() === `${stack().siteUrl}/api/chatkit/public`);
    await page.goto(`${stack().secondOriginUrl}/`);

    const siteOrigin = new URL(stack().secondOriginUrl).origin;
    assert.notEqual(siteOrigin, new URL(stack().siteUrl).origin);
    const response = await publicAnswer;
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['access-control-allow-origin'], siteOrigin, 'CORS names this site, not *');

    assert.equal(await chat(page, 'Grind size for a V60?'), 'Hello from the scripted model!');
    const threadId = await shownThreadId(page);
    await page.reload();
    assert.equal(await shownThreadId(page), threadId, 'the visitor keeps the thread on this site too');
    assert.deepEqual(problems.list(), []);
    await context.close();
  });

  test('the widget script itself is served to any origin, and the page loads nothing but it from the token server', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(request.url());
    });
    await page.goto(`${stack().secondOriginUrl}/`);
    await page.locator('openai-chatkit').waitFor();
    const fromTokenServer = scripts.filter((url) => url.startsWith(stack().siteUrl));
    assert.ok(fromTokenServer.every((url) => /\/chat-kit-widget[\w.-]*\.js$/.test(url)), fromTokenServer.join(', '));
    assert.equal(fromTokenServer[0], `${stack().siteUrl}/chat-kit-widget.js`);
    const loader = await fetch(`${stack().siteUrl}/chat-kit-widget.js`, { headers: { origin: 'https://any-site.example' } });
    assert.equal(loader.headers.get('access-control-allow-origin'), '*');
    await context.close();
  });
});
