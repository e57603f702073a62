import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { demoStackPerSuite, E2E_WORKFLOW_ID } from './demo-stack.js';
import { chat, listedThreadIds, shownMessages, shownThreadId, signIn } from './page-actions.js';

const TEST_TIMEOUT = { timeout: 60_000 };

/** The widget's remembered-thread entries in this browser's storage. */
function rememberedThreads(page: Page): Promise<string[]> {
  return page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('ckw:thread:')).map((key) => localStorage.getItem(key) ?? ''));
}

describe('signed-in users', () => {
  const stack = demoStackPerSuite();

  test('a user signs in with a name and chats through custom-fetch with a JWT from the demo identity provider', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    const bearerTokens: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/chatkit') && request.method() === 'POST') bearerTokens.push(request.headers().authorization ?? '');
    });
    await page.goto(`${stack().siteUrl}/custom-fetch`);
    await signIn(page, 'Ada Lovelace');

    assert.equal(await chat(page, 'Hello as Ada'), 'Hello from the scripted model!');
    assert.ok(bearerTokens.length >= 2, 'the chat made requests to the backend');
    const [header, payload] = bearerTokens[0]!.replace(/^Bearer /, '').split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    assert.equal(header.alg, 'EdDSA');
    assert.equal(header.typ, undefined, 'no typ, as Better Auth signs them');
    assert.equal(payload.iss, stack().siteUrl);
    assert.equal(payload.exp - payload.iat, 15 * 60);
    assert.ok(bearerTokens.every((token) => token === bearerTokens[0]), 'every request carries the same JWT');

    // The page shows the verified identity's claims, and the same name signs back in to the same threads.
    await page.getByText(payload.sub, { exact: true }).waitFor();
    const threadId = await shownThreadId(page);
    const other = await stack().newPage();
    await other.page.goto(`${stack().siteUrl}/custom-fetch`);
    await signIn(other.page, 'Ada Lovelace');
    await other.page.locator('openai-chatkit [data-testid="standin-history"] li').first().waitFor();
    assert.deepEqual(await listedThreadIds(other.page), [threadId]);
    await other.context.close();
    await context.close();
  });

  test('signing out resets the widget: the next user on this browser starts clean and sees none of the threads', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    await page.goto(`${stack().siteUrl}/custom-fetch`);
    await signIn(page, 'Grace Hopper');
    await chat(page, 'Remember this, Grace');
    const graceThread = await shownThreadId(page);
    assert.deepEqual(await rememberedThreads(page), [graceThread]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.deepEqual(await rememberedThreads(page), [], 'reset() forgot the remembered thread');
    assert.equal(await page.locator('chat-kit-widget').count(), 0);
    assert.equal((await page.request.get(`${stack().siteUrl}/api/auth/token`)).status(), 401, 'the session is gone');

    await signIn(page, 'Alan Turing');
    await page.locator('openai-chatkit').waitFor();
    await page.locator('openai-chatkit [data-testid="standin-greeting"]').waitFor();
    assert.deepEqual(await shownMessages(page), [], 'the new user starts on an empty chat');
    assert.deepEqual(await listedThreadIds(page), []);
    await context.close();
  });

  test('the hosted page starts a ChatKit session for the signed-in user, with the workflow pinned by the server', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    await page.goto(`${stack().siteUrl}/client-secret`);
    await signIn(page, 'Katherine Johnson');
    await page.locator('openai-chatkit[data-hosted-session="started"]').waitFor();
    const sub = await page.evaluate(async () => {
      const { token } = (await (await fetch('/api/auth/token')).json()) as { token: string };
      return JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).sub as string;
    });
    const session = stack().sessions.list.find((s) => s.user === sub);
    assert.ok(session, 'a session was created for the JWT subject');
    assert.equal(session.workflowId, E2E_WORKFLOW_ID);
    await context.close();
  });
});
