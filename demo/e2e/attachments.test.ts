import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { demoStackPerSuite } from './demo-stack.js';
import { chat, chatkit, shownThreadId, signIn } from './page-actions.js';

const TEST_TIMEOUT = { timeout: 60_000 };
/** A real 1x1 PNG, so the browser can draw the preview. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

describe('attachments in the browser', () => {
  const stack = demoStackPerSuite({ env: { CHATKIT_ATTACHMENTS: 'image/*,text/plain' } });

  test('a signed-in user attaches an image (two-phase upload); it shows on their message, also after a reload, and its preview loads', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    await page.goto(`${stack().siteUrl}/custom-fetch`);
    await signIn(page, 'Ada Lovelace');
    await page.locator('openai-chatkit').waitFor();
    // The page's own options turn the composer's attachments on.
    await page.evaluate(() => {
      const widget = document.querySelector('chat-kit-widget') as HTMLElement & { options?: unknown };
      widget.options = { composer: { attachments: { enabled: true } } };
    });
    const frame = chatkit(page);
    const picker = frame.getByTestId('standin-file');
    await picker.waitFor({ state: 'attached' });
    await picker.setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PNG });
    await frame.getByText('Attached dot.png').waitFor();
    assert.equal(await chat(page, 'What is in this picture?'), 'Hello from the scripted model!');
    const threadId = await shownThreadId(page);

    const sentImage = stack().openai.requests.some((request) => JSON.stringify(request.body ?? '').includes(PNG.toString('base64')));
    assert.ok(sentImage, 'the model received the image');

    await page.reload();
    const preview = chatkit(page).locator('img[data-testid="standin-attachment"]');
    await preview.waitFor({ timeout: 20_000 });
    assert.equal(await shownThreadId(page), threadId);
    assert.equal(await preview.getAttribute('alt'), 'dot.png');
    // decode() settles once the image has loaded (and rejects for a broken one).
    // decode() settles once the image has loaded (and rejects for a broken one).
    const width = await preview.evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth, () => 0));
    assert.equal(width, 1, 'the preview image loaded');
    await context.close();
  });
});
