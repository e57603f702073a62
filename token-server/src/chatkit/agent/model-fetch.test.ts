import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { modelFetch } from './model-fetch.js';

const readBody = async (req: IncomingMessage) => {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
};

describe('the model client fetch', () => {
  let server: Server;
  let base: string;
  /** Resolves when the server sees the connection of the `/hang` request close. */
  let hangClosed: Promise<void>;
  const modelApi = modelFetch();

  before(async () => {
    let closed!: () => void;
    hangClosed = new Promise((resolve) => (closed = resolve));
    server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
      const body = await readBody(req);
      if (req.url === '/echo') {
        res.setHeader('x-request-id', 'req_1');
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, body, length: req.headers['content-length'], type: req.headers['content-type'], auth: req.headers.authorization }));
      } else if (req.url === '/gzip') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
        res.end(gzipSync('data: {"delta":"Hi"}\n\n'));
      } else if (req.url === '/moved') {
        res.writeHead(307, { location: '/echo' });
        res.end();
      } else if (req.url === '/hang') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n');
        res.once('close', closed);
      } else {
        res.writeHead(204);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('sends the method, headers and body, and answers with the status, every header and the body', async () => {
    const response = await modelApi(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk' }, body: '{"hé":1}' });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('x-request-id'), 'req_1');
    assert.deepEqual(response.headers.getSetCookie(), ['a=1', 'b=2']);
    assert.deepEqual(await response.json(), { method: 'POST', body: '{"hé":1}', length: '9', type: 'application/json', auth: 'Bearer sk' });
  });

  test('decodes a compressed answer', async () => {
    const response = await modelApi(`${base}/gzip`, { method: 'POST', body: '{}' });
    assert.equal(await response.text(), 'data: {"delta":"Hi"}\n\n');
  });

  test('a bodiless status answers with no body', async () => {
    const response = await modelApi(`${base}/empty`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 204);
    assert.equal(response.body, null);
  });

  test('a redirect and a body that is not a string are left to the global fetch', async () => {
    const redirected = await modelApi(`${base}/moved`, { method: 'POST', body: 'x' });
    assert.equal(redirected.status, 201);
    assert.equal(((await redirected.json()) as { body: string }).body, 'x');
    const form = await modelApi(`${base}/echo`, { method: 'POST', body: new URLSearchParams({ a: 'b' }) });
    assert.deepEqual(await form.json(), { method: 'POST', body: 'a=b', length: '3', type: 'application/x-www-form-urlencoded;charset=UTF-8' });
  });

  test('an abort while the body streams errors the read with the reason and closes the connection', async () => {
    const controller = new AbortController();
    const response = await modelApi(`${base}/hang`, { method: 'POST', body: '{}', signal: controller.signal });
    const reader = response.body!.getReader();
    assert.equal(new TextDecoder().decode((await reader.read()).value), 'data: first\n\n');
    const reason = new DOMException('stopped', 'AbortError');
    controller.abort(reason);
    await assert.rejects(reader.read(), (err) => err === reason);
    await hangClosed;
  });

  test('an aborted signal rejects at once; an unreachable server rejects as fetch does', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(modelApi(`${base}/echo`, { method: 'POST', body: '{}', signal: controller.signal }), { name: 'AbortError' });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(modelApi(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' }), (err: Error) => err instanceof TypeError && err.message === 'fetch failed' && (err.cause as { code?: string }).code === 'ECONNREFUSED');
  });
});
