import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startStack, type Stack } from '../../test-support/stack.js';
import { getJson, postJson } from '../../test-support/start-app.js';

/**
 * Each OpenAI fault must come back as the documented JSON error, without the upstream body, and leave the
 * server serving. The SDK timeout is shortened so a hung upstream costs this suite well under a second.
 */
describe('hosted sessions when OpenAI misbehaves', () => {
  let stack: Stack;
  let token: string;
  before(async () => {
    stack = await startStack({ deps: { openaiOptions: { timeout: 250 } } });
    token = await stack.userToken('user_upstream');
  });
  after(() => stack.close());
  beforeEach(() => stack.openai.clearFaults());

  const start = () => postJson(`${stack.url}/api/chatkit/start`, undefined, { authorization: `Bearer ${token}` });

  const cases = [
    { name: 'answers 500', fault: { kind: 'status', status: 500 }, status: 502, code: 'upstream_error' },
    { name: 'answers 400', fault: { kind: 'status', status: 400 }, status: 502, code: 'upstream_error' },
    { name: 'rate limits this server (429)', fault: { kind: 'status', status: 429 }, status: 503, code: 'upstream_rate_limited' },
    { name: 'resets the connection', fault: { kind: 'reset' }, status: 502, code: 'upstream_error' },
    { name: 'answers an HTML page with 200', fault: { kind: 'html', status: 200 }, status: 502, code: 'upstream_error' },
    { name: 'answers an HTML page with 502', fault: { kind: 'html', status: 502 }, status: 502, code: 'upstream_error' },
    { name: 'hangs', fault: { kind: 'slow', delayMs: 30_000 }, status: 504, code: 'upstream_timeout' },
  ] as const;

  for (const c of cases) {
    test(`when OpenAI ${c.name}, then ${c.status} ${c.code} and the server keeps serving`, async () => {
      stack.openai.fault({ ...c.fault, pathPrefix: '/v1/chatkit/sessions' });
      const res = await start();
      assert.equal(res.status, c.status, res.text);
      assert.equal(res.body.error.code, c.code);
      assert.doesNotMatch(res.text, /mock fault|Bad gateway|<html/i, 'the upstream body is not passed on');
      if (c.status === 503) assert.ok(Number(res.headers.get('retry-after')) > 0);

      stack.openai.clearFaults();
      assert.equal((await getJson(`${stack.url}/healthz`)).status, 200);
      assert.equal((await start()).status, 200, 'the next request works once OpenAI recovers');
    });
  }

  test('when OpenAI asks to wait an hour before retrying, then 503 at once (no retry, no hang) with a capped Retry-After', async () => {
    stack.openai.fault({ kind: 'status', status: 429, retryAfter: '3600', pathPrefix: '/v1/chatkit/sessions' });
    const before = stack.openai.requests.length;
    const res = await start();
    assert.equal(res.status, 503);
    assert.equal(res.body.error.code, 'upstream_rate_limited');
    assert.equal(res.headers.get('retry-after'), '60');
    assert.equal(stack.openai.requests.length - before, 1, 'the SDK did not sleep for a retry');
  });

  test('when OpenAI rejects the API key, then 502 upstream_error without the key in the answer or logs', async () => {
    const other = await startStack({ env: { OPENAI_API_KEY: 'sk-canary-wrong-key-7f3a' } });
    try {
      const res = await postJson(`${other.url}/api/chatkit/start`, undefined, { authorization: `Bearer ${await other.userToken('u1')}` });
      assert.equal(res.status, 502);
      assert.equal(res.body.error.code, 'upstream_error');
      assert.ok(!res.text.includes('sk-canary') && !other.server.logs().includes('sk-canary'));
    } finally {
      await other.close();
    }
  });
});
