/**
 * With a custom backend, the widget reads the backend's capabilities once and turns on ChatKit's composer options
 * accordingly (uploads two-phase, dictation, the model picker, composer tools); the page's own `options` win; a
 * backend that does not answer leaves the chat working without them, with one console line and nothing on screen.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../src/chat-kit-widget.js';
import type { ChatKitWidget } from '../src/chat-kit-widget.js';
import { testEnv, userToken } from '../test-support/backends.js';
import { defineFakeChatKit } from '../test-support/fake-chatkit.js';
import { chatkitOf, signedInWidget } from '../test-support/widget-helpers.js';

defineFakeChatKit();

/** Requests to `<server>/api/chatkit/capabilities` from now on (refused as a network failure with `failing`), and console warnings. */
function watch(failing = false) {
  const capabilityReads: string[] = [];
  const warnings: string[] = [];
  const { fetch: originalFetch } = window;
  const originalWarn = console.warn;
  window.fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.endsWith('/capabilities')) {
      capabilityReads.push(url);
      if (failing) return Promise.reject(new TypeError('Failed to fetch'));
    }
    return originalFetch(input, init);
  };
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  return {
    capabilityReads,
    warnings,
    stop() {
      window.fetch = originalFetch;
      console.warn = originalWarn;
    },
  };
}

async function composerWidget(server: string, extra: Record<string, string> = {}): Promise<ChatKitWidget> {
  const token = await userToken('composer', 'ana');
  return signedInWidget({ 'auth-mode': 'custom-fetch', server, ...extra }, async () => token);
}

describe('the custom backend\'s capabilities in ChatKit\'s composer', () => {
  let watcher: ReturnType<typeof watch>;
  beforeEach(() => {
    localStorage.clear();
    watcher = watch();
  });
  afterEach(() => watcher.stop());

  it('turns on uploads (two-phase), dictation, the model picker and the composer tools the backend offers', async () => {
    const env = await testEnv();
    const widget = await composerWidget(env.composer);
    const chatkit = await chatkitOf(widget);
    await widget.ready;
    const options = chatkit.options!;
    expect(options.composer).to.deep.equal({
      attachments: { enabled: true, accept: { 'image/*': ['.png', '.jpg', '.jpeg', '.gif', '.webp'], 'application/pdf': ['.pdf'] }, maxSize: 2000000, maxCount: 3 },
      dictation: { enabled: true },
      models: [
        { id: 'gpt-5-mini', label: 'Fast', default: true },
        { id: 'gpt-5', label: 'Best' },
      ],
      tools: [{ id: 'web_search', label: 'Search the web', icon: 'globe', shortLabel: 'Search' }],
    });
    expect((options.api as { uploadStrategy?: unknown }).uploadStrategy).to.deep.equal({ type: 'two_phase' });
    // A second widget on the page for the same backend does not read them again.
    const second = await composerWidget(env.composer);
    await second.ready;
    expect(watcher.capabilityReads).to.deep.equal([`${env.composer}/api/chatkit/capabilities`]);
  });

  it("the page's own options win, key by key inside composer", async () => {
    const env = await testEnv();
    const token = await userToken('composer', 'ben');
    const widget = document.createElement('chat-kit-widget') as ChatKitWidget;
    widget.setAttribute('auth-mode', 'custom-fetch');
    widget.setAttribute('server', env.composer);
    widget.setAttribute('persist', 'none');
    widget.setAttribute('placeholder', 'Ask us');
    widget.getAuthToken = async () => token;
    widget.options = {
      composer: { dictation: { enabled: false }, models: [{ id: 'gpt-5', label: 'Only this one', default: true }] },
      api: { uploadStrategy: { type: 'direct', uploadUrl: 'https://uploads.example/up' } } as never,
    };
    (await fixture<HTMLElement>(html`<div></div>`)).append(widget);
    const chatkit = await chatkitOf(widget);
    await widget.ready;
    const { composer, api } = chatkit.options!;
    expect(composer!.dictation).to.deep.equal({ enabled: false });
    expect(composer!.models).to.deep.equal([{ id: 'gpt-5', label: 'Only this one', default: true }]);
    expect(composer!.placeholder).to.equal('Ask us');
    expect(composer!.attachments!.enabled).to.equal(true);
    expect((api as { uploadStrategy?: unknown }).uploadStrategy).to.deep.equal({ type: 'direct', uploadUrl: 'https://uploads.example/up' });
  });

  it('a backend that offers nothing extra leaves the composer alone and uploads off', async () => {
    const env = await testEnv();
    const token = await userToken('custom', 'cai');
    const widget = await signedInWidget({ 'auth-mode': 'custom-fetch', server: env.custom }, async () => token);
    const chatkit = await chatkitOf(widget);
    await widget.ready;
    expect(chatkit.options!.composer).to.equal(undefined);
    expect((chatkit.options!.api as { uploadStrategy?: unknown }).uploadStrategy).to.equal(undefined);
  });

  it('when the capabilities cannot be read, the chat still works without them, with one console warning and no error shown', async () => {
    watcher.stop();
    watcher = watch(true);
    const env = await testEnv();
    // The quota stack: a backend this page has not read capabilities from yet (they are read once per page and backend).
    const token = await userToken('quota', 'dee');
    const widget = await signedInWidget({ 'auth-mode': 'custom-fetch', server: env.quota }, async () => token);
    const chatkit = await chatkitOf(widget);
    await widget.ready;
    expect(chatkit.options!.composer).to.equal(undefined);
    expect(chatkit.answers.at(-1)?.status, 'ChatKit reached the backend').to.equal(200);
    expect(widget.shadowRoot!.querySelector('[role="alert"]')).to.equal(null);
    expect(watcher.warnings.filter((line) => line.includes(`${env.quota}/api/chatkit/capabilities`))).to.have.length(1);
  });
});
