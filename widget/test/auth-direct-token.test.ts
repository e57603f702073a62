/**
 * auth-mode="direct-token", end to end against the real token server: anonymous visitors with a
 * publishable key (allowed and forbidden origins, returning visitors), a pre-minted secret, and the
 * failures a visitor can meet (403, 429, network down).
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../src/chat-kit-widget.js';
import type { ChatKitWidget } from '../src/chat-kit-widget.js';
import { hostedSessions, testEnv, type StackName } from '../test-support/backends.js';
import { defineFakeChatKit } from '../test-support/fake-chatkit.js';
import { chatkitOf, errorShown, nextError, part } from '../test-support/widget-helpers.js';

defineFakeChatKit();

async function visitorWidget(server: 'hosted' | 'custom' | 'tight' | 'quota' | 'unreachable', publicKey: string): Promise<ChatKitWidget> {
  const env = await testEnv();
  return fixture<ChatKitWidget>(html`<chat-kit-widget server=${env[server]} public-key=${publicKey} persist="none"></chat-kit-widget>`);
}

async function sessionsSince(stack: StackName = 'hosted'): Promise<() => ReturnType<typeof hostedSessions>> {
  const before = (await hostedSessions(stack)).length;
  return async () => (await hostedSessions(stack)).slice(before);
}

describe('auth-mode="direct-token" against the token server', () => {
  beforeEach(() => localStorage.clear());

  it('with a public key used from an allowed origin, gets an anonymous session and renews it with the current secret', async () => {
    const env = await testEnv();
    const created = await sessionsSince();
    const widget = await visitorWidget('hosted', env.publicKey);
    const chatkit = await chatkitOf(widget);
    await widget.ready;
    const renewed = await chatkit.refreshSecret();
    const [first, second] = await created();
    expect(first!.user).to.match(/^anon_/);
    expect(chatkit.secrets).to.deep.equal([first!.client_secret, renewed]);
    expect(second!.client_secret).to.equal(renewed);
    expect(second!.user).to.equal(first!.user);
  });

  it('keeps a returning visitor the same anonymous identity, and gives a new one after reset()', async () => {
    const env = await testEnv();
    const created = await sessionsSince();
    const first = await visitorWidget('hosted', env.publicKey);
    await chatkitOf(first);
    await first.ready;
    first.remove();

    const second = await visitorWidget('hosted', env.publicKey);
    await chatkitOf(second);
    await second.ready;
    const [visit1, visit2] = await created();
    expect(visit2!.user).to.equal(visit1!.user);

    await second.reset();
    await second.ready;
    const [, , afterReset] = await created();
    expect(afterReset!.user).to.match(/^anon_/).and.not.to.equal(visit1!.user);
  });

  it('keeps visitor ids apart per server and key: another token server does not get this one\'s visitor token', async () => {
    const env = await testEnv();
    const widget = await visitorWidget('hosted', env.publicKey);
    await chatkitOf(widget);
    await widget.ready;
    const stored = Object.keys(localStorage).filter((key) => key.startsWith('ckw:visitor:'));
    expect(stored).to.deep.equal([`ckw:visitor:${env.hosted}:${env.publicKey}`]);
    const other = await visitorWidget('custom', env.publicKey);
    await chatkitOf(other);
    expect(Object.keys(localStorage).filter((key) => key.startsWith('ckw:visitor:')).sort()).to.deep.equal(
      [`ckw:visitor:${env.hosted}:${env.publicKey}`, `ckw:visitor:${env.custom}:${env.publicKey}`].sort(),
    );
    expect(localStorage.getItem(`ckw:visitor:${env.custom}:${env.publicKey}`)).not.to.equal(localStorage.getItem(stored[0]!));
  });

  it('when the public key is for another site, shows that this site is not allowed and emits forbidden (no retry)', async () => {
    const env = await testEnv();
    const failed = nextError(document);
    const widget = await visitorWidget('hosted', env.foreignKey);
    expect(await failed).to.include({ code: 'forbidden', status: 403, reason: 'origin_not_allowed' });
    await widget.updateComplete;
    expect(errorShown(widget)).to.include('This site is not allowed to use this chat.');
    expect(part(widget, 'error')!.querySelector('button')).to.equal(null);
  });

  it('when the public key is unknown to the server, emits forbidden with the server\'s reason', async () => {
    const failed = nextError(document);
    await visitorWidget('hosted', 'pk_nobody_knows');
    expect(await failed).to.include({ code: 'forbidden', status: 403, reason: 'unknown_public_key' });
  });

  it('when the server rate-limits a new visitor (429), says to wait, with a retry', async () => {
    const env = await testEnv();
    const allowed = await visitorWidget('tight', env.publicKey);
    await chatkitOf(allowed);
    // A returning visitor has a budget of their own; new visitors share the address's.
    localStorage.clear();
    const failed = nextError(document);
    const limited = await visitorWidget('tight', env.publicKey);
    expect(await failed).to.include({ code: 'rate_limited', status: 429 });
    await limited.updateComplete;
    expect(errorShown(limited)).to.include('Too many requests.');
    expect(part(limited, 'error')!.querySelector('button')!.textContent).to.equal('Try again');
  });

  it('when the visitor has stored all the backend allows, says to delete older conversations and emits quota_exceeded', async () => {
    const env = await testEnv();
    const widget = await visitorWidget('quota', env.publicKey);
    const chatkit = await chatkitOf(widget);
    await widget.ready;
    const message = { input: { content: [{ type: 'input_text', text: 'hello' }], attachments: [], inference_options: {} } };
    expect((await chatkit.request('threads.create', message)).status).to.equal(200);
    const failed = nextError(document);
    expect((await chatkit.request('threads.create', message)).status).to.equal(409);
    expect(await failed).to.include({ code: 'quota_exceeded', status: 409, reason: 'too_many_threads' });
    await widget.updateComplete;
    expect(errorShown(widget)).to.include('Delete older conversations to continue.');
    expect(part(widget, 'error')!.querySelector('button'), 'trying again cannot help').to.equal(null);
  });

  it('when the server cannot be reached, says so with a retry and emits network_error', async () => {
    const env = await testEnv();
    const failed = nextError(document);
    const widget = await visitorWidget('unreachable', env.publicKey);
    expect(await failed).to.include({ code: 'network_error' });
    await widget.updateComplete;
    expect(errorShown(widget)).to.include('cannot be reached');
    expect(part(widget, 'error')!.querySelector('button')).not.to.equal(null);
  });

  it('uses a pre-minted client-secret first, without asking the server', async () => {
    const env = await testEnv();
    const created = await sessionsSince();
    const widget = await fixture<ChatKitWidget>(
      html`<chat-kit-widget server=${env.hosted} public-key=${env.publicKey} client-secret="cs_server_rendered" persist="none"></chat-kit-widget>`,
    );
    const chatkit = await chatkitOf(widget);
    await widget.ready;
    expect(chatkit.secrets).to.deep.equal(['cs_server_rendered']);
    expect(await created()).to.have.length(0);
  });
});
