/**
 * The built script-tag file (dist/widget, `npm run build`), served by the real token server at
 * /chat-kit-widget.js and pasted into a plain HTML page, twice, the way a CMS page does: it defines the
 * element, mounts ChatKit, and fetches its lazy chunk from next to itself only when needed.
 */
import { expect } from '@open-wc/testing';
import type { ChatKitWidget } from '../src/chat-kit-widget.js';
import { hostedSessions, testEnv } from '../test-support/backends.js';
import type { FakeChatKit } from '../test-support/fake-chatkit.js';
import { eventually } from '../test-support/widget-helpers.js';

type PageWindow = Window & typeof globalThis & { problems: string[] };

async function openPlainPage(display: 'inline' | 'launcher'): Promise<{ page: PageWindow; widget: ChatKitWidget; server: string }> {
  const env = await testEnv();
  const frame = document.createElement('iframe');
  frame.src = `/__ckw/plain-page.html?server=${encodeURIComponent(env.hosted)}&key=${env.publicKey}&display=${display}`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  const page = frame.contentWindow as PageWindow;
  await page.customElements.whenDefined('chat-kit-widget');
  return { page, widget: page.document.querySelector('chat-kit-widget') as ChatKitWidget, server: env.hosted };
}

const chunkRequests = (page: Window, server: string) =>
  page.performance.getEntriesByType('resource').filter((entry) => entry.name.startsWith(`${server}/chat-kit-widget-`));

describe('the built script-tag widget on a plain page', () => {
  afterEach(() => document.querySelectorAll('iframe').forEach((frame) => frame.remove()));

  it('mounts ChatKit from the token server it was loaded from, with its lazy chunk from beside it, included twice without complaint', async () => {
    const before = (await hostedSessions('hosted')).length;
    const { page, widget, server } = await openPlainPage('inline');
    await eventually(() => widget.chatkit, 'the built widget never mounted ChatKit');
    await widget.ready;
    const chatkit = widget.chatkit as unknown as FakeChatKit;
    const [session] = (await hostedSessions('hosted')).slice(before);
    expect(chatkit.secrets).to.deep.equal([session!.client_secret]);
    expect(chunkRequests(page, server).map((entry) => entry.name)).to.have.length(1);
    expect(chunkRequests(page, server)[0]!.name).to.match(/\/chat-kit-widget-session-[\w-]+\.js$/);
    expect(page.document.querySelectorAll('script[src$="/__ckw/fake-chatkit.js"]')).to.have.length(1);
    // Tags without data-* attributes only define the element: the page's own element is the only widget.
    expect(page.document.querySelectorAll('chat-kit-widget')).to.have.length(1);
    expect(page.problems).to.deep.equal([]);
  });

  it('styles its shadow root with adopted stylesheets, as the build assumes (it leaves out Lit\'s <style> fallback)', async () => {
    const { page, widget } = await openPlainPage('launcher');
    await widget.updateComplete;
    const root = widget.shadowRoot!;
    expect(root.querySelectorAll('style')).to.have.length(0);
    expect(root.adoptedStyleSheets.length).to.be.greaterThan(0);
    const button = page.getComputedStyle(root.querySelector('[part~="launcher"]')!);
    expect([button.position, button.borderRadius, button.width]).to.deep.equal(['fixed', '50%', '56px']);
    expect(page.problems).to.deep.equal([]);
  });

  it('as a closed launcher, fetches no chunk until the visitor points at the button', async () => {
    const { page, widget, server } = await openPlainPage('launcher');
    await widget.updateComplete;
    const button = widget.shadowRoot!.querySelector('[part~="launcher"]')!;
    expect(button.getAttribute('aria-label')).to.equal('Open chat');
    expect(chunkRequests(page, server)).to.have.length(0);

    button.dispatchEvent(new PointerEvent('pointerenter'));
    await eventually(() => widget.chatkit, 'hovering the launcher did not load ChatKit');
    expect(chunkRequests(page, server)).to.have.length(1);
    expect(widget.hasAttribute('open')).to.equal(false);
    expect(page.problems).to.deep.equal([]);
  });
});
