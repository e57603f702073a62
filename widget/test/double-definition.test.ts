/**
 * Pages that include the widget twice, or a copy of another version: defining never throws, never defines
 * twice, and a version mismatch is warned about once. Its own page, since the tag must start free.
 */
import { expect } from '@open-wc/testing';

// Loaded by URL, as a second <script> include would: the path is a runtime value on purpose.
const entry = '/widget/src/chat-kit-widget.ts';

class OtherVersion extends HTMLElement {
  static readonly version = '0.0.9';
}

describe('<chat-kit-widget> included more than once', () => {
  it('when another version already owns the tag, keeps it, does not throw, and warns once naming both versions', async () => {
    customElements.define('chat-kit-widget', OtherVersion);
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    try {
      await import(/* @vite-ignore */ entry);
      await import(/* @vite-ignore */ `${entry}?included=twice`);
    } finally {
      console.warn = warn;
    }
    expect(customElements.get('chat-kit-widget')).to.equal(OtherVersion);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('0.0.9').and.to.include('0.1.0');
  });
});
