import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addMessage, createThread, startBackend, threadIdOf, type Harness } from './testing/harness.js';
import { conversationSent } from '../../test-support/openai-mock-model.js';
import { loadGolden, shape } from './testing/golden.js';

describe('ChatKit protocol against the golden transcript', () => {
  let h: Harness;
  before(async () => {
    h = await startBackend();
  });
  after(() => h.close());

  test('when the golden conversation is replayed, every answer has the golden shape', async () => {
    let threadId = '';
    let userMessageId = '';
    let assistantId = '';
    for (const exchange of loadGolden()) {
      // The golden transcript's ids are the reference server's; ours are substituted in.
      const params = JSON.parse(
        JSON.stringify(exchange.request.params).replaceAll('"thr_1"', JSON.stringify(threadId)).replaceAll('"msg_1"', JSON.stringify(userMessageId)).replaceAll('"msg_a"', JSON.stringify(assistantId)),
      );
      const reply = await h.call('alice', { type: exchange.request.type, params });
      assert.equal(reply.status, 200, `${exchange.request.type}: ${reply.text}`);
      let expected = exchange.response;
      if (exchange.request.type === 'threads.add_user_message') {
        // The reference server's scripted reply re-titled the thread every turn (undoing the rename); ours names a
        // thread once, after its first reply, so no `thread.updated` follows a later turn.
        assert.equal(expected.at(-1).type, 'thread.updated');
        expected = expected.slice(0, -1);
      }
      if (exchange.streaming) {
        assert.equal(reply.headers.get('content-type'), 'text/event-stream');
        assert.equal(reply.headers.get('cache-control'), 'no-cache');
        assert.equal(reply.headers.get('x-accel-buffering'), 'no');
        assert.deepEqual(shape(reply.events), shape(expected), exchange.request.type);
        const created = reply.events.find((e) => e.type === 'thread.created');
        if (created) threadId = created.thread.id;
        for (const event of reply.events) {
          if (event.type !== 'thread.item.done') continue;
          if (event.item.type === 'user_message' && exchange.request.type === 'threads.create') userMessageId = event.item.id;
          if (event.item.type === 'assistant_message') assistantId = event.item.id;
        }
      } else {
        assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
        assert.deepEqual(shape(reply.body), shape(expected), exchange.request.type);
      }
    }
  });

  test('when a thread is created, the model gets the instructions and the message, and nothing is stored upstream', async () => {
    await h.call('alice', createThread('What is 2+2?'));
    const body = h.mock.requests.at(-1)!.body as any;
    assert.equal(h.mock.requests.at(-1)!.path, '/v1/responses');
    assert.equal(body.model, 'mock-model');
    assert.equal(body.instructions, 'Be brief.');
    assert.equal(body.stream, true);
    assert.equal(body.store, false);
    assert.deepEqual(body.input, [{ role: 'user', content: 'What is 2+2?' }]);
  });

  test('when a second message is added, the model sees the whole conversation in order', async () => {
    h.model.enqueue({ deltas: ['Four.'] }, { deltas: ['Eight.'] });
    const first = await h.call('alice', createThread('2+2?'));
    const threadId = threadIdOf(first.events);
    await h.call('alice', addMessage(threadId, 'Times two?'));
    assert.deepEqual(conversationSent(h.mock.requests.at(-1)!.body), [
      { role: 'user', content: '2+2?' },
      { role: 'assistant', content: 'Four.' },
      { role: 'user', content: 'Times two?' },
    ]);
  });

  test('when a thread gets its first reply, it is titled from the first message, cut at a word', async () => {
    const text = 'Please explain how the tides work and why there are two of them every single day';
    const reply = await h.call('alice', createThread(text));
    const updated = reply.events.at(-1)!;
    assert.equal(updated.type, 'thread.updated');
    const title = updated.thread.title!;
    assert.ok(title.length <= 60 && title.endsWith('…'), title);
    assert.ok(text.startsWith(title.slice(0, -1)), title);
  });

  test('when an answer is retried after the first message, later items are replaced by the new answer', async () => {
    h.model.enqueue({ deltas: ['One'] }, { deltas: ['Two'] }, { deltas: ['Again'] });
    const created = await h.call('alice', createThread('first'));
    const threadId = threadIdOf(created.events);
    const firstMessage = created.events.find((e) => e.type === 'thread.item.done')!;
    assert.equal(firstMessage.type, 'thread.item.done');
    await h.call('alice', addMessage(threadId, 'second'));
    const retry = await h.call('alice', { type: 'threads.retry_after_item', params: { thread_id: threadId, item_id: firstMessage.item.id } });
    assert.equal(retry.events[0]!.type, 'stream_options');
    const items = await h.call('alice', { type: 'items.list', params: { thread_id: threadId, order: 'asc' } });
    assert.deepEqual(
      items.body.data.map((item: any) => [item.type, item.content[0].text]),
      [
        ['user_message', 'first'],
        ['assistant_message', 'Again'],
      ],
    );
  });

  test('when threads and items are paged with limit, order and after, every record comes once in order', async () => {
    const other = await startBackend({}, { mock: h.mock, model: h.model });
    try {
      const ids: string[] = [];
      for (const text of ['a', 'b', 'c']) {
        const reply = await other.call('pager', createThread(text));
        ids.push(threadIdOf(reply.events));
      }
      const first = await other.call('pager', { type: 'threads.list', params: { limit: 2 } });
      assert.deepEqual(first.body.data.map((t: any) => t.id), [ids[2], ids[1]]);
      assert.equal(first.body.has_more, true);
      const second = await other.call('pager', { type: 'threads.list', params: { limit: 2, after: first.body.after } });
      assert.deepEqual(second.body.data.map((t: any) => t.id), [ids[0]]);
      assert.equal(second.body.has_more, false);
      const ascending = await other.call('pager', { type: 'threads.list', params: { order: 'asc', limit: 9999 } });
      assert.deepEqual(ascending.body.data.map((t: any) => t.id), ids);

      await other.call('pager', addMessage(ids[0]!, 'more'));
      const page1 = await other.call('pager', { type: 'items.list', params: { thread_id: ids[0], limit: 3, order: 'asc' } });
      assert.equal(page1.body.has_more, true);
      const page2 = await other.call('pager', { type: 'items.list', params: { thread_id: ids[0], limit: 3, order: 'asc', after: page1.body.after } });
      assert.deepEqual([...page1.body.data, ...page2.body.data].map((i: any) => i.type), ['user_message', 'assistant_message', 'user_message', 'assistant_message']);
      const newestFirst = await other.call('pager', { type: 'items.list', params: { thread_id: ids[0] } });
      assert.deepEqual(newestFirst.body.data.map((i: any) => i.id), [...page1.body.data, ...page2.body.data].map((i: any) => i.id).reverse());

      const bad = await other.call('pager', { type: 'threads.list', params: { after: 'thr_doesnotexist' } });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'invalid_cursor');
    } finally {
      await other.close();
    }
  });

  test('when feedback is given on an answer, the answer is {} and it is recorded', async () => {
    const created = await h.call('alice', createThread('rate me'));
    const threadId = threadIdOf(created.events);
    const answer = created.events.findLast((e) => e.type === 'thread.item.done')!;
    assert.equal(answer.type, 'thread.item.done');
    const reply = await h.call('alice', { type: 'items.feedback', params: { thread_id: threadId, item_ids: [answer.item.id], kind: 'negative' } });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, {});
  });

  test('when a thread is deleted, it is gone from get, list and further messages', async () => {
    const created = await h.call('alice', createThread('short-lived'));
    const threadId = threadIdOf(created.events);
    assert.deepEqual((await h.call('alice', { type: 'threads.delete', params: { thread_id: threadId } })).body, {});
    assert.equal((await h.call('alice', { type: 'threads.get_by_id', params: { thread_id: threadId } })).status, 404);
    assert.equal((await h.call('alice', addMessage(threadId, 'hello?'))).status, 404);
    const list = await h.call('alice', { type: 'threads.list', params: { limit: 100 } });
    assert.ok(!list.body.data.some((t: any) => t.id === threadId));
  });
});

