import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, SignJWT } from 'jose';
import { startStack, STACK_PUBLIC_KEY, STACK_SITE_ORIGIN, type Stack } from '../../test-support/stack.js';
import { postJson, startTestApp } from '../../test-support/start-app.js';

const fromSite = { origin: STACK_SITE_ORIGIN };

describe('public access with the custom backend (default)', () => {
  let stack: Stack;
  const issued: string[] = [];
  const ask = async (body: Record<string, unknown>, headers: Record<string, string> = fromSite) => {
    const res = await postJson(`${stack.url}/api/chatkit/public`, body, headers);
    if (res.status === 200) issued.push(res.body.token, res.body.visitor_token);
    return res;
  };
  before(async () => {
    stack = await startStack({ env: { PUBLIC_URL: 'https://chat.example.com' } });
  });
  after(() => stack.close());

  test('when an allowed page asks with its key, then a custom-backend answer with an access token and a visitor token', async () => {
    const res = await ask({ public_key: STACK_PUBLIC_KEY });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body).sort(), ['api_url', 'domain_key', 'expires_at', 'mode', 'token', 'visitor_token']);
    assert.equal(res.body.mode, 'custom');
    assert.equal(res.body.api_url, 'https://chat.example.com/api/chatkit');
    assert.ok(res.body.expires_at > Date.now() / 1000 && res.body.expires_at <= Date.now() / 1000 + 15 * 60 + 1);
    assert.equal(res.headers.get('access-control-allow-origin'), STACK_SITE_ORIGIN);
    const principal = await stack.server.app.authenticate(`Bearer ${res.body.token}`);
    assert.equal(principal.kind, 'visitor');
    assert.equal(principal.userId, `anon_${decodeJwt(res.body.visitor_token).sub}`);
  });

  test('when the Origin is forged or missing, then 403 origin_not_allowed', async () => {
    for (const headers of [{ origin: 'https://evil.test' }, { origin: 'null' }, {}] as Array<Record<string, string>>) {
      const res = await ask({ public_key: STACK_PUBLIC_KEY }, headers);
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal(res.body.error.code, 'origin_not_allowed');
    }
  });

  test('a page from an origin the key does not allow can read why it was refused (CORS without credentials)', async () => {
    const preflight = await fetch(`${stack.url}/api/chatkit/public`, {
      method: 'OPTIONS',
      headers: { origin: 'https://not-yet-allowed.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://not-yet-allowed.test');
    const res = await ask({ public_key: STACK_PUBLIC_KEY }, { origin: 'https://not-yet-allowed.test' });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'origin_not_allowed');
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://not-yet-allowed.test');
    assert.equal(res.headers.get('access-control-allow-credentials'), null);
  });

  test('when the key is unknown, then 403 unknown_public_key', async () => {
    const res = await ask({ public_key: 'pk_nobody' });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'unknown_public_key');
  });

  test('a returning visitor keeps their id; two new visitors never share one', async () => {
    const first = await ask({ public_key: STACK_PUBLIC_KEY });
    const again = await ask({ public_key: STACK_PUBLIC_KEY, visitor_token: first.body.visitor_token });
    const other = await ask({ public_key: STACK_PUBLIC_KEY });
    const id = (r: typeof first) => decodeJwt(r.body.visitor_token).sub;
    const user = async (r: typeof first) => (await stack.server.app.authenticate(`Bearer ${r.body.token}`)).userId;
    assert.equal(id(again), id(first));
    assert.equal(await user(again), await user(first));
    assert.notEqual(id(other), id(first));
    assert.notEqual(await user(other), await user(first));
  });

  test('when the visitor token is forged, expired-looking garbage, or from another key, then a fresh visitor (not an error)', async () => {
    const first = await ask({ public_key: STACK_PUBLIC_KEY });
    const forged = await new SignJWT({ pk: STACK_PUBLIC_KEY })
      .setProtectedHeader({ alg: 'HS256', typ: 'ckw-visitor+jwt' })
      .setSubject(decodeJwt(first.body.visitor_token).sub!)
      .setIssuer('chat-kit-widget')
      .setAudience('chat-kit-widget/visitor')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('an-attacker-key-that-is-long-enough-000'));
    for (const visitor_token of [forged, 'garbage', first.body.token]) {
      const res = await ask({ public_key: STACK_PUBLIC_KEY, visitor_token });
      assert.equal(res.status, 200);
      assert.notEqual(decodeJwt(res.body.visitor_token).sub, decodeJwt(first.body.visitor_token).sub);
    }
  });

  test('a visitor access token is not a user token: the hosted user endpoints refuse it', async () => {
    const { body } = await ask({ public_key: STACK_PUBLIC_KEY });
    for (const token of [body.token, body.visitor_token]) {
      const res = await postJson(`${stack.url}/api/chatkit/start`, undefined, { authorization: `Bearer ${token}` });
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'invalid_token');
    }
  });

  test('a visitor token is not an access token, and a user JWT never becomes a visitor', async () => {
    const { body } = await ask({ public_key: STACK_PUBLIC_KEY });
    await assert.rejects(stack.server.app.authenticate(`Bearer ${body.visitor_token}`), { status: 401 });
    const user = await stack.server.app.authenticate(`Bearer ${await stack.userToken('site_user')}`);
    assert.deepEqual(user, { kind: 'user', userId: 'site_user' });
  });

  test('when the body is wrong, then 400 invalid_body', async () => {
    for (const body of [{}, { public_key: 5 }, { public_key: STACK_PUBLIC_KEY, extra: 1 }]) {
      const res = await ask(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'invalid_body');
    }
  });

  test('visitor and access tokens never reach the logs', () => {
    const logs = stack.server.logs();
    assert.ok(issued.length > 10);
    for (const token of issued) assert.ok(!logs.includes(token), 'a token was logged');
  });
});

