import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { postJson, startTestApp, type TestServer } from '../../../test-support/start-app.js';

const SITE = 'http://site.test';

describe('the attachment routes in the whole server', () => {
  let server: TestServer;
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ckw-upload-routes-'));
    server = await startTestApp({ env: { PUBLIC_KEYS: `pk_test=${SITE}`, CHATKIT_ATTACHMENTS: 'text/plain', CHATKIT_DOMAIN_KEY: 'domain_pk_test', DATA_DIR: dataDir } });
  });
  after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("a visitor's two-phase upload works from the site's origin, and the logs never hold the signed URL", async () => {
    const access = await postJson(`${server.url}/api/chatkit/public`, { public_key: 'pk_test' }, { origin: SITE });
    assert.equal(access.status, 200, access.text);
    const headers = { origin: SITE, authorization: `Bearer ${access.body.token}` };
    const created = await postJson(`${server.url}/api/chatkit`, { type: 'attachments.create', params: { name: 'a.txt', size: 5, mime_type: 'text/plain' } }, headers);
    assert.equal(created.status, 200, created.text);
    const url: string = created.body.upload_descriptor.url;
    assert.ok(url.startsWith(`${server.url}/api/chatkit/attachments/upload/`), 'an absolute URL on the server the request reached');

    const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: SITE, 'access-control-request-method': 'PUT' } });
    assert.equal(preflight.headers.get('access-control-allow-origin'), SITE);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /PUT/);

    const uploaded = await fetch(url, { method: 'PUT', headers: { origin: SITE, 'content-type': 'text/plain' }, body: 'hello' });
    assert.equal(uploaded.status, 200);
    assert.equal(uploaded.headers.get('access-control-allow-origin'), SITE);

    const token = url.split('/').at(-1)!;
    assert.ok(!server.logs().includes(token.slice(-20)), 'the token is not logged');
    assert.match(server.logs(), /\/api\/chatkit\/attachments\/upload\/:token/);
  });

  test('the direct upload from a page outside the allowed origins is refused with 403 origin_not_allowed', async () => {
    const access = await postJson(`${server.url}/api/chatkit/public`, { public_key: 'pk_test' }, { origin: SITE });
    const form = new FormData();
    form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'a.txt');
    const refused = await fetch(`${server.url}/api/chatkit/attachments/direct`, {
      method: 'POST',
      headers: { origin: 'http://evil.test', authorization: `Bearer ${access.body.token}` },
      body: form,
    });
    assert.equal(refused.status, 403);
    assert.equal((await refused.json()).error.code, 'origin_not_allowed');
    const allowed = await fetch(`${server.url}/api/chatkit/attachments/direct`, {
      method: 'POST',
      headers: { origin: SITE, authorization: `Bearer ${access.body.token}` },
      body: form,
    });
    assert.equal(allowed.status, 200, await allowed.text());
  });
});
