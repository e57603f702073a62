/**
 * The backend behind the token server's real `createApp` authentication: site users' JWTs and the server's own
 * visitor access tokens (from `POST /api/chatkit/public`) each reach only their own threads.
 */
import assert from 'node:assert/strict';
import express from 'express';
import { SignJWT } from 'jose';
import { after, before, describe, test } from 'node:test';
import { createApp, type App } from '../app.js';
import { loadConfig } from '../config.js';
import { closeGracefully, listen } from '../http/listen.js';
import { startOpenAIMock, type OpenAIMock } from '../../test-support/openai-mock.js';
import { scriptedModel } from '../../test-support/openai-mock-model.js';
import { TEST_SIGNING_KEY, postJson } from '../../test-support/start-app.js';
import { createChatKitBackend, type ChatKitBackend } from './index.js';
import { createThread, parseEvents, threadIdOf } from './testing/harness.js';

const USER_SECRET = 'site-user-jwt-secret-at-least-32-bytes!!';
const SITE = 'http://localhost:8787';

describe('POST /api/chatkit behind createApp authentication', () => {
  let mock: OpenAIMock;
  let app: App;
  let backend: ChatKitBackend;
  let server: import('node:http').Server;
  let url: string;

  before(async () => {
    const model = scriptedModel();
    mock = await startOpenAIMock(model.routes);
    const config = loadConfig({ LOG_LEVEL: 'silent', SIGNING_KEY: TEST_SIGNING_KEY, AUTH_JWT_SECRET: USER_SECRET, PUBLIC_KEYS: `pk_test=${SITE}` });
    // Never the working directory's ./data: a database left there by another version would break this suite.
    app = await createApp(config, { logDestination: { write: () => {} }, chatkitDatabasePath: ':memory:' });
    backend = createChatKitBackend({
      authenticate: app.authenticate,
      rateLimits: app.stores.rateLimits,
      logger: app.logger,
      databasePath: ':memory:',
      model: { apiKey: 'sk-test', baseURL: mock.baseURL, model: 'mock-model', api: 'responses' },
    });
    const outer = express();
    outer.use(backend.router);
    outer.use(app.app);
    ({ server, url } = await listen(outer, '127.0.0.1', 0));
  });
  after(async () => {
    await closeGracefully(server, 1_000);
    await backend.close();
    await app.close();
    await mock.close();
  });

  const userToken = (sub: string) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime('5m').sign(new TextEncoder().encode(USER_SECRET));
  const visitor = async (visitor_token?: string) => {
    const reply = await postJson(`${url}/api/chatkit/public`, { public_key: 'pk_test', ...(visitor_token && { visitor_token }) }, { origin: SITE });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.mode, 'custom');
    return reply.body as { token: string; visitor_token: string };
  };
  const chatkit = async (token: string, body: unknown) => {
    const res = await fetch(`${url}/api/chatkit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    const streaming = res.headers.get('content-type') === 'text/event-stream';
    return { status: res.status, body: streaming ? undefined : JSON.parse(text), events: streaming ? parseEvents(text) : [] };
  };

  test("when a visitor uses their access token, they cannot see or touch a signed-in user's thread", async () => {
    const user = await userToken('user_1');
    const threadId = threadIdOf((await chatkit(user, createThread('user only'))).events);
    const { token } = await visitor();
    assert.equal((await chatkit(token, { type: 'threads.get_by_id', params: { thread_id: threadId } })).status, 404);
    assert.equal((await chatkit(token, { type: 'threads.delete', params: { thread_id: threadId } })).status, 404);
    assert.deepEqual((await chatkit(token, { type: 'threads.list', params: {} })).body.data, []);
    assert.equal((await chatkit(user, { type: 'threads.get_by_id', params: { thread_id: threadId } })).status, 200);
  });

  test('when a visitor presents their long-lived visitor token instead of an access token, the answer is 401', async () => {
    const { visitor_token } = await visitor();
    const reply = await chatkit(visitor_token, { type: 'threads.list', params: {} });
    assert.equal(reply.status, 401);
  });

  test("when one visitor names another visitor's thread, the answer is 404; the returning owner still sees it", async () => {
    const first = await visitor();
    const threadId = threadIdOf((await chatkit(first.token, createThread('visitor one'))).events);
    const second = await visitor();
    assert.equal((await chatkit(second.token, { type: 'items.list', params: { thread_id: threadId } })).status, 404);
    assert.equal((await chatkit(second.token, { type: 'threads.add_user_message', params: { thread_id: threadId, input: createThread('x').params.input } })).status, 404);

    const returning = await visitor(first.visitor_token);
    const list = await chatkit(returning.token, { type: 'threads.list', params: {} });
    assert.deepEqual(list.body.data.map((t: any) => t.id), [threadId]);
  });
});