describe('public access limits and domain keys', () => {
  test('when one IP asks too often, then 429 rate_limited with Retry-After', async () => {
    const stack = await startStack({ limits: { publicPerIpPerMinute: 3 } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push(await postJson(`${stack.url}/api/chatkit/public`, { public_key: STACK_PUBLIC_KEY }, fromSite));
      assert.deepEqual(statuses.map((r) => r.status), [200, 200, 200, 429]);
      assert.equal(statuses[3]!.body.error.code, 'rate_limited');
      assert.ok(Number(statuses[3]!.headers.get('retry-after')) >= 1);
    } finally {
      await stack.close();
    }
  });

  test('when one key gets too many new visitors, then 429 for the next new visitor, with Retry-After', async () => {
    const stack = await startStack({ limits: { perPublicKeyPerMinute: 2 } });
    try {
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await postJson(`${stack.url}/api/chatkit/public`, { public_key: STACK_PUBLIC_KEY }, fromSite));
      assert.deepEqual(answers.map((a) => a.status), [200, 200, 429]);
      assert.equal(answers[2]!.body.error.code, 'rate_limited');
      assert.match(answers[2]!.body.error.message, /new visitors for this site/);
      assert.ok(Number(answers[2]!.headers.get('retry-after')) >= 1);
    } finally {
      await stack.close();
    }
  });

  test('a localhost page gets the local-dev domain key and the api_url of the server it called; a public host needs CHATKIT_DOMAIN_KEY', async () => {
    const server = await startTestApp({ env: { PUBLIC_KEYS: 'pk_local=http://localhost:5173;pk_site=https://www.site.test' } });
    try {
      const local = await postJson(`${server.url}/api/chatkit/public`, { public_key: 'pk_local' }, { origin: 'http://localhost:5173' });
      assert.equal(local.body.domain_key, 'local-dev');
      assert.equal(local.body.api_url, `${server.url}/api/chatkit`);
      assert.equal(local.headers.get('access-control-allow-origin'), 'http://localhost:5173');
      assert.equal(local.headers.get('access-control-allow-credentials'), null, 'origins only in PUBLIC_KEYS get no credentials');
      const remote = await postJson(`${server.url}/api/chatkit/public`, { public_key: 'pk_site' }, { origin: 'https://www.site.test' });
      assert.equal(remote.status, 503);
      assert.equal(remote.body.error.code, 'domain_key_not_configured');
    } finally {
      await server.close();
    }
    const configured = await startTestApp({ env: { PUBLIC_KEYS: 'pk_site=https://www.site.test', CHATKIT_DOMAIN_KEY: 'domain_pk_123' } });
    try {
      const res = await postJson(`${configured.url}/api/chatkit/public`, { public_key: 'pk_site' }, { origin: 'https://www.site.test' });
      assert.equal(res.body.domain_key, 'domain_pk_123');
    } finally {
      await configured.close();
    }
  });

  test('when visitors should get hosted sessions but no workflow is configured, then 503 hosted_not_configured', async () => {
    const server = await startTestApp({ env: { PUBLIC_KEYS: 'pk_local=http://localhost:5173', CHATKIT_BACKEND: 'hosted' } });
    try {
      const res = await postJson(`${server.url}/api/chatkit/public`, { public_key: 'pk_local' }, { origin: 'http://localhost:5173' });
      assert.equal(res.status, 503);
      assert.equal(res.body.error.code, 'hosted_not_configured');
    } finally {
      await server.close();
    }
  });

  test('when PUBLIC_KEYS is not set, then 503 public_access_not_configured', async () => {
    const server = await startTestApp();
    try {
      const res = await postJson(`${server.url}/api/chatkit/public`, { public_key: 'pk_x' }, { origin: 'http://localhost' });
      assert.equal(res.status, 503);
      assert.equal(res.body.error.code, 'public_access_not_configured');
    } finally {
      await server.close();
    }
  });
});

