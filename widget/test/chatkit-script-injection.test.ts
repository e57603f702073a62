/**
 * ChatKit's CDN script is put into the page once, whatever the number of widgets, with the CSP nonce.
 * Its own page, where `<openai-chatkit>` starts undefined; `script-src` points at the fake's script.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../src/chat-kit-widget.js';
import type { ChatKitWidget } from '../src/chat-kit-widget.js';
import { chatkitOf } from '../test-support/widget-helpers.js';

describe('<chat-kit-widget> loading ChatKit\'s script', () => {
  it('injects the script into document.head once for several widgets, with their nonce, and all of them mount', async () => {
    expect(customElements.get('openai-chatkit')).to.equal(undefined);
    const page = await fixture<HTMLElement>(html`<div>
      <chat-kit-widget client-secret="cs_a" script-src="/__ckw/fake-chatkit.js" nonce="n0nce-123"></chat-kit-widget>
      <chat-kit-widget client-secret="cs_b" script-src="/__ckw/fake-chatkit.js" nonce="n0nce-123"></chat-kit-widget>
      <chat-kit-widget client-secret="cs_c" script-src="/__ckw/fake-chatkit.js" nonce="n0nce-123" display="launcher" open></chat-kit-widget>
    </div>`);
    const widgets = Array.from(page.querySelectorAll<ChatKitWidget>('chat-kit-widget'));
    const chatkits = await Promise.all(widgets.map(chatkitOf));
    await Promise.all(widgets.map((widget) => widget.ready));

    const tags = Array.from(document.querySelectorAll('script')).filter((script) => script.src.endsWith('/__ckw/fake-chatkit.js'));
    expect(tags).to.have.length(1);
    expect(tags[0]!.parentElement).to.equal(document.head);
    expect(tags[0]!.nonce).to.equal('n0nce-123');
    expect(chatkits.map((chatkit) => chatkit.secrets[0])).to.deep.equal(['cs_a', 'cs_b', 'cs_c']);

    // The download started with the lazy code's, not after it: the tag was put in before the lazy code was
    // asked for, and the browser fetched the script once.
    const [script] = performance.getEntriesByName(tags[0]!.src);
    const lazyCode = performance.getEntriesByType('resource').find((entry) => entry.name.includes('/widget/src/session/'));
    expect(performance.getEntriesByName(tags[0]!.src)).to.have.length(1);
    expect(script!.startTime).to.be.at.most(lazyCode!.startTime);
    expect(Array.from(document.querySelectorAll<HTMLLinkElement>('link[rel="preload"]')).filter((link) => link.href === tags[0]!.src)).to.have.length(0);
  });
});
