import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startOpenAIMock, type OpenAIMock } from '../token-server/test-support/openai-mock.js';
import { MOCK_OPENAI_API_KEY, mockChatKitSessions, type ChatKitSessionsMock } from '../token-server/test-support/openai-mock-sessions.js';
import { startDemoServer, type DemoServer } from './demo-server.js';

/** Like a browser on the demo page: its Origin, and the session cookie the sign-in set. */
class DemoVisitor {
  cookie = '';
  constructor(readonly server: DemoServer) {}

  async post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const response = await fetch(`${this.server.siteUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: this.server.siteUrl, cookie: this.cookie, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    return response;
  }

  async token(): Promise<Response> {
    return fetch(`${this.server.siteUrl}/api/auth/token`, { headers: { cookie: this.cookie } });
  }

  async signIn(name: string): Promise<string> {
    assert.equal((await this.post('/api/auth/sign-in/name', { name })).status, 200);
    return ((await (await this.token()).json()) as { token: string }).token;
  }

  startHostedSession(token: string): Promise<Response> {
    return this.post('/api/chatkit/start', {}, { authorization: `Bearer ${token}` });
  }
}

function decode(token: string): { header: Record<string, unknown>; claims: Record<string, any> } {
  const [header, claims] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
  return { header, claims };
}

const errorCode = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

describe('the demo server as npm start runs it (no configuration but ports and DATA_DIR)', () => {
  let dataDir: string;
  let openai: OpenAIMock;
  let sessions: ChatKitSessionsMock;
  let env: Record<string, string>;
  let server: DemoServer;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ckw-demo-'));
    sessions = mockChatKitSessions();
    openai = await startOpenAIMock(sessions.routes);
    env = {
      PORT: '0',
      DEMO_SECOND_ORIGIN_PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      // Only so hosted sessions can show that the token server accepted the user's JWT.
      OPENAI_API_KEY: MOCK_OPENAI_API_KEY,
      OPENAI_BASE_URL: openai.baseURL,
      CHATKIT_WORKFLOW_ID: 'wf_demo_test',
    };
    server = await startDemoServer(env);
  });
  after(async () => {
    await server.close(1_000);
    await openai.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('signing in with a name gives a Better-Auth-shaped EdDSA JWT that the token server verifies through the demo JWKS', async () => {
    const visitor = new DemoVisitor(server);
    const token = await visitor.signIn('Ada Lovelace');
    const { header, claims } = decode(token);
    const jwks = (await (await fetch(`${server.siteUrl}/api/auth/jwks`)).json()) as { keys: { kid: string; kty: string; crv: string; d?: string }[] };
    assert.deepEqual(Object.keys(header).sort(), ['alg', 'kid']);
    assert.equal(header.alg, 'EdDSA');
    assert.equal(header.kid, jwks.keys[0]!.kid);
    assert.equal(jwks.keys[0]!.d, undefined, 'the JWKS publishes no private part');
    assert.equal(claims.iss, server.siteUrl);
    assert.equal(claims.aud, server.siteUrl);
    assert.equal(claims.exp - claims.iat, 900);
    assert.equal(claims.name, 'Ada Lovelace');

    const started = await visitor.startHostedSession(token);
    assert.equal(started.status, 200);
    assert.equal(sessions.list.at(-1)!.user, claims.sub, 'the session belongs to the JWT subject');
  });

  test('the same name is the same user; another name is another user', async () => {
    const first = decode(await new DemoVisitor(server).signIn('Grace')).claims.sub;
    const again = decode(await new DemoVisitor(server).signIn('grace')).claims.sub;
    const other = decode(await new DemoVisitor(server).signIn('Alan')).claims.sub;
    assert.equal(again, first);
    assert.notEqual(other, first);
  });

  test('a tampered token is refused by the token server with 401', async () => {
    const visitor = new DemoVisitor(server);
    const token = await visitor.signIn('Mallory');
    const [header, , signature] = token.split('.');
    const forgedClaims = Buffer.from(JSON.stringify({ ...decode(token).claims, sub: 'user_someone_else' })).toString('base64url');
    const response = await visitor.startHostedSession(`${header}.${forgedClaims}.${signature}`);
    assert.equal(response.status, 401);
  });

  test('sign-in refuses what it should, each with a clear code', async () => {
    const visitor = new DemoVisitor(server);
    assert.equal(await errorCode(await visitor.post('/api/auth/sign-in/name', { name: '   ' })), 'invalid_name');
    assert.equal(await errorCode(await visitor.post('/api/auth/sign-in/name', { name: '<script>' })), 'invalid_name');
    assert.equal(await errorCode(await visitor.post('/api/auth/sign-in/name', { name: 'x'.repeat(41) })), 'invalid_name');
    const asForm = await visitor.post('/api/auth/sign-in/name', 'name=Ada', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(asForm.status, 415);
    const elsewhere = await visitor.post('/api/auth/sign-in/name', { name: 'Ada' }, { origin: 'https://evil.example' });
    assert.equal(elsewhere.status, 403);
    assert.equal(await errorCode(elsewhere), 'origin_not_allowed');
    assert.equal(await errorCode(await visitor.post('/api/auth/sign-in/name', '{"name":')), 'invalid_json');
    assert.equal(visitor.cookie, '', 'no refused sign-in set a session');
  });

  test('without a session, or with a forged one, there is no token', async () => {
    const visitor = new DemoVisitor(server);
    const none = await visitor.token();
    assert.equal(none.status, 401);
    assert.equal(await errorCode(none), 'not_signed_in');
    visitor.cookie = 'demo_session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyX3gifQ.bm90LWEtc2lnbmF0dXJl';
    assert.equal((await visitor.token()).status, 401);
    visitor.cookie = 'demo_session=%E0%A4%A';
    assert.equal((await visitor.token()).status, 401, 'a malformed cookie is no session, not a server error');
  });

  test('signing out ends the session', async () => {
    const visitor = new DemoVisitor(server);
    await visitor.signIn('Katherine');
    const out = await visitor.post('/api/auth/sign-out', {});
    assert.equal(out.status, 200);
    assert.match(out.headers.get('set-cookie') ?? '', /demo_session=;.*Max-Age=0/i);
    assert.equal((await visitor.token()).status, 401);
  });

  test('pages come with a strict Content-Security-Policy and no Cross-Origin-Embedder-Policy', async () => {
    for (const path of ['/', '/direct-token', '/custom-fetch', '/client-secret', '/launcher', '/builder']) {
      const response = await fetch(`${server.siteUrl}${path}`);
      assert.equal(response.status, 200, path);
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self' https:\/\/cdn\.platform\.openai\.com/, path);
      assert.match(csp, /frame-src https:\/\/cdn\.platform\.openai\.com/, path);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
      assert.equal(response.headers.get('cross-origin-embedder-policy'), null, path);
      assert.doesNotMatch(await response.text(), /<script>|style="/, `${path} has no inline script or style`);
    }
  });

  test('the keys live in DATA_DIR, private to the server, and a token issued before a restart still verifies after it', async () => {
    const visitor = new DemoVisitor(server);
    const token = await visitor.signIn('Restart Tester');
    const keyFile = await stat(join(dataDir, 'demo-identity-keys.json'));
    assert.equal(keyFile.mode & 0o077, 0, 'no one but the owner can read the key file');

    // Same address, so the same issuer: only the keys carry over, through DATA_DIR.
    const port = new URL(server.siteUrl).port;
    await server.close(1_000);
    server = await startDemoServer({ ...env, PORT: port });
    const again = new DemoVisitor(server);
    assert.equal((await again.startHostedSession(token)).status, 200);
  });
});

describe('the demo server with settings of its own', () => {
  test('environment values override the defaults: the pages use the configured publishable key', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ckw-demo-'));
    const server = await startDemoServer({
      PORT: '0',
      DEMO_SECOND_ORIGIN_PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      PUBLIC_KEYS: 'pk_mine=http://localhost:1234',
    });
    try {
      assert.match(await (await fetch(`${server.siteUrl}/direct-token`)).text(), /public-key="pk_mine"/);
      assert.match(await (await fetch(`${server.secondOriginUrl}/`)).text(), /public-key="pk_mine"/);
    } finally {
      await server.close(1_000);
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('sign-ins are rate limited per client: past the limit the answer is 429 with Retry-After', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ckw-demo-'));
    const server = await startDemoServer({ PORT: '0', DEMO_SECOND_ORIGIN_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    try {
      const visitor = new DemoVisitor(server);
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 21; attempt++) statuses.push((await visitor.post('/api/auth/sign-in/name', { name: `Bot ${attempt}` })).status);
      assert.deepEqual(statuses, [...Array(20).fill(200), 429]);
      const refused = await visitor.post('/api/auth/sign-in/name', { name: 'One more' });
      assert.equal(await errorCode(refused), 'rate_limited');
      assert.match(refused.headers.get('retry-after') ?? '', /^\d+$/);
    } finally {
      await server.close(1_000);
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('a malformed demo variable stops the start with a message naming it', async () => {
    await assert.rejects(startDemoServer({ PORT: '0', DEMO_SECOND_ORIGIN_PORT: '0', DEMO_CHATKIT_SCRIPT_SRC: 'javascript:alert(1)' }), /^ConfigError: DEMO_CHATKIT_SCRIPT_SRC must be an http\(s\) URL/);
    await assert.rejects(startDemoServer({ PORT: '0', DEMO_SECOND_ORIGIN_PORT: 'eighty' }), /DEMO_SECOND_ORIGIN_PORT must be a port number/);
  });
});