describe('public access cannot be switched off by other people\'s traffic (security review, finding 1)', () => {
  const from = (address: string) => ({ ...fromSite, 'x-forwarded-for': address });
  const ask = (stack: Stack, address: string, visitor_token?: string) =>
    postJson(`${stack.url}/api/chatkit/public`, { public_key: STACK_PUBLIC_KEY, ...(visitor_token && { visitor_token }) }, from(address));

  test('when 6 addresses with a forged Origin use up the key\'s budget, a returning visitor still gets in and only new visitors wait', async () => {
    // The review's attack (21 addresses x 30 requests), scaled down: a budget of 20 new visitors per minute for the key.
    const stack = await startStack({ env: { TRUST_PROXY: '1' }, limits: { perPublicKeyPerMinute: 20, publicPerIpPerMinute: 30 } });
    try {
      const returning = (await ask(stack, '198.51.100.200')).body.visitor_token as string;
      const attack = Array.from({ length: 6 }, (_, a) => Array.from({ length: 5 }, () => ask(stack, `203.0.113.${a + 1}`))).flat();
      // The returning visitor keeps coming back while the key is hammered.
      const during = Array.from({ length: 5 }, () => ask(stack, '198.51.100.200', returning));
      const attackAnswers = await Promise.all(attack);
      const duringAnswers = await Promise.all(during);
      assert.ok(attackAnswers.filter((a) => a.status === 429).length >= 10, 'the attack did use up the budget');
      assert.deepEqual(duringAnswers.map((a) => a.status), [200, 200, 200, 200, 200]);
      for (const answer of duringAnswers) assert.equal(decodeJwt(answer.body.visitor_token).sub, decodeJwt(returning).sub);

      const fresh = await ask(stack, '198.51.100.201');
      assert.equal(fresh.status, 429, 'a new visitor waits for the key\'s budget');
      assert.ok(Number(fresh.headers.get('retry-after')) >= 1);
      assert.equal((await ask(stack, '198.51.100.201', returning)).status, 200, 'a returning visitor from any address gets in');
    } finally {
      await stack.close();
    }
  });

  test('a returning visitor is limited by their own budget only, which nobody else uses up', async () => {
    const stack = await startStack({ env: { TRUST_PROXY: '1' }, limits: { publicPerVisitorPerMinute: 3 } });
    try {
      const a = (await ask(stack, '198.51.100.1')).body.visitor_token as string;
      const b = (await ask(stack, '198.51.100.1')).body.visitor_token as string;
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await ask(stack, '198.51.100.1', a)).status);
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      assert.equal((await ask(stack, '198.51.100.1', b)).status, 200);
    } finally {
      await stack.close();
    }
  });

  test('addresses of one IPv6 /64 count as one address for new visitors; another /64 has its own budget', async () => {
    const stack = await startStack({ env: { TRUST_PROXY: '1' }, limits: { publicPerIpPerMinute: 3 } });
    try {
      const statuses = [];
      for (let i = 1; i <= 4; i++) statuses.push((await ask(stack, `2001:db8:aa:1::${i.toString(16)}:${i}`)).status);
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      assert.equal((await ask(stack, '2001:db8:aa:2::1')).status, 200);
    } finally {
      await stack.close();
    }
  });

  test('RATE_LIMIT_IPV6_PREFIX sets how IPv6 addresses are grouped', async () => {
    const stack = await startStack({ env: { TRUST_PROXY: '1', RATE_LIMIT_IPV6_PREFIX: '48', RATE_LIMIT_PUBLIC_PER_IP: '2' } });
    try {
      const statuses = [];
      for (const address of ['2001:db8:bb:1::1', '2001:db8:bb:2::1', '2001:db8:bb:3::1']) statuses.push((await ask(stack, address)).status);
      assert.deepEqual(statuses, [200, 200, 429], 'three /64s of one /48 share a budget');
    } finally {
      await stack.close();
    }
  });
});

