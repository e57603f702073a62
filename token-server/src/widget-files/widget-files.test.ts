import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getJson, startTestApp, type TestServer } from '../../test-support/start-app.js';

describe('serving the built widget', () => {
  const root = mkdtempSync(join(tmpdir(), 'ckw-widget-'));
  const widgetDir = join(root, 'dist', 'widget');
  let server: TestServer;
  before(async () => {
    mkdirSync(widgetDir, { recursive: true });
    writeFileSync(join(widgetDir, 'chat-kit-widget.js'), 'console.log("loader");');
    writeFileSync(join(widgetDir, 'chat-kit-widget-session-Ab12Cd.js'), 'export const chunk = 1;');
    writeFileSync(join(widgetDir, 'chat-kit-widget-session-Ab12Cd.js.map'), '{"version":3}');
    writeFileSync(join(root, 'dist', 'secret.txt'), 'not for the web');
    server = await startTestApp({ deps: { widgetDir } });
  });
  after(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('the loader is served to any origin as JavaScript with a short cache', async () => {
    const res = await fetch(`${server.url}/chat-kit-widget.js`, { headers: { origin: 'https://any-site.test' } });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'console.log("loader");');
    assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=300');
  });

  test('hashed chunks and their maps are cached for a year as immutable', async () => {
    for (const name of ['chat-kit-widget-session-Ab12Cd.js', 'chat-kit-widget-session-Ab12Cd.js.map']) {
      const res = await fetch(`${server.url}/${name}`);
      assert.equal(res.status, 200, name);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
    }
  });

  test('a chunk that does not exist is a JSON 404 that nothing may cache; nothing outside the widget folder is reachable', async () => {
    // After a deploy, old pages ask for chunks that are gone: a cached 404 would keep the widget broken for a year.
    for (const name of ['chat-kit-widget-nope.js', 'chat-kit-widget-session-Gone12.js.map']) {
      const missing = await getJson(`${server.url}/${name}`);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'not_found');
      assert.equal(missing.headers.get('cache-control'), 'no-store', name);
    }
    for (const path of ['/chat-kit-widget..%2f..%2fsecret.txt', '/%2e%2e/secret.txt', '/secret.txt']) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(await res.text(), /not for the web/);
    }
  });
});

describe('when the widget is not built', () => {
  test('then 503 widget_not_built saying to run npm run build', async () => {
    const server = await startTestApp({ deps: { widgetDir: join(tmpdir(), 'ckw-no-such-dir') } });
    try {
      const res = await getJson(`${server.url}/chat-kit-widget.js`);
      assert.equal(res.status, 503);
      assert.equal(res.body.error.code, 'widget_not_built');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.match(res.body.error.message, /npm run build/);
    } finally {
      await server.close();
    }
  });
});
