import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStack, STACK_SITE_ORIGIN, STACK_WORKFLOW_ID, type Stack } from '../../test-support/stack.js';
import { getJson, postJson, startTestApp } from '../../test-support/start-app.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('hosted sessions: start and refresh', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('two users each start, refresh and refresh again; every refresh cancels only the caller\'s old session', async () => {
    const users = ['user_alice', 'user_bob'];
    for (const sub of users) {
      const token = await stack.userToken(sub);
      const started = await postJson(`${stack.url}/api/chatkit/start`, undefined, bearer(token));
      assert.equal(started.status, 200, started.text);
      assert.deepEqual(Object.keys(started.body).sort(), ['client_secret', 'expires_at']);
      assert.ok(started.body.expires_at > Date.now() / 1000);

      let current: string = started.body.client_secret;
      for (let round = 0; round < 2; round++) {
        const refreshed = await postJson(`${stack.url}/api/chatkit/refresh`, { currentClientSecret: current }, bearer(token));
        assert.equal(refreshed.status, 200, refreshed.text);
        assert.notEqual(refreshed.body.client_secret, current);
        assert.equal(stack.sessions.bySecret(current)?.cancelled, true, 'the replaced session is cancelled');
        assert.equal(stack.sessions.bySecret(refreshed.body.client_secret)?.cancelled, false);
        current = refreshed.body.client_secret;
      }
    }
    const created = stack.sessions.list;
    assert.equal(created.length, 6);
    assert.deepEqual(created.map((s) => s.user), ['user_alice', 'user_alice', 'user_alice', 'user_bob', 'user_bob', 'user_bob']);
    assert.ok(created.every((s) => s.workflowId === STACK_WORKFLOW_ID), 'the workflow comes from the server config');
    assert.deepEqual(created.map((s) => s.cancelled), [true, true, false, true, true, false]);
    const body = stack.openai.requests.find((r) => r.path === '/v1/chatkit/sessions')!.body as Record<string, unknown>;
    assert.deepEqual(body.expires_after, { anchor: 'created_at', seconds: 600 });
  });

  test('when a user refreshes with another user\'s secret, then 403 secret_not_owned and that session stays alive', async () => {
    const alice = await stack.userToken('user_alice');
    const mallory = await stack.userToken('user_mallory');
    const started = await postJson(`${stack.url}/api/chatkit/start`, undefined, bearer(alice));
    const stolen = started.body.client_secret;
    const res = await postJson(`${stack.url}/api/chatkit/refresh`, { currentClientSecret: stolen }, bearer(mallory));
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'secret_not_owned');
    assert.equal(stack.sessions.bySecret(stolen)?.cancelled, false);
    assert.ok(!stack.sessions.list.some((s) => s.user === 'user_mallory'), 'no session was made for the thief');
  });

  test('when the refreshed secret is unknown (expired or from before a restart), then a fresh session without a cancel', async () => {
    const token = await stack.userToken('user_carol');
    const cancelsBefore = stack.openai.requests.filter((r) => r.path.endsWith('/cancel')).length;
    const res = await postJson(`${stack.url}/api/chatkit/refresh`, { currentClientSecret: 'ek_never_issued' }, bearer(token));
    assert.equal(res.status, 200);
    assert.equal(stack.openai.requests.filter((r) => r.path.endsWith('/cancel')).length, cancelsBefore);
  });

  test('when the old session cannot be cancelled upstream, then the refresh still succeeds and the failure is logged', async () => {
    const token = await stack.userToken('user_dave');
    const started = await postJson(`${stack.url}/api/chatkit/start`, undefined, bearer(token));
    stack.openai.fault({ kind: 'status', status: 500, pathPrefix: '/v1/chatkit/sessions/', times: 1 });
    const res = await postJson(`${stack.url}/api/chatkit/refresh`, { currentClientSecret: started.body.client_secret }, bearer(token));
    assert.equal(res.status, 200);
    assert.match(stack.server.logs(), /chatkit\.sessions\.cancel/);
  });

  test('when a signed-in page sends a wrong refresh body, then 400 invalid_body naming the field', async () => {
    const token = await stack.userToken('user_erin');
    for (const body of [{}, { currentClientSecret: 42 }, { currentClientSecret: 'x', extra: true }]) {
      const res = await postJson(`${stack.url}/api/chatkit/refresh`, body, bearer(token));
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'invalid_body');
    }
  });

  test('when the page origin is not in ALLOWED_ORIGINS, then 403 origin_not_allowed even with a valid token', async () => {
    const token = await stack.userToken('user_frank');
    const forged = await postJson(`${stack.url}/api/chatkit/start`, undefined, { ...bearer(token), origin: 'https://evil.test' });
    assert.equal(forged.status, 403);
    assert.equal(forged.body.error.code, 'origin_not_allowed');
    const allowed = await postJson(`${stack.url}/api/chatkit/start`, undefined, { ...bearer(token), origin: STACK_SITE_ORIGIN });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), STACK_SITE_ORIGIN);
    assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(allowed.headers.get('cache-control'), 'no-store');
  });

  test('client secrets never reach the logs', async () => {
    const secrets = stack.sessions.list.map((s) => s.client_secret);
    const logs = stack.server.logs();
    assert.ok(secrets.length > 0);
    for (const secret of secrets) assert.ok(!logs.includes(secret), 'a client secret was logged');
  });
});