describe('public access with the hosted backend', () => {
  let stack: Stack;
  const ask = (body: Record<string, unknown>) => postJson(`${stack.url}/api/chatkit/public`, body, fromSite);
  before(async () => {
    stack = await startStack({ env: { CHATKIT_BACKEND: 'hosted' } });
  });
  after(() => stack.close());

  test('a visitor gets a hosted session for anon_<id>, and refreshes it under the same id with the old session cancelled', async () => {
    const first = await ask({ public_key: STACK_PUBLIC_KEY });
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(Object.keys(first.body).sort(), ['client_secret', 'expires_at', 'mode', 'visitor_token']);
    assert.equal(first.body.mode, 'hosted');
    const visitorId = decodeJwt(first.body.visitor_token).sub;
    assert.equal(stack.sessions.bySecret(first.body.client_secret)?.user, `anon_${visitorId}`);

    const refreshed = await ask({ public_key: STACK_PUBLIC_KEY, visitor_token: first.body.visitor_token, currentClientSecret: first.body.client_secret });
    assert.equal(refreshed.status, 200);
    assert.equal(stack.sessions.bySecret(refreshed.body.client_secret)?.user, `anon_${visitorId}`);
    assert.equal(stack.sessions.bySecret(first.body.client_secret)?.cancelled, true);
  });

  test('when one visitor refreshes with another visitor\'s secret, then 403 secret_not_owned', async () => {
    const victim = await ask({ public_key: STACK_PUBLIC_KEY });
    const thief = await ask({ public_key: STACK_PUBLIC_KEY });
    const res = await ask({ public_key: STACK_PUBLIC_KEY, visitor_token: thief.body.visitor_token, currentClientSecret: victim.body.client_secret });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'secret_not_owned');
    assert.equal(stack.sessions.bySecret(victim.body.client_secret)?.cancelled, false);
  });

  test('two visitors never share a ChatKit user', async () => {
    const a = await ask({ public_key: STACK_PUBLIC_KEY });
    const b = await ask({ public_key: STACK_PUBLIC_KEY });
    assert.notEqual(stack.sessions.bySecret(a.body.client_secret)?.user, stack.sessions.bySecret(b.body.client_secret)?.user);
  });
});
