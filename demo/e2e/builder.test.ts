import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { demoStackPerSuite } from './demo-stack.js';
import { chat } from './page-actions.js';

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

  test('"One tag" gives a single script tag that, added to a page by a tag manager, brings a working chat by itself', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    await page.goto(`${stack().siteUrl}/builder`);
    await page.getByRole('radio', { name: 'One tag', exact: true }).check();
    await page.getByRole('radio', { name: 'Launcher', exact: true }).check();
    await page.getByText(/header-scripts box or a tag manager/).waitFor();
    const snippet = (await page.locator('[data-snippet]').textContent()) ?? '';
    assert.equal((snippet.match(/<script/g) ?? []).length, 1, snippet);
    assert.doesNotMatch(snippet, /<chat-kit-widget/);
    assert.match(snippet, /data-public-key="pk_demo"/);
    assert.match(snippet, /data-display="launcher"/);
    assert.match(snippet, /data-title="Ask us anything"/);

    // A tag manager adds the snippet's tag to a page of an origin the key allows (the home page, which has no chat
    // of its own); OpenAI's CDN is out of reach here, so the tag also names the ChatKit stand-in.
    await page.goto(`${stack().siteUrl}/`);
    assert.equal(await page.locator('chat-kit-widget').count(), 0);
    await page.evaluate(
      ({ html, scriptSrc }) => {
        const pasted = new DOMParser().parseFromString(html, 'text/html').querySelector('script')!;
        const tag = document.createElement('script');
        for (const { name, value } of pasted.attributes) tag.setAttribute(name, value);
        tag.dataset.scriptSrc = scriptSrc;
        document.head.append(tag);
      },
      { html: snippet, scriptSrc: stack().chatkitScriptSrc },
    );
    const widget = page.locator('body > chat-kit-widget[display="launcher"]');
    await widget.waitFor({ state: 'attached' });
    await widget.getByRole('button', { name: 'Open chat' }).click();
    assert.equal(await chat(widget, 'Pasted into my CMS'), 'Hello from the scripted model!');
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
