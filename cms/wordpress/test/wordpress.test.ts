/**
 * The WordPress plugin in real WordPress (6.1 from Debian's packages, PHP 8.2 in Playground), driven in Chromium
 * the way a site owner and visitors use it: install the zip and activate it, save the settings form, publish a
 * page with the Chat block and one with the shortcode, chat on them through our token server, turn on the
 * site-wide launcher, sign WordPress users in to their own chats, and delete the plugin again.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jwtVerify } from 'jose';
import type { Page } from 'playwright-core';
import { chat } from '../../../demo/e2e/page-actions.js';
import { publishPage, saveSettings, settingsUrl, signInAsAdmin } from './support/admin.js';
import { TEST_NONCE } from './support/test-mu-plugin.js';
import { PLUGIN_ZIP, PUBLIC_KEY, SCREENSHOT_DIR, SCRIPTED_ANSWER, startWordPressStack, type WordPressStack } from './support/wordpress-stack.js';

const STEP = { timeout: 240_000 };

describe('the Chat Kit Widget plugin in WordPress', { timeout: 1_800_000 }, () => {
  let stack: WordPressStack;
  let admin: Page;
  let site: string;
  const pages: Record<'block' | 'shortcode' | 'plain', string> = { block: '', shortcode: '', plain: '' };

  before(async () => {
    stack = await startWordPressStack();
    site = stack.wordpress.url;
    admin = (await stack.newPage()).page;
    await signInAsAdmin(admin, site);
  }, { timeout: 300_000 });

  after(async () => {
    await stack?.close();
  });

  /** Visitors' requests for anonymous access the token server answered, from now on. */
  function publicAccessAnswers(page: Page): number[] {
    const statuses: number[] = [];
    page.on('response', (response) => {
      if (response.url() === `${stack.tokenServer.url}/api/chatkit/public`) statuses.push(response.status());
    });
    return statuses;
  }

  test('an administrator uploads the zip in Plugins → Add New and activates it', STEP, async () => {
    await admin.goto(`${site}/wp-admin/plugin-install.php?tab=upload`);
    await admin.locator('#pluginzip').setInputFiles(PLUGIN_ZIP);
    await admin.locator('#install-plugin-submit').click();
    await admin.getByText('Plugin installed successfully.').waitFor();
    await admin.getByRole('link', { name: 'Activate Plugin' }).click();
    await admin.getByText('Plugin activated.').waitFor();
    assert.equal(await admin.locator('tr[data-slug="chat-kit-widget"].active').count(), 1);
  });

  test('the settings form saves through options.php with its nonce; a post without the nonce changes nothing', STEP, async () => {
    const notices = await saveSettings(admin, site, {
      text: { 'Token server URL': stack.tokenServer.url, 'Publishable key': PUBLIC_KEY, Greeting: 'Welcome to the shop' },
      select: { Theme: 'dark' },
    });
    assert.ok(notices.some((notice) => notice.includes('Settings saved.')), notices.join(' | '));
    assert.equal(await admin.getByLabel('Token server URL', { exact: true }).inputValue(), stack.tokenServer.url);
    await admin.screenshot({ path: join(SCREENSHOT_DIR, 'wordpress-settings.png'), fullPage: true });

    // The same form, posted without its _wpnonce (what a forged cross-site form would send).
    const forged = await admin.evaluate(async (site) => {
      const form = new FormData(document.querySelector('form[action$="options.php"]') as HTMLFormElement);
      form.delete('_wpnonce');
      form.set('chat_kit_widget_settings[greeting]', 'Forged greeting');
      const response = await fetch(`${site}/wp-admin/options.php`, { method: 'POST', body: form });
      return { status: response.status, text: await response.text() };
    }, site);
    assert.equal(forged.status, 403);
    assert.match(forged.text, /The link you followed has expired/);
    await admin.goto(settingsUrl(site));
    assert.equal(await admin.getByLabel('Greeting', { exact: true }).inputValue(), 'Welcome to the shop');
  });

  test('bad settings are refused with a notice naming the field, and markup in the greeting is stripped', STEP, async () => {
    const notices = await saveSettings(admin, site, {
      text: { 'Token server URL': 'not a url', 'Publishable key': 'pk with spaces', Greeting: '<script>window.pwned = 1</script>Hi "friends" & <b>all</b>' },
      skipBrowserChecks: true,
    });
    const text = notices.join(' | ');
    assert.match(text, /Token server URL must be a full http:\/\/ or https:\/\/ address/);
    assert.match(text, /Publishable key may hold only letters, digits/);
    assert.equal(await admin.getByLabel('Token server URL', { exact: true }).inputValue(), stack.tokenServer.url, 'the bad URL was not saved');
    assert.equal(await admin.getByLabel('Publishable key', { exact: true }).inputValue(), PUBLIC_KEY, 'the bad key was not saved');
    assert.equal(await admin.getByLabel('Greeting', { exact: true }).inputValue(), 'Hi "friends" & all');
    await saveSettings(admin, site, { text: { Greeting: 'Welcome to the shop' } });
  });

  test('the Chat block is in the block editor', STEP, async () => {
    await admin.goto(`${site}/wp-admin/post-new.php?post_type=page`);
    await admin.waitForFunction(() => (window as { wp?: { blocks?: { getBlockType(name: string): unknown } } }).wp?.blocks?.getBlockType('chat-kit-widget/chat'), null, { timeout: 60_000 });
    const block = await admin.evaluate(() => {
      const type = (window as unknown as { wp: { blocks: { getBlockType(name: string): { title: string; attributes: Record<string, unknown> } } } }).wp.blocks.getBlockType('chat-kit-widget/chat');
      return { title: type.title, attributes: Object.keys(type.attributes) };
    });
    assert.equal(block.title, 'Chat');
    assert.ok(block.attributes.includes('greeting') && block.attributes.includes('height'), block.attributes.join(','));
  });

  test('a page with the Chat block shows an inline chat with the block\'s greeting and height, where a visitor chats through the token server', STEP, async () => {
    // The greeting tries to break out of its attribute: it must arrive as text.
    const greeting = '" onmouseover="window.pwned=2" x="<img src=x onerror=window.pwned=3>';
    pages.block = await publishPage(admin, site, 'Ask us', `<!-- wp:chat-kit-widget/chat ${JSON.stringify({ greeting, height: 480 })} /-->`);
    const { context, page } = await stack.newPage();
    const answers = publicAccessAnswers(page);
    await page.goto(pages.block);
    const widget = page.locator('.entry-content chat-kit-widget, .wp-block-post-content chat-kit-widget');
    await widget.waitFor();
    assert.equal(await widget.getAttribute('greeting'), '" onmouseover="window.pwned=2" x="');
    assert.equal(await widget.getAttribute('onmouseover'), null);
    assert.equal(await widget.getAttribute('theme'), 'dark');
    assert.match((await widget.getAttribute('style')) ?? '', /--ckw-inline-height:\s*480px/);
    assert.equal(await widget.getAttribute('nonce'), TEST_NONCE);

    assert.equal(await chat(widget, 'Do you ship abroad?'), SCRIPTED_ANSWER);
    assert.deepEqual(answers, [200], 'one visitor session from the token server');
    assert.equal(await page.evaluate(() => (window as { pwned?: number }).pwned), undefined);
    const scripts = await page.locator('script[src$="/chat-kit-widget.js"]').count();
    assert.equal(scripts, 1, 'the widget script is printed once');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'wordpress-block-page.png'), fullPage: true });
    await context.close();
  });

  test('a page with the shortcode shows the chat too, its height kept within bounds', STEP, async () => {
    pages.shortcode = await publishPage(admin, site, 'Help', '<p>Questions? Ask below.</p>[chat_kit_widget greeting="Ask about orders" height="100"]');
    const { context, page } = await stack.newPage();
    await page.goto(pages.shortcode);
    const widget = page.locator('chat-kit-widget');
    await widget.waitFor();
    assert.equal(await widget.getAttribute('greeting'), 'Ask about orders');
    assert.equal(await widget.getAttribute('display'), 'inline');
    assert.match((await widget.getAttribute('style')) ?? '', /--ckw-inline-height:\s*240px/);
    assert.equal(await chat(widget, 'Where is my order?'), SCRIPTED_ANSWER);
    await context.close();
  });

  test('the site-wide launcher puts a chat button on every page, from the script tag alone', STEP, async () => {
    pages.plain = await publishPage(admin, site, 'About', '<p>We roast coffee.</p>');
    const { context, page } = await stack.newPage();
    await page.goto(pages.plain);
    assert.equal(await page.locator('chat-kit-widget').count(), 0, 'no launcher while the option is off');

    await saveSettings(admin, site, { launcher: true, select: { 'Launcher position': 'bottom-left' } });
    for (const url of [`${site}/`, pages.plain]) {
      await page.goto(url);
      // The host element has no box of its own (its button and panel are fixed): attached, not "visible".
      const launcher = page.locator('body > chat-kit-widget[display="launcher"]');
      await launcher.waitFor({ state: 'attached' });
      assert.equal(await launcher.getAttribute('position'), 'bottom-left');
      assert.equal(await launcher.getAttribute('public-key'), PUBLIC_KEY);
      const tag = page.locator('script[src$="/chat-kit-widget.js"]');
      assert.equal(await tag.count(), 1);
      assert.equal(await tag.getAttribute('data-display'), 'launcher');
      assert.equal(await tag.getAttribute('defer'), '');
    }
    // The page's CSP nonce is on the tag itself (read from the HTML: browsers hide it from the DOM).
    const html = await (await page.request.get(pages.plain)).text();
    assert.match(html, new RegExp(`<script[^>]*nonce="${TEST_NONCE}"[^>]*src="${stack.tokenServer.url}/chat-kit-widget.js"|<script[^>]*src="${stack.tokenServer.url}/chat-kit-widget.js"[^>]*nonce="${TEST_NONCE}"`));

    await page.locator('chat-kit-widget').getByRole('button', { name: 'Open chat' }).click();
    assert.equal(await chat(page.locator('chat-kit-widget'), 'Hello from the about page'), SCRIPTED_ANSWER);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'wordpress-launcher.png') });
    await context.close();
  });

  test('in WordPress users mode a signed-in user chats under their own id, an HS256 JWT the token server verifies; signed-out visitors use the key', STEP, async () => {
    const notices = await saveSettings(admin, site, { select: { 'Who chats': 'wordpress-users' }, text: { 'Shared secret': stack.secret } });
    assert.ok(notices.some((notice) => notice.includes('Settings saved.')), notices.join(' | '));
    assert.equal(await admin.getByLabel('Shared secret', { exact: true }).inputValue(), '', 'the secret is never printed back');
    assert.doesNotMatch(await admin.content(), new RegExp(stack.secret));

    const bearer: string[] = [];
    admin.on('request', (request) => {
      if (request.url() === `${stack.tokenServer.url}/api/chatkit`) bearer.push(request.headers().authorization ?? '');
    });
    await admin.goto(pages.block);
    const widget = admin.locator('.wp-block-chat-kit-widget-chat chat-kit-widget');
    assert.equal(await widget.getAttribute('auth-mode'), 'custom-fetch');
    assert.equal(await chat(widget, 'I am the site admin'), SCRIPTED_ANSWER);
    assert.ok(bearer.length > 0 && bearer.every((value) => value === bearer[0]), 'every backend request carries the same user token');
    // The site-wide launcher, which the widget's script adds to the page itself, gets the user's token as well.
    const requestsBefore = bearer.length;
    await admin.goto(pages.plain);
    const launcher = admin.locator('body > chat-kit-widget[display="launcher"]');
    await launcher.getByRole('button', { name: 'Open chat' }).click();
    assert.equal(await chat(launcher, 'Me again, from the launcher'), SCRIPTED_ANSWER);
    assert.ok(bearer.length > requestsBefore, 'the launcher talked to the backend');
    const token = bearer[0]!.replace(/^Bearer /, '');
    const key = new TextEncoder().encode(stack.secret);
    const { payload, protectedHeader } = await jwtVerify(token, key, { issuer: site });
    assert.equal(protectedHeader.alg, 'HS256');
    assert.match(payload.sub!, /^wp_[A-Za-z0-9]{16}_1$/);
    const fromLauncher = await jwtVerify(bearer.at(-1)!.replace(/^Bearer /, ''), key, { issuer: site });
    assert.equal(fromLauncher.payload.sub, payload.sub, 'the same user on every page');
    assert.ok(payload.exp! - payload.iat! <= 300, 'a short-lived token');
    assert.doesNotMatch(await admin.content(), /eyJ[\w-]+\.eyJ/, 'no token in the page itself');

    const { context, page } = await stack.newPage();
    const answers = publicAccessAnswers(page);
    await page.goto(pages.block);
    assert.equal(await chat(page.locator('.wp-block-chat-kit-widget-chat chat-kit-widget'), 'Just visiting'), SCRIPTED_ANSWER);
    assert.deepEqual(answers, [200], 'the signed-out visitor fell back to the publishable key');
    const forged = await page.evaluate(async (site) => (await fetch(`${site}/wp-json/chat-kit-widget/v1/token`, { method: 'POST' })).status, site);
    assert.equal(forged, 401, 'no token for someone who is not signed in');
    await context.close();
  });

  test('WordPress ran as the tests set it up: no outside requests, no background cron', STEP, async () => {
    const constants = await admin.evaluate(async (site) => {
      const nonce = await (await fetch(`${site}/wp-admin/admin-ajax.php?action=rest-nonce`)).text();
      return (await fetch(`${site}/wp-json/ckw-test/v1/options`, { headers: { 'x-wp-nonce': nonce } })).json();
    }, site);
    assert.deepEqual(constants.environment, { WP_HTTP_BLOCK_EXTERNAL: true, DISABLE_WP_CRON: true });
  });

  test('PHP logged nothing from the plugin: no notice, warning or deprecation', STEP, async () => {
    const lines = stack.wordpress.debugLog().split('\n').filter((line) => line.includes('/plugins/chat-kit-widget/'));
    assert.deepEqual(lines, []);
  });

  test('deleting the plugin removes its settings and site id', STEP, async () => {
    await admin.goto(`${site}/wp-admin/plugins.php`);
    const row = admin.locator('tr[data-slug="chat-kit-widget"]');
    await row.getByRole('link', { name: /Deactivate/ }).click();
    await admin.getByText('Plugin deactivated.').waitFor();
    // WordPress's own confirmation page (what the Delete link opens before wp-admin's script takes it over; a click
    // could land on either, so the test opens the link itself): it lists the plugin, and deleting runs uninstall.php.
    const deleteLink = await row.getByRole('link', { name: /Delete/ }).getAttribute('href');
    await admin.goto(new URL(deleteLink!, `${site}/wp-admin/`).href);
    await admin.getByText('Chat Kit Widget', { exact: false }).first().waitFor();
    await admin.getByRole('button', { name: /Yes, delete these files/ }).click();
    await admin.getByText('The selected plugin has been deleted.').waitFor();
    assert.equal(await admin.locator('tr[data-slug="chat-kit-widget"]').count(), 0);
    const stored = await admin.evaluate(async (site) => {
      const nonce = await (await fetch(`${site}/wp-admin/admin-ajax.php?action=rest-nonce`)).text();
      return (await fetch(`${site}/wp-json/ckw-test/v1/options`, { headers: { 'x-wp-nonce': nonce } })).json();
    }, site);
    assert.deepEqual({ settings: stored.settings, site_id: stored.site_id }, { settings: null, site_id: null });
  });
});