describe('request types this backend does not offer', () => {
  let h: Harness;
  let threadId: string;
  before(async () => {
    h = await startBackend();
    const created = await h.call('bob', createThread('hi'));
    threadId = threadIdOf(created.events);
  });
  after(() => h.close());

  for (const [type, params, code] of [
    ['attachments.create', { name: 'a.png', size: 10, mime_type: 'image/png' }, 'attachments_not_supported'],
    ['attachments.delete', { attachment_id: 'atc_1' }, 'attachments_not_supported'],
  ] as const) {
    test(`when a client sends ${type}, the answer is 501 ${code}`, async () => {
      const reply = await h.call('bob', { type, params });
      assert.equal(reply.status, 501);
      assert.equal(reply.body.error.code, code);
    });
  }

  test('when a message carries attachments, it is refused with 501 attachments_not_supported and nothing is stored', async () => {
    const reply = await h.call('bob', {
      type: 'threads.add_user_message',
      params: { thread_id: threadId, input: { content: [{ type: 'input_text', text: 'see file' }], attachments: ['atc_1'], inference_options: {} } },
    });
    assert.equal(reply.status, 501);
    assert.equal(reply.body.error.code, 'attachments_not_supported');
    const items = await h.call('bob', { type: 'items.list', params: { thread_id: threadId } });
    assert.equal(items.body.data.length, 2);
  });

  test('when a custom action this server does not know is sent, the stream says it is not supported', async () => {
    const reply = await h.call('bob', { type: 'threads.custom_action', params: { thread_id: threadId, action: { type: 'approve' } } });
    assert.deepEqual(reply.events.map((e) => e.type), ['stream_options', 'error']);
    const error = reply.events[1]!;
    assert.ok(error.type === 'error' && error.allow_retry === false && /not supported/.test(error.message ?? ''));
  });

  test('when structured input is sent for an item that is not asking for it, the answer is 400 or 404', async () => {
    const items = await h.call('bob', { type: 'items.list', params: { thread_id: threadId } });
    const wrong = await h.call('bob', { type: 'threads.add_structured_input', params: { thread_id: threadId, item_id: items.body.data[0].id, input: { answers: {} } } });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.code, 'not_structured_input');
    const missing = await h.call('bob', { type: 'threads.add_structured_input', params: { thread_id: threadId, item_id: 'msg_missing', input: {} } });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'item_not_found');
  });
});

describe('without a model configured', () => {
  test('when a user writes, the message is kept and the reply is an error event naming what to set (not CHATKIT_MODEL, which has a default)', async () => {
    const h = await startBackend({ api: null });
    try {
      const reply = await h.call('carol', createThread('anyone there?'));
      assert.deepEqual(reply.events.map((e) => e.type), ['thread.created', 'thread.item.done', 'stream_options', 'error', 'thread.updated']);
      const error = reply.events[3]!;
      assert.ok(error.type === 'error');
      assert.match(error.message ?? '', /OPENAI_API_KEY/);
      assert.match(error.message ?? '', /OPENAI_BASE_URL/);
      assert.doesNotMatch(error.message ?? '', /CHATKIT_MODEL/);
      assert.equal(h.mock.requests.length, 0);
      const threadId = threadIdOf(reply.events);
      const items = await h.call('carol', { type: 'items.list', params: { thread_id: threadId } });
      assert.equal(items.body.data[0].content[0].text, 'anyone there?');
    } finally {
      await h.close();
    }
  });
});
