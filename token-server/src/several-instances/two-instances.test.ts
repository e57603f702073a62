/**
 * Two real server processes on one PostgreSQL and one Redis, behind a round-robin proxy: they behave as one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLUSTER_PUBLIC_KEY, CLUSTER_SITE_ORIGIN, chatkit, openChatKitStream, startCluster, type Cluster } from '../../test-support/cluster.js';
import { postJson } from '../../test-support/start-app.js';
import { addMessage, createThread, threadIdOf } from '../chatkit/testing/harness.js';


describe('two instances on one PostgreSQL and one Redis', () => {
  let cluster: Cluster;
  let A: string;
  let B: string;
  before(async () => {
    cluster = await startCluster();
    [A, B] = cluster.instances.map((instance) => instance.url) as [string, string];
  });
  after(() => cluster?.close());

  const publicAccess = (body: Record<string, unknown>, clientIp = '198.51.100.1') =>
    postJson(`${cluster.proxy.url}/api/chatkit/public`, { public_key: CLUSTER_PUBLIC_KEY, ...body }, { origin: CLUSTER_SITE_ORIGIN, 'x-test-client-ip': clientIp });

  test('a client secret started on A is refreshed on B (and the old session cancelled); another user is refused it', async () => {
    const auth = { authorization: `Bearer ${await cluster.userToken('user_refresh')}`, origin: CLUSTER_SITE_ORIGIN };
    const started = await postJson(`${A}/api/chatkit/start`, undefined, auth);
    assert.equal(started.status, 200, started.text);
    const refreshed = await postJson(`${B}/api/chatkit/refresh`, { currentClientSecret: started.body.client_secret }, auth);
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.notEqual(refreshed.body.client_secret, started.body.client_secret);
    assert.equal(cluster.sessions.bySecret(started.body.client_secret)?.cancelled, true, 'B knew the session A started');

    const stranger = { authorization: `Bearer ${await cluster.userToken('user_other')}`, origin: CLUSTER_SITE_ORIGIN };
    const refused = await postJson(`${A}/api/chatkit/refresh`, { currentClientSecret: refreshed.body.client_secret }, stranger);
    assert.deepEqual([refused.status, refused.body.error.code], [403, 'secret_not_owned']);
  });

  test('a visitor created on one instance keeps their id and threads on the other', async () => {
    const first = await publicAccess({});
    assert.equal(first.status, 200, first.text);
    const created = await chatkit(first.headers.get('x-test-upstream') === 'A' ? B : A, first.body.token, createThread('Hello from a visitor'));
    assert.equal(created.status, 200);
    const threadId = threadIdOf(created.events);

    const returning = await publicAccess({ visitor_token: first.body.visitor_token });
    assert.notEqual(returning.headers.get('x-test-upstream'), first.headers.get('x-test-upstream'), 'the proxy sent it to the other instance');
    for (const url of [A, B]) {
      const list = await chatkit(url, returning.body.token, { type: 'threads.list', params: {} });
      assert.deepEqual(list.body.data.map((t: { id: string }) => t.id), [threadId], `threads seen on ${url}`);
    }
  });

  test('a rate limit counts requests on both instances together, with Retry-After', async () => {
    const answers = [];
    for (let i = 0; i < 40; i++) answers.push(await publicAccess({}, '203.0.113.7'));
    const upstreams = new Set(answers.map((a) => a.headers.get('x-test-upstream')));
    assert.deepEqual([...upstreams].sort(), ['A', 'B']);
    assert.equal(answers.filter((a) => a.status === 200).length, 30, 'RATE_LIMIT_PUBLIC_PER_IP (30) for both instances together');
    const limited = answers.filter((a) => a.status === 429);
    assert.equal(limited.length, 10);
    assert.ok(limited.every((a) => a.body.error.code === 'rate_limited' && Number(a.headers.get('retry-after')) >= 1));
  });

  test('two messages to one thread sent to A and B at once: one streams, the other gets 409 thread_busy', async () => {
    const token = await cluster.userToken('user_busy');
    const threadId = threadIdOf((await chatkit(A, token, createThread('Start'))).events);
    cluster.model.enqueue({ deltas: ['slow ', 'answer ', 'here'], delayMs: 300 });
    const [fromA, fromB] = await Promise.all([chatkit(A, token, addMessage(threadId, 'one')), chatkit(B, token, addMessage(threadId, 'two'))]);
    const answers = [fromA, fromB].sort((x, y) => x.status - y.status);
    assert.equal(answers[0]!.status, 200);
    assert.ok(answers[0]!.events.some((e) => e.type === 'thread.item.done' && e.item.type === 'assistant_message'));
    assert.deepEqual([answers[1]!.status, answers[1]!.body.error.code], [409, 'thread_busy']);
    assert.equal((await chatkit(B, token, addMessage(threadId, 'after'))).status, 200, 'free again once the reply ended');
  });

  test('a stop sent to B ends a reply running on A; the partial answer is kept and the thread is free', async () => {
    const token = await cluster.userToken('user_stop');
    const threadId = threadIdOf((await chatkit(A, token, createThread('Start'))).events);
    cluster.model.enqueue({ deltas: ['partial ', 'answer'], fault: 'hang' });
    const hanging = cluster.model.hanging();
    const stream = await openChatKitStream(A, token, addMessage(threadId, 'Tell me a long story'));
    await hanging;
    let deltas = 0;
    while (deltas < 2) {
      const event = await stream.next();
      assert.ok(event, 'the reply is streaming on A');
      if (event.type === 'thread.item.updated' && event.update.type === 'assistant_message.content_part.text_delta') deltas++;
    }

    const stopped = await chatkit(B, token, { thread_id: threadId }, '/api/chatkit/stop');
    assert.deepEqual([stopped.status, stopped.body], [200, { stopped: true }]);
    await stream.until('thread.item.done'); // reads to the end: the stream on A ends without a finished answer
    assert.equal(await stream.next(), undefined);

    const items = (await chatkit(B, token, { type: 'items.list', params: { thread_id: threadId, order: 'asc' } })).body.data;
    assert.equal(items.at(-1).type, 'assistant_message');
    assert.equal(items.at(-1).content[0].text, 'partial answer');
    assert.equal((await chatkit(B, token, addMessage(threadId, 'Go on'))).status, 200, 'the claim was released');
    const again = await chatkit(A, token, { thread_id: threadId }, '/api/chatkit/stop');
    assert.deepEqual(again.body, { stopped: false }, 'nothing is running now');
    const someoneElse = await chatkit(B, await cluster.userToken('user_intruder'), { thread_id: threadId }, '/api/chatkit/stop');
    assert.deepEqual([someoneElse.status, someoneElse.body.error.code], [404, 'thread_not_found']);
  });

  test('both instances publish the same keys at /.well-known/jwks.json', async () => {
    const [a, b] = await Promise.all([A, B].map(async (url) => (await fetch(`${url}/.well-known/jwks.json`)).json()));
    assert.ok(a.keys.length > 0);
    assert.deepEqual(a, b);
  });

  test('/readyz on each instance reports Redis and PostgreSQL as on and reachable', async () => {
    for (const url of [A, B]) {
      const ready = await (await fetch(`${url}/readyz`)).json();
      assert.equal(ready.ready, true);
      assert.deepEqual([ready.checks.store, ready.checks.chatkit_store], ['ok', 'ok']);
      assert.deepEqual(ready.backends, { store: 'redis', chatkit_store: 'postgres' });
      assert.deepEqual([ready.features.shared_store.on, ready.features.shared_database.on], [true, true]);
    }
  });
});
