/**
 * The element's life on a real page: several widgets at once, removal and re-insertion, and lazy start of
 * a launcher. ChatKit is the fake; pre-minted secrets and the hosted test server provide credentials.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../src/chat-kit-widget.js';
import type { ChatKitWidget } from '../src/chat-kit-widget.js';
import { hostedSessions, testEnv } from '../test-support/backends.js';
import { defineFakeChatKit, FakeChatKit } from '../test-support/fake-chatkit.js';
import { chatkitOf, eventually, part } from '../test-support/widget-helpers.js';

defineFakeChatKit();

describe('<chat-kit-widget> lifecycle', () => {
  it('runs two widgets with different auth modes side by side, each with its own ChatKit and credentials', async () => {
    const env = await testEnv();
    const before = (await hostedSessions('hosted')).length;
    const page = await fixture<HTMLElement>(html`<div>
      <chat-kit-widget id="inline" client-secret="cs_test_server_rendered" persist="none"></chat-kit-widget>
      <chat-kit-widget id="launcher" display="launcher" open server=${env.hosted} public-key=${env.publicKey} persist="none"></chat-kit-widget>
    </div>`);
    const inline = page.querySelector<ChatKitWidget>('#inline')!;
    const launcher = page.querySelector<ChatKitWidget>('#launcher')!;
    const [a, b] = await Promise.all([chatkitOf(inline), chatkitOf(launcher)]);
    await Promise.all([inline.ready, launcher.ready]);
    expect(a).not.to.equal(b);
    expect(a.secrets).to.deep.equal(['cs_test_server_rendered']);
    const sessions = (await hostedSessions('hosted')).slice(before);
    expect(b.secrets).to.deep.equal(sessions.map((s) => s.client_secret));
    expect(sessions[0]!.user).to.match(/^anon_/);
  });

  it('when removed, unmounts its React root and ChatKit stops being listened to; re-added, it mounts a fresh one', async () => {
    const holder = await fixture<HTMLElement>(html`<div><chat-kit-widget client-secret="cs_test_premint"></chat-kit-widget></div>`);
    const widget = holder.querySelector('chat-kit-widget')!;
    const first = await chatkitOf(widget);
    await widget.ready;
    expect(first.listenerCount).to.be.greaterThan(0);

    widget.remove();
    expect(widget.chatkit).to.equal(null);
    expect(first.isConnected).to.equal(false);
    expect(first.listenerCount).to.equal(0);
    expect(widget.shadowRoot!.querySelector('.chat')!.childElementCount).to.equal(0);

    holder.append(widget);
    const second = await chatkitOf(widget);
    await widget.ready;
    expect(second).not.to.equal(first);
    expect(first.listenerCount).to.equal(0);
    expect(second.listenerCount).to.be.greaterThan(0);
    expect(widget.shadowRoot!.querySelectorAll('openai-chatkit').length).to.equal(1);

    // Out and in again in one go (a page moving the element): still exactly one live ChatKit.
    holder.prepend(widget);
    await eventually(() => widget.chatkit && (widget.chatkit as unknown) !== second, 'the moved widget did not mount again');
    expect(second.listenerCount).to.equal(0);
    const live = FakeChatKit.instances.filter((instance) => instance.isConnected);
    expect(live.filter((instance) => widget.shadowRoot!.contains(instance)).length).to.equal(1);
  });

  it('leaves a closed launcher unloaded until its button is focused, then loads ChatKit before it is opened', async () => {
    const widget = await fixture<ChatKitWidget>(html`<chat-kit-widget display="launcher" client-secret="cs_test_premint"></chat-kit-widget>`);
    await widget.updateComplete;
    expect(widget.chatkit).to.equal(null);
    part(widget, 'launcher')!.focus();
    await chatkitOf(widget);
    expect(widget.hasAttribute('open')).to.equal(false);
  });

  it('leaves a closed launcher unloaded until the pointer is over its button', async () => {
    const widget = await fixture<ChatKitWidget>(html`<chat-kit-widget display="launcher" client-secret="cs_test_premint"></chat-kit-widget>`);
    await widget.updateComplete;
    expect(widget.chatkit).to.equal(null);
    part(widget, 'launcher')!.dispatchEvent(new PointerEvent('pointerenter'));
    await chatkitOf(widget);
  });

  it('switches between inline and launcher at run time, keeping the same ChatKit', async () => {
    const widget = await fixture<ChatKitWidget>(html`<chat-kit-widget client-secret="cs_test_premint"></chat-kit-widget>`);
    const chatkit = await chatkitOf(widget);
    widget.setAttribute('display', 'launcher');
    await widget.updateComplete;
    expect(part(widget, 'launcher')).not.to.equal(null);
    expect(part(widget, 'panel')!.contains(chatkit)).to.equal(true);
    expect(widget.chatkit).to.equal(chatkit);
  });
});
