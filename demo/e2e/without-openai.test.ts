import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { demoStackPerSuite, saveScreenshot } from './demo-stack.js';
import { watchPageProblems } from './page-problems.js';

const TEST_TIMEOUT = { timeout: 60_000 };

describe('a newcomer without OPENAI_API_KEY', () => {
  const stack = demoStackPerSuite({ withoutOpenAI: true });

  test('the overview says which features are off and which variables turn them on', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    await page.goto(`${stack().siteUrl}/`);
    const replies = page.locator('.feature', { hasText: 'Chat replies' });
    await replies.and(page.locator('[data-state="off"]')).waitFor();
    assert.match((await replies.textContent()) ?? '', /OPENAI_API_KEY/);
    assert.match((await page.locator('.feature', { hasText: 'Hosted sessions' }).textContent()) ?? '', /OPENAI_API_KEY and CHATKIT_WORKFLOW_ID/);
    assert.equal(await page.locator('.feature', { hasText: 'Public visitors' }).getAttribute('data-state'), 'on');
    assert.match((await page.locator('.card', { hasText: 'Hosted session' }).locator('[data-note]').textContent()) ?? '', /CHATKIT_WORKFLOW_ID/);
    await saveScreenshot(page, 'index-without-openai-light');
    await context.close();
  });

  test('the public page still loads, says what is missing, and the chat explains instead of failing silently', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    const problems = watchPageProblems(page);
    await page.goto(`${stack().siteUrl}/direct-token`);
    const notice = page.locator('[data-status-notice]');
    await notice.waitFor();
    assert.match((await notice.textContent()) ?? '', /Chat replies are off: set OPENAI_API_KEY/);

    const chatkit = page.locator('openai-chatkit');
    await chatkit.getByTestId('standin-input').fill('Hello?');
    await chatkit.getByTestId('standin-send').click();
    const error = chatkit.getByTestId('standin-error');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /OPENAI_API_KEY/);
    await saveScreenshot(page, 'direct-token-without-openai-light');
    assert.deepEqual(problems.list(), []);
    await context.close();
  });

  test('the hosted page says hosted mode needs OPENAI_API_KEY and CHATKIT_WORKFLOW_ID, and the widget shows it is not configured', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage({ colorScheme: 'dark' });
    await page.goto(`${stack().siteUrl}/client-secret`);
    await page.getByLabel('Your name').fill('Ada');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-status-notice]', { hasText: 'Hosted sessions are off: set OPENAI_API_KEY and CHATKIT_WORKFLOW_ID' }).waitFor();
    const error = page.locator('chat-kit-widget [part="error"]');
    await error.waitFor();
    assert.notEqual((await error.textContent())?.trim(), '');
    await saveScreenshot(page, 'client-secret-without-openai-dark');
    await context.close();
  });
});
