/**
 * auth-mode="client-secret", end to end: the widget against the real token server (hosted sessions through
 * the OpenAI mock, user JWTs from a JWKS server the way Better Auth issues them). ChatKit is the fake,
 * asking for secrets the way the real one does.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../src/chat-kit-widget.js';
import type { ChatKitWidget } from '../src/chat-kit-widget.js';
import { clearOpenaiFaults, hostedSessions, openaiFault, testEnv, userToken } from '../test-support/backends.js';
import { defineFakeChatKit } from '../test-support/fake-chatkit.js';
import { chatkitOf, errorShown, eventually, nextError, part, recordEvents, signedInWidget } from '../test-support/widget-helpers.js';

defineFakeChatKit();

/** Sessions the hosted test server created from now on. */
async function sessionsSince(): Promise<() => ReturnType<typeof hostedSessions>> {
  const before = (await hostedSessions('hosted')).length;
  return async () => (await hostedSessions('hosted')).slice(before);
}

async function clientSecretWidget(getAuthToken: () => Promise<string | null>, extra: Record<string, string> = {}) {
  const env = await testEnv();
  return signedInWidget({ 'auth-mode': 'client-secret', server: env.hosted, ...extra }, getAuthToken);
}

describe('auth-mode="client-secret" against the token server', () => {
  afterEach(() => clearOpenaiFaults('hosted'));

  it('starts a session for the signed-in user, then refreshes it with the current secret', async () => {
    const created = await sessionsSince();
    const widget = await clientSecretWidget(() => userToken('hosted', 'user_alice'));
    const chatkit = await chatkitOf(widget);
    await widget.ready;
    const [first] = await created();
    expect(first!.user).to.equal('user_alice');
    expect(chatkit.secrets).to.deep.equal([first!.client_secret]);

    const renewed = await chatkit.refreshSecret();
    const [, second] = await created();
    expect(renewed).to.equal(second!.client_secret);
    expect(second!.user).to.equal('user_alice');
    expect((await created())[0]!.cancelled).to.equal(true);
  });

  it('reads the user JWT from the auth-token attribute when no getAuthToken is set', async () => {
    const env = await testEnv();
    const created = await sessionsSince();
    const token = await userToken('hosted', 'user_attr');
    const widget = await fixture<ChatKitWidget>(
      html`<chat-kit-widget auth-mode="client-secret" server=${env.hosted} auth-token=${token} persist="none"></chat-kit-widget>`,
    );
    await chatkitOf(widget);
    await widget.ready;
    expect((await created()).map((s) => s.user)).to.deep.equal(['user_attr']);
  });

  it('collapses concurrent secret requests into one', async () => {
    const created = await sessionsSince();
    let asked = 0;
    const widget = await clientSecretWidget(() => {
      asked++;
      return userToken('hosted', 'user_busy');
    });
    const chatkit = await chatkitOf(widget);
    await widget.ready;
    const [a, b, c] = await Promise.all([chatkit.refreshSecret(), chatkit.refreshSecret(), chatkit.refreshSecret()]);
    expect([b, c]).to.deep.equal([a, a]);
    expect(await created()).to.have.length(2);
    expect(asked).to.equal(1);
  });

  it('when an attribute changes while the first secret is on its way, starts one session and shows the new value', async () => {
    const created = await sessionsSince();
    let release!: (token: string) => void;
    const held = new Promise<string>((resolve) => (release = resolve));
    let asked = 0;
    const widget = await clientSecretWidget(() => {
      asked++;
      return held;
    });
    await eventually(() => asked > 0, 'the widget never asked for the user token');
    widget.setAttribute('greeting', 'Changed while loading');
    await widget.updateComplete;
    release(await userToken('hosted', 'user_patient'));
    const chatkit = await chatkitOf(widget);
    await widget.ready;
    await eventually(() => chatkit.options!.startScreen?.greeting === 'Changed while loading', 'the new greeting never reached ChatKit');
    expect(await created()).to.have.length(1);
  });

  it('when nobody is signed in and a public-key is set, falls back to anonymous access', async () => {
    const env = await testEnv();
    const created = await sessionsSince();
    const widget = await clientSecretWidget(async () => null, { 'public-key': env.publicKey });
    const chatkit = await chatkitOf(widget);
    await widget.ready;
    const [session] = await created();
    expect(session!.user).to.match(/^anon_/);
    expect(chatkit.secrets).to.deep.equal([session!.client_secret]);
  });

  it('when the server refuses the user token (401) and a public-key is set, falls back to anonymous access', async () => {
    const env = await testEnv();
    const created = await sessionsSince();
    const widget = await clientSecretWidget(() => userToken('hosted', 'user_expired', -60), { 'public-key': env.publicKey });
    await chatkitOf(widget);
    await widget.ready;
    expect((await created()).map((s) => s.user)).to.have.length(1).and.to.satisfy((users: string[]) => users[0]!.startsWith('anon_'));
    expect(errorShown(widget)).to.equal(null);
  });

  it('when nobody is signed in and there is no public-key, emits ckw-auth-required and asks to sign in; after sign-in, Try again starts', async () => {
    const heard = recordEvents(document, ['ckw-auth-required', 'ckw-error']);
    const widget = await clientSecretWidget(async () => null);
    await oneEvent(widget, 'ckw-auth-required');
    await widget.updateComplete;
    expect(errorShown(widget)).to.include('Please sign in to chat.');
    expect(heard.map((e) => e.name)).to.deep.equal(['ckw-auth-required']);
    expect(widget.chatkit).to.equal(null);

    widget.getAuthToken = () => userToken('hosted', 'user_now_signed_in');
    part(widget, 'error')!.querySelector('button')!.click();
    await chatkitOf(widget);
    await widget.ready;
    expect(errorShown(widget)).to.equal(null);
  });

  it('when the upstream fails (the server answers 502), shows it with a retry and emits server_error; Try again succeeds', async () => {
    await openaiFault('hosted', { kind: 'status', status: 500, pathPrefix: '/v1/chatkit/sessions' });
    const failed = nextError(document);
    const widget = await clientSecretWidget(() => userToken('hosted', 'user_unlucky'));
    const detail = await failed;
    expect(detail).to.include({ code: 'server_error', status: 502 });
    await widget.updateComplete;
    expect(errorShown(widget)).to.include('The chat server had a problem.');

    await clearOpenaiFaults('hosted');
    part(widget, 'error')!.querySelector('button')!.click();
    await chatkitOf(widget);
    await widget.ready;
    expect(errorShown(widget)).to.equal(null);
  });

  it('reset() forgets the cached secret: the next start asks the server again', async () => {
    const created = await sessionsSince();
    const widget = await clientSecretWidget(() => userToken('hosted', 'user_logout'));
    const first = await chatkitOf(widget);
    await widget.ready;
    await widget.reset();
    await widget.ready;
    const second = widget.chatkit as unknown as typeof first;
    expect(second).not.to.equal(first);
    const sessions = await created();
    expect(sessions).to.have.length(2);
    expect(second.secrets).to.deep.equal([sessions[1]!.client_secret]);
  });
});
