import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
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

  test('a widget file carries nosniff but not the page headers meant for documents (each visitor downloads them)', async () => {
    for (const path of ['/chat-kit-widget.js', '/chat-kit-widget-session-Ab12Cd.js', '/chat-kit-widget-session-Missing.js']) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      for (const header of ['content-security-policy', 'x-frame-options', 'cross-origin-opener-policy', 'origin-agent-cluster'])
        assert.equal(res.headers.get(header), null, `${path}: ${header}`);
    }
    const api = await fetch(`${server.url}/healthz`);
    assert.ok(api.headers.get('content-security-policy'), 'every other answer keeps them');
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

/** One request as a browser or CDN sends it, the body as it came over the wire (no decompression). */
function rawRequest(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serving the widget compressed, as the build precompressed it', () => {
  const root = mkdtempSync(join(tmpdir(), 'ckw-widget-encoded-'));
  // Text long enough that both codings shrink it a lot, and different for each file.
  const loader = Buffer.from(Array.from({ length: 400 }, (_, i) => `customElements.get("chat-kit-widget-${i % 37}");`).join('\n'));
  const chunk = Buffer.from(Array.from({ length: 400 }, (_, i) => `export const part${i} = "${'session'.repeat(i % 9)}";`).join('\n'));
  const gzipOnly = Buffer.from(`export const onlyGzip = "${'g'.repeat(2000)}";`);
  const plainOnly = 'export const notCompressed = 1;';
  let server: TestServer;
  before(async () => {
    writeFileSync(join(root, 'chat-kit-widget.js'), loader);
    writeFileSync(join(root, 'chat-kit-widget.js.br'), brotliCompressSync(loader));
    writeFileSync(join(root, 'chat-kit-widget.js.gz'), gzipSync(loader, { level: 9 }));
    writeFileSync(join(root, 'chat-kit-widget-session-Zz98Yx.js'), chunk);
    writeFileSync(join(root, 'chat-kit-widget-session-Zz98Yx.js.br'), brotliCompressSync(chunk));
    writeFileSync(join(root, 'chat-kit-widget-session-Zz98Yx.js.gz'), gzipSync(chunk, { level: 9 }));
    writeFileSync(join(root, 'chat-kit-widget-gzip-Only12.js'), gzipOnly);
    writeFileSync(join(root, 'chat-kit-widget-gzip-Only12.js.gz'), gzipSync(gzipOnly, { level: 9 }));
    writeFileSync(join(root, 'chat-kit-widget-plain-Only34.js'), plainOnly);
    server = await startTestApp({ deps: { widgetDir: root } });
  });
  after(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  const browser = 'gzip, deflate, br, zstd';

  test('a browser accepting Brotli gets the Brotli file, which decompresses to the same bytes, with its length, type and caching', async () => {
    for (const [name, bytes, cache] of [
      ['chat-kit-widget.js', loader, 'public, max-age=300'],
      ['chat-kit-widget-session-Zz98Yx.js', chunk, 'public, max-age=31536000, immutable'],
    ] as const) {
      const res = await rawRequest(`${server.url}/${name}`, { 'accept-encoding': browser });
      assert.equal(res.status, 200, name);
      assert.equal(res.headers['content-encoding'], 'br', name);
      assert.equal(res.headers.vary, 'Accept-Encoding');
      assert.match(res.headers['content-type'] ?? '', /^text\/javascript; charset=utf-8$/);
      assert.equal(res.headers['cache-control'], cache);
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.equal(Number(res.headers['content-length']), res.body.length);
      assert.ok(res.body.length < bytes.length / 4, `${name}: ${res.body.length} of ${bytes.length} bytes`);
      assert.deepEqual(brotliDecompressSync(res.body), bytes);
    }
  });

  test('a script answer carries these headers and no others: each one costs every first visit its bytes', async () => {
    // The bench (bench/widget/pages.ts) serves the widget through this route behind the same request id, so the
    // bytes it counts per first visit are these.
    for (const name of ['chat-kit-widget.js', 'chat-kit-widget-session-Zz98Yx.js']) {
      const res = await rawRequest(`${server.url}/${name}`, { 'accept-encoding': browser });
      assert.deepEqual(
        Object.keys(res.headers).sort(),
        [
          'accept-ranges',
          'access-control-allow-origin',
          'cache-control',
          'connection',
          'content-encoding',
          'content-length',
          'content-type',
          'cross-origin-resource-policy',
          'date',
          'etag',
          'keep-alive',
          'vary',
          'x-content-type-options',
          'x-request-id',
        ],
        name,
      );
      // The ETag is the validator: Last-Modified would repeat it (If-None-Match wins over If-Modified-Since).
      const revalidated = await rawRequest(`${server.url}/${name}`, { 'accept-encoding': browser, 'if-none-match': res.headers.etag! });
      assert.equal(revalidated.status, 304, name);
      assert.equal(revalidated.headers['last-modified'], undefined, name);
    }
  });

  test('without Brotli it is gzip; with neither, or none asked for, the file as it is; every answer says Vary: Accept-Encoding', async () => {
    const gz = await rawRequest(`${server.url}/chat-kit-widget.js`, { 'accept-encoding': 'gzip, deflate' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(Number(gz.headers['content-length']), gz.body.length);
    assert.deepEqual(gunzipSync(gz.body), loader);
    for (const acceptEncoding of ['deflate', 'identity', undefined]) {
      const plain = await rawRequest(`${server.url}/chat-kit-widget.js`, acceptEncoding ? { 'accept-encoding': acceptEncoding } : {});
      assert.equal(plain.headers['content-encoding'], undefined, String(acceptEncoding));
      assert.equal(plain.headers.vary, 'Accept-Encoding');
      assert.deepEqual(plain.body, loader);
    }
  });

  test('a coding refused with q=0 is not sent, also through *;q=0; x-gzip and * count', async () => {
    const cases: [string, string | undefined][] = [
      ['br;q=0, gzip', 'gzip'],
      ['gzip;q=1.0, br;q=0.000', 'gzip'],
      ['br;q=0, gzip;q=0', undefined],
      ['*;q=0, identity', undefined],
      ['gzip, *;q=0', 'gzip'],
      ['*', 'br'],
      ['x-gzip', 'gzip'],
      ['BR;Q=0.5', 'br'],
    ];
    for (const [acceptEncoding, expected] of cases) {
      const res = await rawRequest(`${server.url}/chat-kit-widget.js`, { 'accept-encoding': acceptEncoding });
      assert.equal(res.headers['content-encoding'], expected, acceptEncoding);
      assert.deepEqual(expected === 'br' ? brotliDecompressSync(res.body) : expected === 'gzip' ? gunzipSync(res.body) : res.body, loader);
    }
  });

  test('when a precompressed sibling is missing, the next best one or the file as it is is sent, never compressed on the fly', async () => {
    const gz = await rawRequest(`${server.url}/chat-kit-widget-gzip-Only12.js`, { 'accept-encoding': browser });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.deepEqual(gunzipSync(gz.body), gzipOnly);
    const plain = await rawRequest(`${server.url}/chat-kit-widget-plain-Only34.js`, { 'accept-encoding': browser });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body.toString(), plainOnly);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  test('each encoding has its own ETag, and If-None-Match with it answers 304 for that encoding only', async () => {
    const url = `${server.url}/chat-kit-widget.js`;
    const etags = new Map<string, string>();
    for (const coding of ['br', 'gzip', 'identity']) {
      const res = await rawRequest(url, { 'accept-encoding': coding });
      etags.set(coding, res.headers.etag!);
    }
    assert.equal(new Set(etags.values()).size, 3, JSON.stringify([...etags]));

    const revalidated = await rawRequest(url, { 'accept-encoding': browser, 'if-none-match': etags.get('br')! });
    assert.equal(revalidated.status, 304);
    assert.equal(revalidated.body.length, 0);
    assert.equal(revalidated.headers.vary, 'Accept-Encoding');
    assert.equal(revalidated.headers.etag, etags.get('br'));
    assert.equal(revalidated.headers['cache-control'], 'public, max-age=300');

    // The Brotli ETag does not match the gzip file: that client gets the gzip file in full.
    const otherEncoding = await rawRequest(url, { 'accept-encoding': 'gzip', 'if-none-match': etags.get('br')! });
    assert.equal(otherEncoding.status, 200);
    assert.equal(otherEncoding.headers['content-encoding'], 'gzip');
    assert.deepEqual(gunzipSync(otherEncoding.body), loader);
  });

  test('HEAD answers the headers of the encoding GET would send, without a body', async () => {
    const get = await rawRequest(`${server.url}/chat-kit-widget.js`, { 'accept-encoding': browser });
    const head = await rawRequest(`${server.url}/chat-kit-widget.js`, { 'accept-encoding': browser }, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    for (const header of ['content-encoding', 'content-length', 'etag', 'vary', 'content-type', 'cache-control'])
      assert.equal(head.headers[header], get.headers[header], header);
  });

  test('a byte range counts bytes of the encoding sent; one outside the file is a JSON 416', async () => {
    const full = await rawRequest(`${server.url}/chat-kit-widget.js`, { 'accept-encoding': 'gzip' });
    const part = await rawRequest(`${server.url}/chat-kit-widget.js`, { 'accept-encoding': 'gzip', range: 'bytes=0-9' });
    assert.equal(part.status, 206);
    assert.equal(part.headers['content-encoding'], 'gzip');
    assert.equal(part.headers['content-range'], `bytes 0-9/${full.body.length}`);
    assert.deepEqual(part.body, full.body.subarray(0, 10));
    const plain = await rawRequest(`${server.url}/chat-kit-widget.js`, { range: 'bytes=0-9' });
    assert.equal(plain.status, 206);
    assert.equal(plain.body.toString(), loader.subarray(0, 10).toString());
    const unsatisfiable = await rawRequest(`${server.url}/chat-kit-widget.js`, { 'accept-encoding': 'br', range: `bytes=${loader.length * 2}-` });
    assert.equal(unsatisfiable.status, 416);
    assert.equal(unsatisfiable.headers['content-range'], `bytes */${brotliCompressSync(loader).length}`);
    assert.equal(JSON.parse(unsatisfiable.body.toString()).error.code, 'range_not_satisfiable');
    assert.equal(unsatisfiable.headers['content-encoding'], undefined);
    assert.match(unsatisfiable.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(unsatisfiable.headers['cache-control'], 'no-store');
  });

  test('a precompressed sibling is not a widget file of its own', async () => {
    for (const name of ['chat-kit-widget.js.br', 'chat-kit-widget.js.gz']) {
      const res = await rawRequest(`${server.url}/${name}`);
      assert.equal(res.status, 404, name);
    }
  });
});
