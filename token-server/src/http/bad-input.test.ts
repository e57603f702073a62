import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startStack, STACK_PUBLIC_KEY, STACK_SITE_ORIGIN, type Stack } from '../../test-support/stack.js';
import { getJson, postJson } from '../../test-support/start-app.js';

/** A value that must never appear in an answer or a log line, whatever the client sends. */
const CANARY = 'sk-canary-9d2f7e1b-never-log-me';

/** Sends raw bytes with chosen headers (fetch would refuse some of these). */
function rawPost(url: string, body: string | Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('bad input never breaks the server or leaks a secret', () => {
  let stack: Stack;
  let answers = '';
  const record = <T extends { text: string }>(res: T) => {
    answers += res.text;
    return res;
  };
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    const logs = stack.server.logs();
    await stack.close();
    assert.ok(logs.length > 0, 'logs were captured');
    assert.ok(!logs.includes(CANARY), `the canary secret reached the logs: ${logs.split("\n").filter((l) => l.includes(CANARY)).join("\n")}`);
    assert.ok(!answers.includes(CANARY), 'the canary secret reached an answer');
  });

  // POST /api/chatkit reads its own body after authenticating; its bad-input tests live with it in ../chatkit/.
  const endpoints = ['/api/chatkit/start', '/api/chatkit/refresh', '/api/chatkit/public'];
  const withCanary = { authorization: `Bearer ${CANARY}`, cookie: `session=${CANARY}`, origin: STACK_SITE_ORIGIN };

  for (const path of endpoints) {
    test(`${path}: malformed JSON is 400 invalid_json`, async () => {
      const res = record(await postJson(`${stack.url}${path}`, `{"currentClientSecret": "${CANARY}", `, withCanary));
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'invalid_json');
    });

    test(`${path}: a body over the limit is 413 body_too_large`, async () => {
      const res = record(await postJson(`${stack.url}${path}`, { currentClientSecret: CANARY, pad: 'x'.repeat(300 * 1024) }, withCanary));
      assert.equal(res.status, 413);
      assert.equal(res.body.error.code, 'body_too_large');
    });

    test(`${path}: a form or text body is 415 unsupported_media_type`, async () => {
      for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
        const res = record(await rawPost(`${stack.url}${path}`, `secret=${CANARY}`, { 'content-type': type, ...withCanary }));
        assert.equal(res.status, 415, type);
        assert.equal(JSON.parse(res.text).error.code, 'unsupported_media_type');
      }
    });

    test(`${path}: nesting 10 000 levels deep is 400 body_too_deep`, async () => {
      const deep = `${'['.repeat(10_000)}"${CANARY}"${']'.repeat(10_000)}`;
      const res = record(await postJson(`${stack.url}${path}`, deep, withCanary));
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'body_too_deep');
    });

    test(`${path}: __proto__ and constructor keys are 400 forbidden_key`, async () => {
      for (const body of [
        `{"__proto__": {"admin": true}, "public_key": "${STACK_PUBLIC_KEY}"}`,
        `{"public_key": "${STACK_PUBLIC_KEY}", "nested": {"constructor": {"prototype": {"x": 1}}}}`,
      ]) {
        const res = record(await postJson(`${stack.url}${path}`, body, withCanary));
        assert.equal(res.status, 400, body);
        assert.equal(res.body.error.code, 'forbidden_key');
      }
      assert.equal(({} as Record<string, unknown>).admin, undefined, 'no prototype was polluted');
    });
  }

  test('wrong types in the public body are 400 invalid_body, never 500', async () => {
    for (const body of [[], 'null', '"a string"', { public_key: ['pk'] }, { public_key: STACK_PUBLIC_KEY, visitor_token: 7 }, { public_key: STACK_PUBLIC_KEY, currentClientSecret: { $ne: null } }]) {
      const res = record(await postJson(`${stack.url}/api/chatkit/public`, body, withCanary));
      assert.ok(res.status === 400, `${JSON.stringify(body)} -> ${res.status}`);
      assert.match(res.body.error.code, /^(invalid_body|invalid_json)$/);
    }
  });

  test('an unsupported charset is 415 unsupported_encoding', async () => {
    const res = record(await rawPost(`${stack.url}/api/chatkit/public`, '{}', { 'content-type': 'application/json; charset=koi8-r', ...withCanary }));
    assert.equal(res.status, 415);
  });

  test('a gzip body that does not decompress is 400 invalid_json, a documented code, not bad_request', async () => {
    const corrupt = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x03, 0x01, 0x02, 0x03]);
    const res = record(await rawPost(`${stack.url}/api/chatkit/public`, corrupt, { 'content-type': 'application/json', 'content-encoding': 'gzip', ...withCanary }));
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.text).error.code, 'invalid_json');
  });

  test('a secret sent in a refresh by someone without a valid token is not logged or echoed', async () => {
    const res = record(await postJson(`${stack.url}/api/chatkit/refresh?token=${CANARY}`, { currentClientSecret: CANARY }, withCanary));
    assert.equal(res.status, 401);
  });

  test('an unknown path is a JSON 404, and errors are never HTML', async () => {
    const res = record(await getJson(`${stack.url}/nope/${CANARY}`));
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'not_found');
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  });

  test('answers carry security headers and no X-Powered-By', async () => {
    const res = await getJson(`${stack.url}/healthz`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(res.headers.get('content-security-policy'));
    assert.equal(res.headers.get('x-powered-by'), null);
  });

  test('a CORS preflight from an allowed origin is answered with credentials; another origin only gets to read its refusal', async () => {
    const preflight = (origin: string) =>
      fetch(`${stack.url}/api/chatkit/start`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
    const ok = await preflight(STACK_SITE_ORIGIN);
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), STACK_SITE_ORIGIN);
    assert.match(ok.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');
    const evil = await preflight('https://evil.test');
    assert.equal(evil.headers.get('access-control-allow-credentials'), null, 'never credentials for an origin nobody listed');
    const refused = await postJson(`${stack.url}/api/chatkit/start`, undefined, { origin: 'https://evil.test' });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'origin_not_allowed');
  });

  test('the server still answers after all of that', async () => {
    assert.equal((await getJson(`${stack.url}/healthz`)).status, 200);
  });
});

describe('the per-IP limit', () => {
  test('when one IP floods the API, then 429 rate_limited with Retry-After, and X-Forwarded-For does not reset it without TRUST_PROXY', async () => {
    const stack = await startStack({ limits: { perIpPerMinute: 3 } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(await postJson(`${stack.url}/api/chatkit/start`, undefined, { 'x-forwarded-for': `203.0.113.${i}` }));
      }
      assert.deepEqual(statuses.map((r) => r.status), [401, 401, 401, 429]);
      assert.equal(statuses[3]!.body.error.code, 'rate_limited');
      assert.ok(Number(statuses[3]!.headers.get('retry-after')) >= 1);
    } finally {
      await stack.close();
    }
  });

  test('with TRUST_PROXY=1, the client IP is the one the proxy appended', async () => {
    const stack = await startStack({ env: { TRUST_PROXY: '1' }, limits: { perIpPerMinute: 1 } });
    try {
      const from = (ip: string) => postJson(`${stack.url}/api/chatkit/start`, undefined, { 'x-forwarded-for': `10.9.9.9, ${ip}` });
      assert.equal((await from('198.51.100.1')).status, 401);
      assert.equal((await from('198.51.100.2')).status, 401, 'another client behind the proxy has its own limit');
      assert.equal((await from('198.51.100.1')).status, 429);
    } finally {
      await stack.close();
    }
  });
});
