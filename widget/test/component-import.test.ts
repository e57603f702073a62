/**
 * The class module defines nothing: only the entry (`chat-kit-widget.ts`) registers the tag, so bundler users
 * can register it under their own conditions. Its own page, since the tag must start free.
 */
import { expect } from '@open-wc/testing';
import { ChatKitWidget } from '../src/chat-kit-widget/chat-kit-widget.component.js';

describe('importing the element class', () => {
  it('defines no tag and injects no script', () => {
    expect(ChatKitWidget.version).to.equal('0.1.0');
    expect(customElements.get('chat-kit-widget')).to.equal(undefined);
    expect(document.querySelectorAll('script[src*="chatkit"]')).to.have.length(0);
  });

  it("runs Lit's production build, as the bundles do (the development one warns on every page)", () => {
    expect((globalThis as { litIssuedWarnings?: Set<string> }).litIssuedWarnings).to.equal(undefined);
  });
});
