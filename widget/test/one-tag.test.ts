/**
 * One-tag embedding: the built script-tag file, served by the real token server, pasted as a single `<script>`
 * with `data-*` attributes the way a CMS's "header scripts" box or a tag manager puts it on a page. It adds one
 * `<chat-kit-widget>` to `<body>` with those attributes, which then talks to the token server like any other.
 */
import { expect } from '@open-wc/testing';
import type { ChatKitWidget } from '../src/chat-kit-widget.js';
import { hostedSessions, testEnv } from '../test-support/backends.js';
import type { FakeChatKit } from '../test-support/fake-chatkit.js';
import { PAGE_NONCE, type OneTagCase } from '../test-support/server/one-tag-pages.js';
import { chatkitOf, eventually, part } from '../test-support/widget-helpers.js';

type PageWindow = Window & typeof globalThis & { problems: string[] };

/** Opens a one-tag page in a frame and waits for its `load` (every script in the HTML has run by then). */
async function openOneTagPage(which: OneTagCase): Promise<PageWindow> {
  const env = await testEnv();
  const frame = document.createElement('iframe');
  frame.src = `/__ckw/one-tag/${which}.html?server=${encodeURIComponent(env.hosted)}&key=${env.publicKey}`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  const page = frame.contentWindow as PageWindow;
  await page.customElements.whenDefined('chat-kit-widget');
  return page;
}

const widgetsOf = (page: PageWindow) => [...page.document.querySelectorAll<ChatKitWidget>('chat-kit-widget')];

/** The page's one widget, once the script has added it. */
async function mountedWidget(page: PageWindow): Promise<ChatKitWidget> {
  await eventually(() => widgetsOf(page).length > 0, 'the script tag mounted no widget');
  const [widget] = widgetsOf(page);
  await widget!.updateComplete;
  return widget!;
}

/** ChatKit came up on a hosted session the token server has just started for this visitor. */
async function expectFreshVisitorSession(widget: ChatKitWidget, sessionsBefore: number): Promise<void> {
  const chatkit = (await chatkitOf(widget)) as FakeChatKit;
  await widget.ready;
  const [session, ...more] = (await hostedSessions('hosted')).slice(sessionsBefore);
  expect(more).to.have.length(0);
  expect(chatkit.secrets).to.deep.equal([session!.client_secret]);
}

describe('the script tag alone (one-tag embedding)', () => {
  afterEach(() => document.querySelectorAll('iframe').forEach((frame) => frame.remove()));

  it('in <head>, without defer, adds a launcher to the end of <body> with the data-* attributes, which gets a visitor session', async () => {
    const before = (await hostedSessions('hosted')).length;
    const page = await openOneTagPage('head');
    const widget = await mountedWidget(page);
    expect(widget.parentElement).to.equal(page.document.body);
    expect(page.document.body.lastElementChild).to.equal(widget);
    expect(widget.getAttribute('display')).to.equal('launcher');
    expect(widget.getAttribute('public-key')).to.equal((await testEnv()).publicKey);
    const button = part(widget, 'launcher')!;
    expect(button.getAttribute('aria-label')).to.equal('Open chat');

    widget.open();
    await expectFreshVisitorSession(widget, before);
    expect(part(widget, 'header')!.textContent).to.include('Ask the shop');
    expect(page.problems).to.deep.equal([]);
  });

  it('included twice (async and defer), adds one widget only: the first copy to run wins', async () => {
    const before = (await hostedSessions('hosted')).length;
    const page = await openOneTagPage('twice');
    const widget = await mountedWidget(page);
    expect(widgetsOf(page)).to.have.length(1);
    expect(['From the theme', 'From a plugin']).to.include(widget.getAttribute('greeting'));
    expect(page.document.querySelectorAll('script[src$="/chat-kit-widget.js"]')).to.have.length(2);
    await expectFreshVisitorSession(widget, before);
    expect(page.document.querySelectorAll('script[src$="/__ckw/fake-chatkit.js"]')).to.have.length(1);
    expect(widgetsOf(page)).to.have.length(1);
    expect(page.problems).to.deep.equal([]);
  });

  it('injected after the page has loaded (a tag manager), still mounts, as the tag asks', async () => {
    const before = (await hostedSessions('hosted')).length;
    const page = await openOneTagPage('injected');
    const widget = await mountedWidget(page);
    expect(widget.getAttribute('display')).to.equal('launcher');
    expect(widget.getAttribute('position')).to.equal('bottom-left');
    widget.open();
    await expectFreshVisitorSession(widget, before);
    expect(widgetsOf(page)).to.have.length(1);
    expect(page.problems).to.deep.equal([]);
  });

  it('under a nonce-based CSP, hands the tag\'s nonce to the ChatKit script it injects, with no violation', async () => {
    const before = (await hostedSessions('hosted')).length;
    const page = await openOneTagPage('nonce');
    const widget = await mountedWidget(page);
    await expectFreshVisitorSession(widget, before);
    const injected = page.document.querySelector<HTMLScriptElement>('script[src$="/__ckw/fake-chatkit.js"]')!;
    expect(injected.nonce).to.equal(PAGE_NONCE);
    expect(page.problems).to.deep.equal([]);
  });

  it('with only other software\'s data-* attributes (data-cfasync, data-wp-strategy), only defines the element', async () => {
    const page = await openOneTagPage('foreign-data');
    expect(page.customElements.get('chat-kit-widget')).to.not.equal(undefined);
    expect(widgetsOf(page)).to.have.length(0);
    expect(page.problems).to.deep.equal([]);
  });
});
