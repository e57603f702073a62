/**
 * Faults with two real server processes on one PostgreSQL and one Redis: an instance killed mid-reply, Redis
 * restarted mid-run, PostgreSQL down then back. Each gets its documented answer and recovers without a restart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLUSTER_PUBLIC_KEY, CLUSTER_SITE_ORIGIN, chatkit, openChatKitStream, startCluster, type Cluster } from '../../test-support/cluster.js';
import { waitFor } from '../../test-support/services/process.js';
import { postJson } from '../../test-support/start-app.js';
import { addMessage, createThread, threadIdOf } from '../chatkit/testing/harness.js';

const textsOf = (items: { type: string; content: { text: string }[] }[]) => items.map((item) => `${item.type}:${item.content[0]?.text}`);

describe('faults with several instances', () => {
  let cluster: Cluster;
  // A third instance is the one killed, so A and B stay up for the later faults.
  let [A, B, C] = ['', '', ''];
  before(async () => {
    // A 5 s claim: long enough for a running reply to outlast the Redis restart below, short enough to wait out.
    cluster = await startCluster({ size: 3, env: { RATE_LIMIT_API_PER_IP: '100000', CHATKIT_REPLY_LOCK_SECONDS: '5' } });
    [A, B, C] = cluster.instances.map((instance) => instance.url) as [string, string, string];
  });
  after(() => cluster?.close());

  test('an instance killed with -9 mid-reply: what was stored stays, the claim expires, and the thread goes on elsewhere', async () => {
    const token = await cluster.userToken('user_crash');
    const threadId = threadIdOf((await chatkit(C, token, createThread('Before the crash'))).events);
    cluster.model.enqueue({ deltas: ['never ', 'finished'], fault: 'hang' });
    const hanging = cluster.model.hanging();
    const stream = await openChatKitStream(C, token, addMessage(threadId, 'Answer slowly'));
    await hanging;
    await stream.until('thread.item.updated');
    await cluster.instances[2]!.kill();
    assert.equal(await stream.until('thread.item.done'), undefined, 'the client sees its stream cut');

    const thread = await chatkit(A, token, { type: 'threads.get_by_id', params: { thread_id: threadId } });
    assert.equal(thread.status, 200);
    assert.deepEqual(textsOf(thread.body.items.data), [
      'user_message:Before the crash',
      'assistant_message:Hello!',
      'user_message:Answer slowly',
    ]);
    const busy = await chatkit(B, token, addMessage(threadId, 'Too soon'));
    assert.deepEqual([busy.status, busy.body.error?.code], [409, 'thread_busy'], 'the dead instance still holds the claim until it expires');
    let after: Awaited<ReturnType<typeof chatkit>> | undefined;
    // Each attempt counts against the user's reply budget (20 a minute): a few, spaced out, cover the 5 s expiry.
    await waitFor(
      'the dead instance’s claim to expire',
      async () => {
        after = await chatkit(B, token, addMessage(threadId, 'Are you there?'));
        return after.status === 200;
      },
      { attempts: 16, intervalMs: 1_000 },
    );
    assert.ok(after!.events.some((e) => e.type === 'thread.item.done' && e.item.type === 'assistant_message'));
  });

  test('Redis restarted mid-reply: the reply finishes, requests meanwhile get 503 store_unavailable, and it recovers by itself', async () => {
    const token = await cluster.userToken('user_redis');
    const threadId = threadIdOf((await chatkit(A, token, createThread('Start'))).events);
    cluster.model.enqueue({ deltas: ['one ', 'two ', 'three ', 'four'], delayMs: 400 });
    const stream = await openChatKitStream(A, token, addMessage(threadId, 'Count slowly'));
    await stream.until('thread.item.updated');

    await cluster.redis.kill();
    const during = await postJson(`${B}/api/chatkit/public`, { public_key: CLUSTER_PUBLIC_KEY }, { origin: CLUSTER_SITE_ORIGIN });
    assert.deepEqual([during.status, during.body.error.code], [503, 'store_unavailable'], 'security checks fail closed');
    assert.ok(Number(during.headers.get('retry-after')) > 0);
    assert.equal((await fetch(`${B}/readyz`)).status, 503);
    await cluster.redis.start();

    const done = await stream.until('thread.item.done');
    assert.equal(done?.type === 'thread.item.done' && done.item.type === 'assistant_message' && done.item.content[0]!.text, 'one two three four');
    while (await stream.next()); // to the end of the stream: the claim is released once the reply has ended
    await waitFor('B to reach Redis again', async () => (await fetch(`${B}/readyz`)).status === 200);
    const later = await postJson(`${B}/api/chatkit/public`, { public_key: CLUSTER_PUBLIC_KEY }, { origin: CLUSTER_SITE_ORIGIN });
    assert.equal(later.status, 200, later.text);
    const next = await chatkit(B, token, addMessage(threadId, 'Again'));
    assert.equal(next.status, 200, 'the claim taken again after the restart was released at the end of the reply');
  });

  test('PostgreSQL down then back: thread requests get 503 store_unavailable, /readyz names it, and everything stored is back', async () => {
    const token = await cluster.userToken('user_pg');
    const threadId = threadIdOf((await chatkit(A, token, createThread('Keep me'))).events);
    await cluster.postgres.kill();

    const down = await chatkit(B, token, { type: 'threads.list', params: {} });
    assert.deepEqual([down.status, down.body.error.code], [503, 'store_unavailable']);
    const ready = await fetch(`${A}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal((await ready.json()).checks.chatkit_store, 'failing');
    const stream = await chatkit(A, token, addMessage(threadId, 'While down'));
    assert.equal(stream.status, 503, 'a new reply is refused before its stream starts');

    await cluster.postgres.start();
    await waitFor('A to reach PostgreSQL again', async () => (await fetch(`${A}/readyz`)).status === 200);
    for (const url of [A, B]) {
      const list = await chatkit(url, token, { type: 'threads.list', params: {} });
      assert.deepEqual(list.body.data.map((t: { id: string }) => t.id), [threadId], url);
    }
    assert.equal((await chatkit(B, token, addMessage(threadId, 'Back'))).status, 200);
    assert.ok(cluster.instances[0]!.alive() && cluster.instances[1]!.alive(), 'no instance crashed');
  });
});