describe('hosted sessions: limits and configuration', () => {
  test('when one user starts sessions too fast, then 429 rate_limited with Retry-After', async () => {
    const stack = await startStack({ limits: { perUserPerMinute: 2 } });
    try {
      const token = await stack.userToken('user_fast');
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push(await postJson(`${stack.url}/api/chatkit/start`, undefined, bearer(token)));
      assert.deepEqual(statuses.map((r) => r.status), [200, 200, 429]);
      assert.equal(statuses[2]!.body.error.code, 'rate_limited');
      assert.ok(Number(statuses[2]!.headers.get('retry-after')) > 0);
      const other = await postJson(`${stack.url}/api/chatkit/start`, undefined, bearer(await stack.userToken('user_slow')));
      assert.equal(other.status, 200, 'another user is not limited by the first one');
    } finally {
      await stack.close();
    }
  });

  test('when user auth is not configured, then start is 401 auth_not_configured (so the widget can fall back to public access)', async () => {
    const stack = await startStack({ env: { AUTH_JWKS_URL: undefined, AUTH_ISSUER: undefined, AUTH_AUDIENCE: undefined } });
    try {
      const res = await postJson(`${stack.url}/api/chatkit/start`, undefined, bearer(await stack.userToken('user_1')));
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'auth_not_configured');
      assert.match(res.body.error.message, /AUTH_JWKS_URL/);
      assert.equal(stack.sessions.list.length, 0);
    } finally {
      await stack.close();
    }
  });

  test('when no workflow is configured, then start and refresh answer 503 hosted_not_configured and /readyz says what to set', async () => {
    const server = await startTestApp({ env: { AUTH_JWT_SECRET: 'a-secret-that-is-at-least-32-bytes-long!' } });
    try {
      for (const path of ['/api/chatkit/start', '/api/chatkit/refresh']) {
        const res = await postJson(`${server.url}${path}`, undefined, { authorization: 'Bearer x' });
        assert.equal(res.status, 503);
        assert.equal(res.body.error.code, 'hosted_not_configured');
        assert.match(res.body.error.message, /CHATKIT_WORKFLOW_ID/);
      }
      const ready = await getJson(`${server.url}/readyz`);
      assert.equal(ready.body.features.hosted_sessions.on, false);
      assert.match(ready.body.features.hosted_sessions.enable, /OPENAI_API_KEY and CHATKIT_WORKFLOW_ID/);
    } finally {
      await server.close();
    }
  });
});
