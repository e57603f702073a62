/**
 * In a browser, with the ChatKit stand-in: the token server's capabilities (CHATKIT_MODELS, CHATKIT_TRANSCRIBE_MODEL,
 * CHATKIT_ATTACHMENTS, CHATKIT_HOSTED_TOOLS) turn on the composer's model picker, dictation, uploads and tools
 * without the page naming them, and a picked model reaches the model request.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { demoStackPerSuite } from './demo-stack.js';
import { chat, chatkit, signIn } from './page-actions.js';

const TEST_TIMEOUT = { timeout: 60_000 };

describe('composer options from the backend capabilities', () => {
  const stack = demoStackPerSuite({
    env: {
      CHATKIT_MODEL: 'gpt-5-mini',
      CHATKIT_MODELS: 'gpt-5-mini=Fast,gpt-5=Best',
      CHATKIT_TRANSCRIBE_MODEL: 'gpt-4o-mini-transcribe',
      CHATKIT_ATTACHMENTS: 'image/*,application/pdf',
      CHATKIT_ATTACHMENT_MAX_COUNT: '2',
      CHATKIT_HOSTED_TOOLS: 'web_search',
    },
  });

  test('a signed-in user sees the model picker, dictation, uploads and tools, and the model picked answers', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    await page.goto(`${stack().siteUrl}/custom-fetch`);
    await signIn(page, 'Ada Lovelace');
    const frame = chatkit(page);
    const models = frame.getByTestId('standin-model');
    await models.waitFor();
    assert.deepEqual(await models.locator('option').allTextContents(), ['Fast', 'Best']);
    assert.equal(await models.inputValue(), 'gpt-5-mini', 'the default model is preselected');
    assert.ok(await frame.getByTestId('standin-dictation').isVisible());
    const attach = frame.getByTestId('standin-attach');
    assert.ok(await attach.isVisible());
    assert.equal(await attach.getAttribute('data-accept'), 'image/*,application/pdf');
    assert.equal(await attach.getAttribute('data-max-count'), '2');
    assert.deepEqual(await frame.getByTestId('standin-tool').locator('option').allTextContents(), ['No tool', 'Search the web']);

    await models.selectOption('gpt-5');
    assert.equal(await chat(page, 'Hello with the best model'), 'Hello from the scripted model!');
    const modelCall = stack().openai.requests.filter((request) => request.path === '/v1/responses').at(-1)!;
    assert.equal((modelCall.body as { model?: string }).model, 'gpt-5');
    await context.close();
  });
});
