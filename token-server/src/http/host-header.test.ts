/**
 * The `Host` header is the client's to choose: a malformed one is refused (400) or simply matches nothing, never a
 * 500, and absolute URLs come from PUBLIC_URL whenever it is set (security review, finding 4).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, test } from 'node:test';
import { startStack, STACK_PUBLIC_KEY, STACK_SITE_ORIGIN } from '../../test-support/stack.js';
import { startTestApp } from '../../test-support/start-app.js';

/** A POST with a Host header of our choosing (fetch always sends the real one). */
function postWithHost(url: string, host: string, headers: Record<string, string>, body = '{}'): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', setHost: false, headers: { host, 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const MALFORMED_HOSTS = ['a b', '[', 'x:99999', 'evil.test/path', 'user@evil.test', 'evil.test?x', 'evil.test\\x'];

describe('a malformed Host header', () => {
  test('with a disallowed Origin on the signed-in endpoints, is a refusal (403), never a 500 or an error log', async () => {
    const stack = await startStack({ env: { PUBLIC_URL: '' } });
    try {
      for (const host of MALFORMED_HOSTS) {
        for (const path of ['/api/chatkit/start', '/api/chatkit/refresh']) {
          const res = await postWithHost(`${stack.url}${path}`, host, { origin: 'https://evil.test' });
          assert.equal(res.status, 403, `${path} with Host ${host}`);
          assert.equal(res.body.error.code, 'origin_not_allowed');
        }
      }
      assert.doesNotMatch(stack.server.logs(), /unhandled error|"level":50/);
    } finally {
      await stack.close();
    }
  });

  test('on the public endpoint with PUBLIC_URL unset, is 400 invalid_host and never reflected into api_url', async () => {
    const stack = await startStack({ env: { PUBLIC_URL: '' } });
    try {
      for (const host of MALFORMED_HOSTS) {
        const res = await postWithHost(`${stack.url}/api/chatkit/public`, host, { origin: STACK_SITE_ORIGIN }, JSON.stringify({ public_key: STACK_PUBLIC_KEY }));
        assert.equal(res.status, 400, `Host ${host}`);
        assert.equal(res.body.error.code, 'invalid_host');
        assert.match(res.body.error.message, /PUBLIC_URL/);
      }
      assert.doesNotMatch(stack.server.logs(), /unhandled error/);
    } finally {
      await stack.close();
    }
  });
});

describe('absolute URLs', () => {
  test('come from PUBLIC_URL when it is set, whatever Host or X-Forwarded-Host say', async () => {
    const stack = await startStack({ env: { PUBLIC_URL: 'https://chat.example.com', TRUST_PROXY: '1' } });
    try {
      for (const headers of [{}, { 'x-forwarded-host': 'evil.test' }] as Array<Record<string, string>>) {
        const res = await postWithHost(`${stack.url}/api/chatkit/public`, 'evil.test', { origin: STACK_SITE_ORIGIN, ...headers }, JSON.stringify({ public_key: STACK_PUBLIC_KEY }));
        assert.equal(res.status, 200);
        assert.equal(res.body.api_url, 'https://chat.example.com/api/chatkit');
      }
    } finally {
      await stack.close();
    }
  });

  test('in production mode without PUBLIC_URL, the server says at start that it should be set', async () => {
    const unset = await startTestApp({ env: { NODE_ENV: 'production' } });
    const set = await startTestApp({ env: { NODE_ENV: 'production', PUBLIC_URL: 'https://chat.example.com' } });
    const development = await startTestApp();
    try {
      assert.match(unset.logs(), /PUBLIC_URL is not set.*set PUBLIC_URL/);
      assert.doesNotMatch(set.logs(), /PUBLIC_URL is not set/);
      assert.doesNotMatch(development.logs(), /PUBLIC_URL is not set/);
    } finally {
      await Promise.all([unset.close(), set.close(), development.close()]);
    }
  });
});
