/**
 * The custom backend (`POST /api/chatkit` on the real token server), end to end: auth-mode="custom-fetch"
 * with a signed-in user's JWT on every request, and direct-token visitors the server sends to the custom
 * backend. ChatKit is the fake, which calls the widget's `fetch` the way the real one does.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../src/chat-kit-widget.js';
import type { ChatKitWidget } from '../src/chat-kit-widget.js';
import { testEnv, userToken } from '../test-support/backends.js';
import { defineFakeChatKit, type FakeChatKit } from '../test-support/fake-chatkit.js';
import { chatkitOf, errorShown, eventually, nextError, signedInWidget } from '../test-support/widget-helpers.js';

defineFakeChatKit();

/** The Authorization header of every request the page makes to the custom backend, from now on. */
function backendAuthorizations(backendUrl: string): { headers: (string | null)[]; stop(): void } {
  const headers: (string | null)[] = [];
  const original = window.fetch;
  window.fetch = (input, init) => {
    if (String(input instanceof Request ? input.url : input) === backendUrl) headers.push(new Headers(init?.headers).get('authorization'));
    return original(input, init);
  };
  return { headers, stop: () => (window.fetch = original) };
}

/** A well-formed JWT, not expired, that no server signed: the backend answers 401. */
function forgedToken(sub: string): string {
  const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${part({ alg: 'EdDSA', typ: 'JWT' })}.${part({ sub, exp: Math.floor(Date.now() / 1000) + 3600 })}.${part({ forged: true })}`;
}

async function customFetchWidget(getAuthToken: () => Promise<string | null>, extra: Record<string, string> = {}): Promise<ChatKitWidget> {
  const env = await testEnv();
  return signedInWidget({ 'auth-mode': 'custom-fetch', server: env.custom, ...extra }, getAuthToken);
}

describe('the custom backend, end to end', () => {
  let spy: ReturnType<typeof backendAuthorizations>;
  beforeEach(async () => {
    localStorage.clear();
    spy = backendAuthorizations(`${(await testEnv()).custom}/api/chatkit`);
  });
  afterEach(() => spy.stop());

  it('custom-fetch sends the user\'s JWT as a bearer on every request, and the backend answers', async () => {
    const env = await testEnv();
    const token = await userToken('custom', 'user_carol');
    const widget = await customFetchWidget(async () => token);
    const chatkit = await chatkitOf(widget);
    await widget.ready;
    const api = chatkit.options!.api as { url: string; domainKey: string };
    expect(api.url).to.equal(`${env.custom}/api/chatkit`);
    expect(api.domainKey).to.equal('local-dev');

    await chatkit.request('threads.list', { limit: 5 });
    await chatkit.request('threads.get_by_id', { thread_id: 'thr_not_mine' });
    expect(chatkit.answers.map((a) => a.status)).to.deep.equal([200, 200, 404]);
    expect(spy.headers).to.deep.equal([`Bearer ${token}`, `Bearer ${token}`, `Bearer ${token}`]);
    // Another user's thread is a 404 that ChatKit handles itself: nothing for the widget to report.
    expect(errorShown(widget)).to.equal(null);
  });

  it('custom-fetch gets a fresh token after a 401 and sends the request once more', async () => {
    const tokens = [forgedToken('user_dave'), await userToken('custom', 'user_dave')];
    let asked = 0;
    const widget = await customFetchWidget(async () => tokens[Math.min(asked++, 1)]!);
    const chatkit = await chatkitOf(widget);
    await widget.ready;
    expect(asked).to.equal(2);
    expect(spy.headers).to.deep.equal([`Bearer ${tokens[0]}`, `Bearer ${tokens[1]}`]);
    expect(chatkit.answers.map((a) => a.status)).to.deep.equal([200]);
    expect(errorShown(widget)).to.equal(null);
  });

  it('custom-fetch never sends a token about to expire: it asks the page for a new one first', async () => {
    const tokens = [await userToken('custom', 'user_erin', 10), await userToken('custom', 'user_erin')];
    let asked = 0;
    const widget = await customFetchWidget(async () => tokens[Math.min(asked++, 1)]!);
    const chatkit = await chatkitOf(widget);
    await widget.ready;
    await chatkit.request('threads.list');
    expect(asked).to.equal(2);
    expect(spy.headers).to.deep.equal([`Bearer ${tokens[1]}`, `Bearer ${tokens[1]}`]);
  });

  it('custom-fetch falls back to anonymous access when the backend keeps refusing the user, and a public-key is set', async () => {
    const env = await testEnv();
    const refused = forgedToken('user_frank');
    const widget = await customFetchWidget(async () => refused, { 'public-key': env.publicKey });
    const answered = () => (widget.chatkit as unknown as FakeChatKit | null)?.answers.some((answer) => answer.status === 200);
    await eventually(answered, 'the widget did not switch to anonymous access');
    await widget.ready;
    expect(spy.headers).to.have.length(2);
    expect(spy.headers[0]).to.equal(`Bearer ${refused}`);
    expect(spy.headers[1]).to.match(/^Bearer /).and.not.to.equal(`Bearer ${refused}`);
    expect(errorShown(widget)).to.equal(null);
  });

  it('custom-fetch without a signed-in user or a public-key asks the user to sign in', async () => {
    const widget = await customFetchWidget(async () => null);
    await oneEvent(widget, 'ckw-auth-required');
    await widget.updateComplete;
    expect(errorShown(widget)).to.include('Please sign in to chat.');
    expect(spy.headers).to.deep.equal([]);
  });

  it('direct-token visitors of a custom-backend server get the backend with a visitor token on every request', async () => {
    const env = await testEnv();
    const widget = await fixture<ChatKitWidget>(html`<chat-kit-widget server=${env.custom} public-key=${env.publicKey} persist="none"></chat-kit-widget>`);
    const chatkit = await chatkitOf(widget);
    await widget.ready;
    const api = chatkit.options!.api as { url: string; domainKey: string };
    expect(api.url).to.equal(`${env.custom}/api/chatkit`);
    expect(api.domainKey).to.be.a('string').and.not.equal('');
    await chatkit.request('threads.list');
    expect(chatkit.answers.map((a) => a.status)).to.deep.equal([200, 200]);
    expect(spy.headers).to.have.length(2);
    expect(new Set(spy.headers).size).to.equal(1);
    expect(spy.headers[0]).to.match(/^Bearer \S+$/);
  });

  for (const [status, code, text] of [
    [403, 'forbidden', 'This site is not allowed to use this chat.'],
    [429, 'rate_limited', 'Too many requests.'],
    [500, 'server_error', 'The chat server had a problem.'],
  ] as const) {
    it(`when the backend answers ${status}, shows it and emits ${code}`, async () => {
      const env = await testEnv();
      const token = await userToken('custom', 'user_gina');
      const failed = nextError(document);
      const widget = await customFetchWidget(async () => token, { 'api-url': `${env.site}/__ckw/failing-backend/${status}` });
      expect(await failed).to.include({ code, status, reason: 'test_failure' });
      await widget.updateComplete;
      expect(errorShown(widget)).to.include(text);
    });
  }

  it('when the backend cannot be reached, shows it with a retry and emits network_error', async () => {
    const env = await testEnv();
    const token = await userToken('custom', 'user_hal');
    const failed = nextError(document);
    const widget = await customFetchWidget(async () => token, { 'api-url': `${env.unreachable}/api/chatkit` });
    expect(await failed).to.include({ code: 'network_error' });
    await widget.updateComplete;
    expect(errorShown(widget)).to.include('Try again');
  });
});
