/**
 * What a browser on each kind of page can read from the API: a page whose origin is not allowed must be able to
 * read its 403 `origin_not_allowed` (so the widget can say why), never with credentials, and never get in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStack, STACK_SITE_ORIGIN, type Stack } from '../../test-support/stack.js';
import { postJson } from '../../test-support/start-app.js';

const STRANGER = 'https://not-listed.example';
const VISITOR_SITE = 'https://visitors.example';

/** What a browser asks before a cross-origin POST with a bearer token. */
async function preflight(url: string, origin: string): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });
}

describe('CORS answers of the signed-in endpoints', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: { PUBLIC_KEYS: `pk_test=${STACK_SITE_ORIGIN}|${VISITOR_SITE}` } });
  });
  after(() => stack.close());

  for (const path of ['/api/chatkit/start', '/api/chatkit/refresh', '/api/chatkit']) {
    test(`when a page on an origin nobody listed calls ${path}, then it can read 403 origin_not_allowed, without credentials`, async () => {
      const asked = await preflight(`${stack.url}${path}`, STRANGER);
      assert.equal(asked.status, 204);
      assert.equal(asked.headers.get('access-control-allow-origin'), STRANGER, 'the browser lets the POST go out');
      assert.match(asked.headers.get('access-control-allow-headers') ?? '', /Authorization/);
      assert.equal(asked.headers.get('access-control-allow-credentials'), null);

      const body = path === '/api/chatkit/refresh' ? { currentClientSecret: 'ek_x' } : { type: 'threads.list', params: {} };
      const token = await stack.userToken('user_stranger');
      const refused = await postJson(`${stack.url}${path}`, path === '/api/chatkit/start' ? undefined : body, {
        origin: STRANGER,
        authorization: `Bearer ${token}`,
      });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, 'origin_not_allowed');
      assert.equal(refused.headers.get('access-control-allow-origin'), STRANGER, 'the page can read why');
      assert.equal(refused.headers.get('access-control-allow-credentials'), null);
    });
  }

  test('a site in ALLOWED_ORIGINS still gets credentials and its answer', async () => {
    const token = await stack.userToken('user_site');
    const listed = await postJson(`${stack.url}/api/chatkit`, { type: 'threads.list', params: {} }, { origin: STACK_SITE_ORIGIN, authorization: `Bearer ${token}` });
    assert.equal(listed.status, 200, listed.text);
    assert.equal(listed.headers.get('access-control-allow-origin'), STACK_SITE_ORIGIN);
    assert.equal(listed.headers.get('access-control-allow-credentials'), 'true');
  });

  test("a visitor on a public key's origin reaches the backend with its access token, without credentials", async () => {
    const access = await postJson(`${stack.url}/api/chatkit/public`, { public_key: 'pk_test' }, { origin: VISITOR_SITE });
    assert.equal(access.status, 200, access.text);
    const listed = await postJson(`${stack.url}/api/chatkit`, { type: 'threads.list', params: {} }, { origin: VISITOR_SITE, authorization: `Bearer ${access.body.token}` });
    assert.equal(listed.status, 200, listed.text);
    assert.equal(listed.headers.get('access-control-allow-origin'), VISITOR_SITE);
    assert.equal(listed.headers.get('access-control-allow-credentials'), null);
  });

  test('/api/chatkit/public never allows credentials, even for an origin that is also in ALLOWED_ORIGINS', async () => {
    const access = await postJson(`${stack.url}/api/chatkit/public`, { public_key: 'pk_test' }, { origin: STACK_SITE_ORIGIN });
    assert.equal(access.status, 200, access.text);
    assert.equal(access.headers.get('access-control-allow-origin'), STACK_SITE_ORIGIN);
    assert.equal(access.headers.get('access-control-allow-credentials'), null);
    const asked = await preflight(`${stack.url}/api/chatkit/public`, STACK_SITE_ORIGIN);
    assert.equal(asked.headers.get('access-control-allow-credentials'), null);
  });

  test('other API paths still name only configured origins', async () => {
    const answer = await postJson(`${stack.url}/api/nothing-here`, {}, { origin: STRANGER });
    assert.equal(answer.status, 404);
    assert.equal(answer.headers.get('access-control-allow-origin'), null);
  });
});
