/** What the request log says about a request: the route it matched, at a level that matches what happened. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStack, type Stack } from '../../test-support/stack.js';
import { postJson, startTestApp, type TestServer } from '../../test-support/start-app.js';

interface RequestLine {
  level: number;
  route?: string;
  res?: { statusCode: number };
}

/** The request-log lines so far (`requestLogger`'s, the ones with a response). */
function requestLines(logs: string): RequestLine[] {
  return logs
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RequestLine)
    .filter((line) => line.res !== undefined);
}

const WARN = 40;
const ERROR = 50;

describe('the request log', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('names POST /api/chatkit as the route /api/chatkit, also when it answers an error', async () => {
    const refused = await postJson(`${stack.url}/api/chatkit`, { type: 'threads.list', params: {} });
    assert.equal(refused.status, 401);
    const token = await stack.userToken('user_log');
    const listed = await postJson(`${stack.url}/api/chatkit`, { type: 'threads.list', params: {} }, { authorization: `Bearer ${token}` });
    assert.equal(listed.status, 200);
    const lines = requestLines(stack.server.logs()).filter((line) => line.route?.includes('chatkit') && !line.route.includes('/public'));
    assert.deepEqual(
      lines.map((line) => [line.res!.statusCode, line.route]),
      [
        [401, '/api/chatkit'],
        [200, '/api/chatkit'],
      ],
    );
  });
});

describe('a request log line', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestApp();
  });
  after(() => server.close());

  test('holds the method, the route pattern, the status, the time taken and the request id, and nothing else', async () => {
    const res = await fetch(`${server.url}/healthz?token=canary-in-the-query`, { headers: { 'x-request-id': 'log-fields-1', authorization: 'Bearer canary' } });
    assert.equal(res.status, 200);
    const line = server
      .logs()
      .split('\n')
      .filter(Boolean)
      .map((text) => JSON.parse(text))
      .find((entry) => entry.request_id === 'log-fields-1');
    assert.deepEqual(Object.keys(line).sort(), ['level', 'msg', 'req', 'request_id', 'res', 'responseTime', 'route', 'time']);
    assert.deepEqual([line.msg, line.req, line.route, line.res], ['request completed', { method: 'GET' }, '/healthz', { statusCode: 200 }]);
    assert.equal(typeof line.responseTime, 'number');
    assert.ok(!server.logs().includes('canary'));
  });
});

describe('the request log of a server with a feature off', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestApp();
  });
  after(() => server.close());

  test('a 503 for a feature that is simply off is a warning, not an error', async () => {
    const answer = await postJson(`${server.url}/api/chatkit/start`);
    assert.equal(answer.status, 503);
    assert.equal(answer.body.error.code, 'hosted_not_configured');
    const [line] = requestLines(server.logs()).filter((entry) => entry.res!.statusCode === 503);
    assert.equal(line?.level, WARN);
    assert.notEqual(line?.level, ERROR);
  });
});
