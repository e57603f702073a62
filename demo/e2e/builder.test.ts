import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { demoStackPerSuite, saveScreenshot } from './demo-stack.js';
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
    await page.getByText('bottom-right corner of this box').waitFor();

    const text = (await snippet.textContent()) ?? '';
    assert.ok(text.startsWith(`<script src="${stack().siteUrl}/chat-kit-widget.js" defer></script>`), text);
    assert.match(text, /public-key="pk_demo"/);
    await context.close();
  });

  test('a signed-in mode loads the auth hook from a file of the site (no inline script), with a domain key, and drops the publishable key', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    await page.goto(`${stack().siteUrl}/builder`);
    await page.getByRole('radio', { name: /Signed-in users/ }).check();
    const text = (await page.locator('[data-snippet]').textContent()) ?? '';
    assert.match(text, /auth-mode="custom-fetch"/);
    assert.match(text, /domain-key="domain_pk_\.\.\."/);
    assert.match(text, /<script type="module" src="\/chat-auth\.js"><\/script>/);
    assert.doesNotMatch(text, /<script type="module">/, 'no inline script: a strict CSP would block it');
    assert.doesNotMatch(text, /public-key/);
    assert.match((await page.locator('[data-auth-script]').textContent()) ?? '', /widget\.getAuthToken = async/);
    assert.equal(await page.locator('[data-auth-script-block]').isVisible(), true);

    await page.getByLabel('The origin of the page that shows the widget').fill('https://shop.example.com');
    const settings = (await page.locator('[data-server-settings]').textContent()) ?? '';
    const allowed = /^ALLOWED_ORIGINS=(.*)$/m.exec(settings)?.[1]?.split(',');
    assert.ok(allowed?.includes(new URL(stack().siteUrl).origin), `the demo's own origins stay: ${settings}`);
    assert.ok(allowed?.includes(new URL(stack().secondOriginUrl).origin));
    assert.equal(allowed?.at(-1), 'https://shop.example.com');
    assert.match(settings, /^AUTH_JWKS_URL=https:\/\/shop\.example\.com\/api\/auth\/jwks$/m);

    await page.getByRole('radio', { name: /Public visitors/ }).check();
    assert.equal(await page.locator('[data-auth-script-block]').isVisible(), false);
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

  test("the PUBLIC_KEYS value to copy is the server's whole value, with the site's origin added to the key", TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    await page.goto(`${stack().siteUrl}/builder`);
    await page.getByLabel('The origin of the page that shows the widget').fill('https://www.northwind.example');
    const settings = (await page.locator('[data-server-settings]').textContent()) ?? '';
    const value = /^PUBLIC_KEYS=(\S*)$/m.exec(settings)?.[1] ?? '';
    const [key, origins] = value.split('=');
    assert.equal(key, 'pk_demo');
    const listed = origins!.split('|');
    for (const url of [stack().siteUrl, stack().secondOriginUrl]) assert.ok(listed.includes(new URL(url).origin), `${url} would be dropped: ${value}`);
    assert.equal(listed.at(-1), 'https://www.northwind.example');

    await page.getByLabel('The origin of the page that shows the widget').fill('www.northwind.example/shop');
    await page.getByText('is not an origin').waitFor();
    assert.equal(await page.getByLabel('The origin of the page that shows the widget').getAttribute('aria-invalid'), 'true');
    await context.close();
  });

  for (const width of [1280, 390])
    test(`at ${width} px, the launcher preview sits in the chosen corner of the preview box, in the accent colour, clear of the form`, TEST_TIMEOUT, async () => {
      const { context, page } = await stack().newPage({ viewport: { width, height: 844 } });
      await page.goto(`${stack().siteUrl}/builder`);
      await page.getByRole('radio', { name: 'Launcher', exact: true }).check();
      await page.getByLabel('Launcher position').selectOption('bottom-left');
      await page.getByRole('checkbox', { name: 'use it' }).check();
      const launcher = page.locator('[data-preview] chat-kit-widget [part="launcher"]');
      await launcher.scrollIntoViewIfNeeded();
      const button = (await launcher.boundingBox())!;
      let box = (await page.locator('[data-preview]').boundingBox())!;
      assert.ok(button.x >= box.x && button.x + button.width <= box.x + box.width / 2, 'in the left half of the preview');
      assert.ok(button.y >= box.y + box.height / 2 && button.y + button.height <= box.y + box.height, 'in the bottom half of the preview');
      for (const field of await page.locator('[data-builder-form] input, [data-builder-form] select, [data-builder-form] label').all()) {
        const f = await field.boundingBox();
        if (!f) continue;
        const overlaps = f.x < button.x + button.width && button.x < f.x + f.width && f.y < button.y + button.height && button.y < f.y + f.height;
        assert.ok(!overlaps, `the launcher covers a form field at ${JSON.stringify(f)}`);
      }
      assert.equal(await launcher.evaluate((node) => getComputedStyle(node).backgroundColor), 'rgb(79, 70, 229)', 'the accent colours the launcher');
      await launcher.click();
      await page.locator('[data-preview] openai-chatkit').waitFor();
      // Opening moves focus into the panel, which may scroll the page: measure both again.
      const panel = (await page.locator('[data-preview] chat-kit-widget [part="panel"]').boundingBox())!;
      box = (await page.locator('[data-preview]').boundingBox())!;
      assert.ok(panel.x >= box.x - 0.5 && panel.x + panel.width <= box.x + box.width + 0.5 && panel.y >= box.y - 0.5 && panel.y + panel.height <= box.y + box.height + 0.5, `the open panel stays in the preview: ${JSON.stringify({ panel, box })}`);
      await saveScreenshot(page, `builder-launcher-${width}`);
      await context.close();
    });

  test('Copy puts the snippet on the clipboard and says so', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
    await page.goto(`${stack().siteUrl}/builder`);
    await page.getByRole('button', { name: 'Copy the snippet' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, await page.locator('[data-snippet]').textContent());
    await page.getByRole('button', { name: 'Copy the server settings' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await page.locator('[data-server-settings]').textContent());
    await context.close();
  });
});
