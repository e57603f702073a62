/**
 * What ChatKit is given and what the page hears: attributes and the `options` property turned into one full
 * options object, changes re-sent to the same ChatKit, ChatKit's events re-emitted, the thread persisted,
 * and the element's methods. ChatKit is the fake; a pre-minted client secret means no server is needed.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../src/chat-kit-widget.js';
import type { ChatKitWidget } from '../src/chat-kit-widget.js';
import { testEnv, userToken } from '../test-support/backends.js';
import { defineFakeChatKit } from '../test-support/fake-chatkit.js';
import { chatkitOf, eventually, part, recordEvents, signedInWidget } from '../test-support/widget-helpers.js';

defineFakeChatKit();

const premint = 'cs_test_preminted';
const CHATKIT_KEYS = ['api', 'locale', 'theme', 'frameTitle', 'initialThread', 'onClientTool', 'header', 'history', 'startScreen', 'threadItemActions', 'composer', 'disclaimer', 'entities', 'commands', 'widgets', 'thread'];

async function readyWidget(template: ReturnType<typeof html>) {
  const widget = await fixture<ChatKitWidget>(template);
  const chatkit = await chatkitOf(widget);
  await widget.ready;
  return { widget, chatkit };
}

describe('<chat-kit-widget> options and events', () => {
  beforeEach(() => {
    localStorage.clear();
    sessionStorage.clear();
  });

  it('maps theme, accent, locale, greeting, placeholder and title onto ChatKit options, and nothing ChatKit does not know', async () => {
    const { chatkit } = await readyWidget(
      html`<chat-kit-widget client-secret=${premint} theme="dark" accent="#ff5500" locale="fr" greeting="Bonjour !" placeholder="Votre question" title="Aide"></chat-kit-widget>`,
    );
    const options = chatkit.options!;
    expect(options).to.deep.include({
      locale: 'fr',
      theme: { colorScheme: 'dark', color: { accent: { primary: '#ff5500', level: 1 } } },
      startScreen: { greeting: 'Bonjour !' },
      composer: { placeholder: 'Votre question' },
      header: { title: { text: 'Aide' } },
      frameTitle: 'Aide',
      initialThread: null,
    });
    expect(Object.keys(options).every((key) => CHATKIT_KEYS.includes(key))).to.equal(true);
    expect(Object.keys(options.api)).to.deep.equal(['getClientSecret']);
    expect(chatkit.secrets).to.deep.equal([premint]);
  });

  it('with theme="auto", follows the colour scheme the visitor prefers, also when it changes', async () => {
    // Inside a frame, prefers-color-scheme follows the frame element's color-scheme, in every browser: the test
    // switches it there (Chromium's media emulation has no WebDriver BiDi counterpart in Firefox yet).
    const frame = document.createElement('iframe');
    frame.src = '/__ckw/widget-page.html';
    frame.style.colorScheme = 'dark';
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    try {
      await loaded;
      const page = frame.contentWindow as Window & typeof globalThis;
      await page.customElements.whenDefined('chat-kit-widget');
      const widget = page.document.createElement('chat-kit-widget');
      for (const [name, value] of Object.entries({ 'client-secret': premint, theme: 'auto', 'script-src': '/__ckw/fake-chatkit.js' }))
        widget.setAttribute(name, value);
      page.document.body.append(widget);
      const chatkit = await chatkitOf(widget);
      await eventually(() => chatkit.options, 'ChatKit got no options');
      expect(chatkit.options!.theme).to.deep.equal({ colorScheme: 'dark' });
      frame.style.colorScheme = 'light';
      await eventually(() => (chatkit.options!.theme as { colorScheme: string }).colorScheme === 'light', 'the theme did not follow the scheme');
    } finally {
      frame.remove();
    }
  });

  it('merges the options property over the attributes, keeps functions, and leaves out keys ChatKit does not know', async () => {
    const onClientTool = () => ({ ok: true });
    const widget = document.createElement('chat-kit-widget');
    widget.setAttribute('client-secret', premint);
    widget.setAttribute('greeting', 'Hello');
    widget.options = {
      startScreen: { prompts: [{ label: 'Pricing', prompt: 'What does it cost?' }] },
      composer: { placeholder: 'Ask away' },
      onClientTool,
      notAChatKitOption: true,
      api: { url: 'https://evil.example', domainKey: 'x' },
    } as never;
    document.body.append(widget);
    const chatkit = await chatkitOf(widget);
    const options = chatkit.options!;
    expect(options.startScreen).to.deep.equal({ greeting: 'Hello', prompts: [{ label: 'Pricing', prompt: 'What does it cost?' }] });
    expect(options.composer).to.deep.equal({ placeholder: 'Ask away' });
    expect(await options.onClientTool!({ name: 'x', params: {} })).to.deep.equal({ ok: true });
    expect(options).not.to.have.property('notAChatKitOption');
    expect(options.api).to.have.property('getClientSecret');
    expect(options.api).not.to.have.property('url');
    widget.remove();
  });

  it('when attributes change at run time, sends the new options to the same ChatKit without new credentials', async () => {
    const { widget, chatkit } = await readyWidget(html`<chat-kit-widget client-secret=${premint} greeting="Hi"></chat-kit-widget>`);
    widget.setAttribute('greeting', 'Welcome back');
    widget.setAttribute('placeholder', 'Type here');
    await eventually(() => chatkit.options!.startScreen?.greeting === 'Welcome back', 'the new greeting was not sent');
    await eventually(() => chatkit.options!.composer?.placeholder === 'Type here', 'the placeholder was not sent');
    expect(widget.chatkit).to.equal(chatkit);
    expect(widget.shadowRoot!.querySelectorAll('openai-chatkit').length).to.equal(1);
    expect(chatkit.secrets).to.deep.equal([premint]);
  });

  it('re-emits ChatKit events from the host as ckw-* events that bubble out of shadow roots', async () => {
    const { widget, chatkit } = await readyWidget(html`<chat-kit-widget client-secret=${premint}></chat-kit-widget>`);
    const heard = recordEvents(document, ['ckw-thread-change', 'ckw-response-start', 'ckw-response-end', 'ckw-log', 'ckw-effect', 'ckw-error', 'ckw-thread-load-start']);
    await chatkit.emit('chatkit.thread.change', { threadId: 'thr_1' });
    await chatkit.emit('chatkit.response.start');
    await chatkit.emit('chatkit.response.end');
    await chatkit.emit('chatkit.log', { name: 'composer.submit', data: { length: 5 } });
    await chatkit.emit('chatkit.effect', { name: 'confetti', data: { amount: 3 } });
    await chatkit.emit('chatkit.thread.load.start', { threadId: 'thr_1' });
    await chatkit.emit('chatkit.error', { error: new Error('stream broke') });
    expect(heard.map(({ name, detail }) => ({ name, detail }))).to.deep.equal([
      { name: 'ckw-thread-change', detail: { threadId: 'thr_1' } },
      { name: 'ckw-response-start', detail: null },
      { name: 'ckw-response-end', detail: null },
      { name: 'ckw-log', detail: { name: 'composer.submit', data: { length: 5 } } },
      { name: 'ckw-effect', detail: { name: 'confetti', data: { amount: 3 } } },
      { name: 'ckw-thread-load-start', detail: { threadId: 'thr_1' } },
      { name: 'ckw-error', detail: { code: 'chatkit_error', message: 'stream broke' } },
    ]);
    expect(heard.every((event) => event.bubbles && event.composed)).to.equal(true);
    expect(widget.isConnected).to.equal(true);
  });

  it('fires ckw-ready and resolves ready once ChatKit is ready', async () => {
    const widget = document.createElement('chat-kit-widget');
    widget.setAttribute('client-secret', premint);
    const ready = oneEvent(widget, 'ckw-ready');
    document.body.append(widget);
    await ready;
    await widget.ready;
    expect((widget.chatkit as unknown as { secrets: string[] }).secrets).to.deep.equal([premint]);
    widget.remove();
  });

  for (const [persist, storage] of [
    ['local', () => localStorage],
    ['session', () => sessionStorage],
  ] as const) {
    it(`with persist="${persist}", reopens the current thread on the next page load and forgets it on reset()`, async () => {
      const first = await readyWidget(html`<chat-kit-widget client-secret=${premint} persist=${persist}></chat-kit-widget>`);
      await first.chatkit.emit('chatkit.thread.change', { threadId: 'thr_kept' });
      expect(Object.values({ ...storage() })).to.include('thr_kept');
      first.widget.remove();

      const second = await readyWidget(html`<chat-kit-widget client-secret=${premint} persist=${persist}></chat-kit-widget>`);
      expect(second.chatkit.options!.initialThread).to.equal('thr_kept');

      await second.widget.reset();
      expect(Object.values({ ...storage() })).not.to.include('thr_kept');
      const fresh = await chatkitOf(second.widget);
      await eventually(() => (second.widget.chatkit as unknown) !== second.chatkit, 'reset() kept the old ChatKit');
      expect((second.widget.chatkit as unknown as typeof fresh).options!.initialThread).to.equal(null);
    });
  }

  it('keeps the persisted thread per signed-in user: the next person on this browser starts on a new thread', async () => {
    const env = await testEnv();
    const mount = async (sub: string) => {
      const token = await userToken('custom', sub);
      const widget = await signedInWidget({ 'auth-mode': 'custom-fetch', server: env.custom, persist: 'local' }, async () => token);
      const chatkit = await chatkitOf(widget);
      await widget.ready;
      return { widget, chatkit };
    };
    const alice = await mount('user_alice');
    await alice.chatkit.emit('chatkit.thread.change', { threadId: 'thr_alice' });
    alice.widget.remove();

    const bob = await mount('user_bob');
    expect(bob.chatkit.options!.initialThread).to.equal(null);
    bob.widget.remove();

    const aliceAgain = await mount('user_alice');
    expect(aliceAgain.chatkit.options!.initialThread).to.equal('thr_alice');
  });

  it('reset() on a widget already removed from the page still forgets the persisted thread', async () => {
    const { widget, chatkit } = await readyWidget(html`<chat-kit-widget client-secret=${premint}></chat-kit-widget>`);
    await chatkit.emit('chatkit.thread.change', { threadId: 'thr_signed_out' });
    widget.remove();
    await widget.reset();
    expect(Object.values({ ...localStorage })).not.to.include('thr_signed_out');
  });

  it('in a launcher, the title heads the panel once: ChatKit\'s own header shows the thread instead', async () => {
    const { widget, chatkit } = await readyWidget(html`<chat-kit-widget client-secret=${premint} display="launcher" open title="Help"></chat-kit-widget>`);
    expect(part(widget, 'header')!.textContent).to.contain('Help');
    expect(chatkit.options!.frameTitle).to.equal('Help');
    expect(chatkit.options!.header?.title?.text).to.equal(undefined);
  });

  it('with persist="none", stores nothing, yet keeps the current thread when options are re-sent', async () => {
    const { widget, chatkit } = await readyWidget(html`<chat-kit-widget client-secret=${premint} persist="none"></chat-kit-widget>`);
    await chatkit.emit('chatkit.thread.change', { threadId: 'thr_memory' });
    expect(localStorage.length + sessionStorage.length).to.equal(0);
    widget.setAttribute('greeting', 'Changed');
    await eventually(() => chatkit.options!.startScreen?.greeting === 'Changed');
    expect(chatkit.options!.initialThread).to.equal('thr_memory');
  });

  it('forwards sendUserMessage, setThreadId and focusComposer to ChatKit once it is ready', async () => {
    const widget = document.createElement('chat-kit-widget');
    widget.setAttribute('client-secret', premint);
    document.body.append(widget);
    // Called before ChatKit is ready: they wait for it.
    const sent = widget.sendUserMessage('Hello there');
    await Promise.all([sent, widget.sendUserMessage({ text: 'New topic', newThread: true }), widget.setThreadId('thr_9'), widget.focusComposer()]);
    const chatkit = await chatkitOf(widget);
    expect(chatkit.calls).to.deep.equal([
      { method: 'sendUserMessage', args: [{ text: 'Hello there' }] },
      { method: 'sendUserMessage', args: [{ text: 'New topic', newThread: true }] },
      { method: 'setThreadId', args: ['thr_9'] },
      { method: 'focusComposer', args: [] },
    ]);
    widget.remove();
  });
});
