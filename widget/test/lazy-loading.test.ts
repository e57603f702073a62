/**
 * An inline widget far below the fold loads nothing (not even the lazy chunk) until it nears the viewport.
 * Its own page: the lazy code must not have been loaded by an earlier test.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../src/chat-kit-widget.js';
import type { ChatKitWidget } from '../src/chat-kit-widget.js';
import { defineFakeChatKit } from '../test-support/fake-chatkit.js';
import { chatkitOf } from '../test-support/widget-helpers.js';

defineFakeChatKit();

/** Resolves after the browser has computed intersections for this element (the widget's observer ran too). */
function intersectionsComputed(element: Element): Promise<void> {
  return new Promise((resolve) => {
    const observer = new IntersectionObserver(() => {
      observer.disconnect();
      resolve();
    });
    observer.observe(element);
  });
}

const lazyCodeRequested = () => performance.getEntriesByType('resource').some((entry) => entry.name.includes('/widget/src/session/'));

describe('<chat-kit-widget> lazy loading', () => {
  it('when inline and far below the fold, loads its lazy code only once scrolled near the viewport', async () => {
    const page = await fixture<HTMLElement>(html`<div>
      <style>
        .below-the-fold {
          height: 5000px;
        }
      </style>
      <div class="below-the-fold"></div>
      <chat-kit-widget client-secret="cs_test_premint"></chat-kit-widget>
    </div>`);
    const widget = page.querySelector<ChatKitWidget>('chat-kit-widget')!;
    await intersectionsComputed(widget);
    expect(widget.chatkit).to.equal(null);
    expect(lazyCodeRequested()).to.equal(false);

    widget.scrollIntoView();
    await chatkitOf(widget);
    expect(lazyCodeRequested()).to.equal(true);
  });
});
