import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { demoStackPerSuite } from './demo-stack.js';
import { chat, listedThreadIds, shownMessages, shownThreadId } from './page-actions.js';
import { startForeignSite, type ForeignSite } from './foreign-site.js';

const TEST_TIMEOUT = { timeout: 60_000 };

describe('public visitors on the direct-token page', () => {
  const stack = demoStackPerSuite();

  test('a visitor chats, sees the scripted reply stream in, and finds the same thread after a reload', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    await page.goto(`${stack().siteUrl}/direct-token`);

    const answer = await chat(page, 'Which beans for espresso?');
    assert.equal(answer, 'Hello from the scripted model!');
    const threadId = await shownThreadId(page);
    assert.match(threadId, /^thr_/);
    const modelCall = stack().openai.requests.find((request) => request.path === '/v1/responses');
    assert.ok(JSON.stringify(modelCall?.body).includes('Which beans for espresso?'), 'the model was asked the visitor\'s question');

    await page.reload();
    assert.equal(await shownThreadId(page), threadId);
    assert.deepEqual(await shownMessages(page), ['user: Which beans for espresso?', 'assistant: Hello from the scripted model!']);
    assert.deepEqual(await listedThreadIds(page), [threadId]);
    await context.close();
  });

  test('two visitors in two browsers never see each other\'s threads', TEST_TIMEOUT, async () => {
    const first = await stack().newPage();
    const second = await stack().newPage();
    await first.page.goto(`${stack().siteUrl}/direct-token`);
    await chat(first.page, 'I am the first visitor');
    const firstThread = await shownThreadId(first.page);

    await second.page.goto(`${stack().siteUrl}/direct-token`);
    await chat(second.page, 'I am the second visitor');
    const secondThread = await shownThreadId(second.page);
    assert.notEqual(secondThread, firstThread);
    assert.deepEqual(await listedThreadIds(second.page), [secondThread]);

    // Asking for the other visitor's thread by id answers as if it did not exist.
    await second.page.locator('chat-kit-widget').evaluate((widget: HTMLElementTagNameMap['chat-kit-widget'], id) => widget.setThreadId(id), firstThread);
    await second.page.getByTestId('standin-error').filter({ hasText: '404' }).waitFor();

    await first.page.reload();
    assert.deepEqual(await listedThreadIds(first.page), [firstThread]);
    assert.deepEqual(await shownMessages(first.page), ['user: I am the first visitor', 'assistant: Hello from the scripted model!']);
    await first.context.close();
    await second.context.close();
  });

  describe('from a site the publishable key does not list', () => {
    let foreign: ForeignSite;
    before(async () => {
      foreign = await startForeignSite(stack().siteUrl, stack().chatkitScriptSrc);
    });
    after(() => foreign.close());

    test('the page is refused with 403 origin_not_allowed, the widget says why, and ChatKit never starts', TEST_TIMEOUT, async () => {
      const { context, page } = await stack().newPage();
      const refused = page.waitForResponse((response) => response.url() === `${stack().siteUrl}/api/chatkit/public`);
      await page.goto(foreign.url);
      const response = await refused;
      assert.equal(response.status(), 403);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'origin_not_allowed');
      const error = page.locator('chat-kit-widget [part="error"]');
      await error.waitFor();
      assert.match((await error.textContent()) ?? '', /origin/i, 'the widget says the page origin is not allowed');
      assert.equal(await page.locator('openai-chatkit').count(), 0, 'ChatKit never starts without a token');
      await context.close();
    });

    test('a request that forges the Origin header gets 403 origin_not_allowed', TEST_TIMEOUT, async () => {
      const response = await fetch(`${stack().siteUrl}/api/chatkit/public`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: foreign.url },
        body: JSON.stringify({ public_key: 'pk_demo' }),
      });
      assert.equal(response.status, 403);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'origin_not_allowed');
      assert.equal(response.headers.get('access-control-allow-credentials'), null, 'never with credentials');
    });
  });
});
