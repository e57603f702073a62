/**
 * X-Request-Id as an operator follows one request: on the answer, in every log line written while serving it (the
 * request log and the ChatKit backend's own lines), and in error bodies. Real app, real OpenAI SDK against the mock.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { startOpenAIMock, type OpenAIMock } from '../../test-support/openai-mock.js';
import { scriptedModel, type ScriptedModel } from '../../test-support/openai-mock-model.js';
import { getJson, postJson, startTestApp, type TestServer } from '../../test-support/start-app.js';
import { createThread, parseEvents } from '../chatkit/testing/harness.js';

const USER_SECRET = 'request-id-test-user-secret-32-bytes!!';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  let mock: OpenAIMock;
  let model: ScriptedModel;
  let server: TestServer;
  before(async () => {
    model = scriptedModel();
    mock = await startOpenAIMock(model.routes);
    server = await startTestApp({ env: { AUTH_JWT_SECRET: USER_SECRET, OPENAI_API_KEY: 'sk-test-request-id', OPENAI_BASE_URL: mock.baseURL } });
  });
  after(async () => {
    await server.close();
    await mock.close();
  });

  const logLines = () => server.logs().trim().split('\n').map((line) => JSON.parse(line));
  const linesFor = (id: string) => logLines().filter((line) => line.request_id === id);

  test('a sane incoming id is kept: on the answer and in the request log line', async () => {
    const id = 'lb-3f2a9c.01:edge_7';
    const res = await getJson(`${server.url}/healthz`, { 'x-request-id': id });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-request-id'), id);
    const [line] = linesFor(id);
    assert.equal(line?.msg, 'request completed');
    assert.equal(line.route, '/healthz');
  });

  for (const [what, incoming] of [
    ['too long', 'a'.repeat(129)],
    ['with spaces', 'abc def'],
    ['with markup', '<script>alert(1)</script>'],
    ['with a quote and a brace', 'id"}{"admin":true'],
    ['not ASCII', 'idé'],
  ] as const) {
    test(`an incoming id ${what} is replaced by a generated one, and never logged`, async () => {
      const res = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': Buffer.from(incoming).toString('latin1') } });
      const given = res.headers.get('x-request-id')!;
      assert.match(given, UUID);
      assert.equal(linesFor(given).length, 1);
      assert.ok(!server.logs().includes(incoming), 'the rejected id is not in the logs');
    });
  }

  test('without an incoming id, each answer gets a fresh one', async () => {
    const a = (await getJson(`${server.url}/healthz`)).headers.get('x-request-id')!;
    const b = (await getJson(`${server.url}/healthz`)).headers.get('x-request-id')!;
    assert.match(a, UUID);
    assert.match(b, UUID);
    assert.notEqual(a, b);
  });

  test('error bodies carry the id as error.request_id (404, bad JSON, 401 from the ChatKit backend)', async () => {
    const notFound = await getJson(`${server.url}/no/such/path`, { 'x-request-id': 'trace-404' });
    assert.deepEqual(notFound.body.error, { code: 'not_found', message: 'There is nothing at this path.', request_id: 'trace-404' });

    const badJson = await postJson(`${server.url}/api/chatkit/public`, '{"public_key":', {});
    assert.equal(badJson.status, 400);
    assert.equal(badJson.body.error.request_id, badJson.headers.get('x-request-id'));

    const unauthorized = await postJson(`${server.url}/api/chatkit`, { type: 'threads.list', params: {} });
    assert.equal(unauthorized.status, 401);
    assert.match(unauthorized.body.error.request_id, UUID);
    assert.equal(unauthorized.body.error.request_id, unauthorized.headers.get('x-request-id'));
  });

  test("the ChatKit backend's own log lines while streaming a reply carry the request's id", async () => {
    model.enqueue({ reject: { status: 500, message: 'mock upstream failure' } }, { reject: { status: 500, message: 'mock upstream failure' } });
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('user_rid').setExpirationTime('5m').sign(new TextEncoder().encode(USER_SECRET));
    const res = await fetch(`${server.url}/api/chatkit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': 'trace-reply-1' },
      body: JSON.stringify(createThread('hello')),
    });
    const events = parseEvents(await res.text());
    assert.equal(events.at(-1)?.type, 'thread.updated');
    assert.ok(events.some((e) => e.type === 'error' && e.allow_retry));
    const lines = linesFor('trace-reply-1');
    assert.ok(lines.some((l) => l.msg === 'model reply failed' && l.component === 'chatkit'), JSON.stringify(lines));
    assert.ok(lines.some((l) => l.msg === 'request completed' && l.route === '/api/chatkit'));
    assert.ok(!logLines().some((l) => l.msg === 'model reply failed' && l.request_id !== 'trace-reply-1'));
  });
});
