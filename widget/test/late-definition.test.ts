/**
 * The markup is in the page before the widget's script has run (a `defer`red or late-loaded script, or a
 * CMS that adds the script at the end): the element upgrades and starts then. Its own page, since the
 * tag must start undefined; the entry is imported only inside the test.
 */
import { expect } from '@open-wc/testing';
import type { ChatKitWidget } from '../src/chat-kit-widget.js';
import { defineFakeChatKit } from '../test-support/fake-chatkit.js';
import { chatkitOf, eventually } from '../test-support/widget-helpers.js';

defineFakeChatKit();

describe('<chat-kit-widget> defined after its markup', () => {
  it('upgrades the markup already in the page, reads its attributes and mounts ChatKit', async () => {
    expect(customElements.get('chat-kit-widget')).to.equal(undefined);
    const holder = document.createElement('div');
    const markup = document.createElement('chat-kit-widget');
    markup.setAttribute('client-secret', 'cs_test_premint');
    markup.setAttribute('greeting', 'Written before the script');
    holder.append(markup);
    document.body.append(holder);

    await import('../src/chat-kit-widget.js');
    await eventually(() => customElements.get('chat-kit-widget'));
    const widget = holder.querySelector('chat-kit-widget') as ChatKitWidget;
    const chatkit = await chatkitOf(widget);
    expect(chatkit.options!.startScreen).to.deep.equal({ greeting: 'Written before the script' });
    holder.remove();
  });
});
