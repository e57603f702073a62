import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { demoStackPerSuite } from './demo-stack.js';

const TEST_TIMEOUT = { timeout: 60_000 };

describe('the embed builder', () => {
  const stack = demoStackPerSuite();

  test('each choice changes the live widget at once and the snippet with it', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    await page.goto(`${stack().siteUrl}/builder`);
    const widget = page.locator('[data-preview] chat-kit-widget');
    const chatkit = widget.locator('openai-chatkit');
    const snippet = page.locator('[data-snippet]');
    await chatkit.waitFor();

    await page.getByLabel('Header title').fill('Northwind help');
    await chatkit.getByTestId('standin-title').filter({ hasText: 'Northwind help' }).waitFor();
    assert.match((await snippet.textContent()) ?? '', /title="Northwind help"/);

    await page.getByLabel('Greeting').fill('Ask me "anything" <really>');
    await chatkit.getByTestId('standin-greeting').filter({ hasText: 'Ask me "anything" <really>' }).waitFor();
    assert.match((await snippet.textContent()) ?? '', /greeting="Ask me &quot;anything&quot; &lt;really>"/, 'quotes and tags are escaped in the snippet');

    await page.getByRole('radio', { name: 'Dark', exact: true }).check();
    await page.locator('openai-chatkit[data-scheme="dark"]').waitFor();
    assert.match((await snippet.textContent()) ?? '', /theme="dark"/);

    await page.getByRole('radio', { name: 'Launcher', exact: true }).check();
    await widget.locator('[part="launcher"]').waitFor();
    assert.equal(await widget.getAttribute('display'), 'launcher');
    assert.match((await snippet.textContent()) ?? '', /display="launcher"/);
    await page.getByText('look bottom-right').waitFor();

    const text = (await snippet.textContent()) ?? '';
    assert.ok(text.startsWith(`<script src="${stack().siteUrl}/chat-kit-widget.js" defer></script>`), text);
    assert.match(text, /public-key="pk_demo"/);
    await context.close();
  });

  test('a signed-in mode adds the getAuthToken hook and drops the publishable key from the snippet', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    await page.goto(`${stack().siteUrl}/builder`);
    await page.getByRole('radio', { name: /Signed-in users/ }).check();
    const text = (await page.locator('[data-snippet]').textContent()) ?? '';
    assert.match(text, /auth-mode="custom-fetch"/);
    assert.match(text, /getAuthToken = async/);
    assert.doesNotMatch(text, /public-key/);
    await page.getByText(/ALLOWED_ORIGINS/).waitFor();
    await context.close();
  });

  test('Copy puts the snippet on the clipboard and says so', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
    await page.goto(`${stack().siteUrl}/builder`);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, await page.locator('[data-snippet]').textContent());
    await context.close();
  });
});
