import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addMessage, createThread, startBackend, threadIdOf, type Harness } from './testing/harness.js';

describe('threads belong to one user', () => {
  let h: Harness;
  let threadId: string;
  let userMessageId: string;
  before(async () => {
    h = await startBackend();
    const created = await h.call('alice', createThread('my secret plans'));
    threadId = threadIdOf(created.events);
    const done = created.events.find((e) => e.type === 'thread.item.done')!;
    userMessageId = done.type === 'thread.item.done' ? done.item.id : '';
  });
  after(() => h.close());

  const attempts = () =>
    [
      ['threads.get_by_id', { thread_id: threadId }],
      ['items.list', { thread_id: threadId }],
      ['threads.update', { thread_id: threadId, title: 'pwned' }],
      ['threads.delete', { thread_id: threadId }],
      ['threads.add_user_message', addMessage(threadId, 'let me in').params],
      ['threads.retry_after_item', { thread_id: threadId, item_id: userMessageId }],
      ['threads.add_client_tool_output', { thread_id: threadId, result: {} }],
      ['items.feedback', { thread_id: threadId, item_ids: [userMessageId], kind: 'negative' }],
      ['threads.custom_action', { thread_id: threadId, action: { type: 'x' } }],
    ] as const;

  test("when user B names user A's thread in any request, the answer is the same 404 as for a missing thread", async () => {
    const missing = await h.call('bob', { type: 'threads.get_by_id', params: { thread_id: 'thr_0000000000000000' } });
    assert.equal(missing.status, 404);
    for (const [type, params] of attempts()) {
      const reply = await h.call('bob', { type, params });
      assert.equal(reply.status, 404, type);
      assert.deepEqual(reply.body, missing.body, type);
    }
  });

  test("when user B lists threads or pages from A's thread id, A's thread is not there", async () => {
    await h.call('bob', createThread('bob here'));
    const list = await h.call('bob', { type: 'threads.list', params: {} });
    assert.equal(list.body.data.length, 1);
    assert.notEqual(list.body.data[0].id, threadId);
    const cursor = await h.call('bob', { type: 'threads.list', params: { after: threadId } });
    assert.equal(cursor.status, 400);
    assert.equal(cursor.body.error.code, 'invalid_cursor');
  });

  test("after all of user B's attempts, user A's thread is unchanged and the model was never called for B's attempts", async () => {
    const before = h.mock.requests.length;
    for (const [type, params] of attempts()) await h.call('bob', { type, params });
    assert.equal(h.mock.requests.length, before);
    const thread = await h.call('alice', { type: 'threads.get_by_id', params: { thread_id: threadId } });
    assert.equal(thread.status, 200);
    assert.equal(thread.body.title, 'my secret plans');
    assert.deepEqual(thread.body.items.data.map((i: any) => i.type), ['user_message', 'assistant_message']);
  });
});
