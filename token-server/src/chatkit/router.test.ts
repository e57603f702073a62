import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addMessage, createThread, startBackend, threadIdOf, type Harness } from './testing/harness.js';
import { conversationSent } from '../../test-support/openai-mock-model.js';

async function raw(h: Harness, init: { body?: string; headers?: Record<string, string> }) {
  const res = await fetch(`${h.url}/api/chatkit`, { method: 'POST', ...init });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) };
}

describe('authentication comes first', () => {
  let h: Harness;
  before(async () => {
    h = await startBackend();
  });
  after(() => h.close());

  test('when no token is sent, the answer is 401 missing_token, even for a malformed body', async () => {
    const reply = await raw(h, { body: '{not json', headers: { 'content-type': 'application/json' } });
    assert.equal(reply.status, 401);
    assert.equal(reply.body.error.code, 'missing_token');
  });

  test('when the token is forged, the answer is 401 invalid_token and nothing is created', async () => {
    const reply = await raw(h, { body: JSON.stringify(createThread('hi')), headers: { 'content-type': 'application/json', authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad' } });
    assert.equal(reply.status, 401);
    assert.equal(reply.body.error.code, 'invalid_token');
    assert.equal(h.mock.requests.length, 0);
  });
});

describe('bad input is a 4xx with a clear code, and loses nothing', () => {
  let h: Harness;
  let threadId: string;
  before(async () => {
    h = await startBackend({ limits: { maxBodyBytes: 4096, maxMessageChars: 100 } });
    threadId = threadIdOf((await h.call('kim', createThread('keep me'))).events);
  });
  after(() => h.close());

  const cases: Array<[string, unknown, number, string, Record<string, string>?]> = [
    ['malformed JSON', '{"type": "threads.list", ', 400, 'invalid_json'],
    ['an empty body', '', 400, 'invalid_json'],
    ['a body that is not an object', '[1,2,3]', 400, 'invalid_request'],
    ['a missing type', { params: {} }, 400, 'invalid_request'],
    ['an unknown type', { type: 'threads.explode', params: {} }, 400, 'unknown_request_type'],
    ['a thread id that is a number', { type: 'threads.get_by_id', params: { thread_id: 42 } }, 400, 'invalid_params'],
    ['a limit that is a string', { type: 'threads.list', params: { limit: 'ten' } }, 400, 'invalid_params'],
    ['a negative limit', { type: 'threads.list', params: { limit: -1 } }, 400, 'invalid_params'],
    ['an unknown order', { type: 'threads.list', params: { order: 'sideways' } }, 400, 'invalid_params'],
    ['a message with no content', { type: 'threads.create', params: { input: { content: [], attachments: [], inference_options: {} } } }, 400, 'invalid_params'],
    ['an unknown content part', { type: 'threads.create', params: { input: { content: [{ type: 'input_video' }], attachments: [], inference_options: {} } } }, 400, 'invalid_params'],
    ['feedback of an unknown kind', { type: 'items.feedback', params: { thread_id: 'thr_x', item_ids: ['msg_x'], kind: 'meh' } }, 400, 'invalid_params'],
    ['a whitespace-only message', createThread('   '), 400, 'empty_message'],
    ['a message over the length limit', createThread('x'.repeat(101)), 400, 'message_too_long'],
    ['deep nesting', `{"type":"threads.list","params":{},"metadata":{"a":${'['.repeat(200)}${']'.repeat(200)}}}`, 400, 'too_deeply_nested'],
    ['an oversized body', { type: 'threads.list', params: {}, metadata: { pad: 'x'.repeat(5000) } }, 413, 'body_too_large'],
    ['a form body', 'type=threads.list', 415, 'unsupported_media_type', { 'content-type': 'application/x-www-form-urlencoded' }],
  ];
  for (const [scenario, body, status, code, headers] of cases) {
    test(`when a client sends ${scenario}, the answer is ${status} ${code}`, async () => {
      const reply = await h.call('kim', body, headers);
      assert.equal(reply.status, status, reply.text);
      assert.equal(reply.body.error.code, code);
      assert.equal(typeof reply.body.error.message, 'string');
    });
  }

  test('after all the bad input, the thread and the server are intact', async () => {
    const thread = await h.call('kim', { type: 'threads.get_by_id', params: { thread_id: threadId } });
    assert.equal(thread.body.items.data.length, 2);
    const list = await h.call('kim', { type: 'threads.list', params: {} });
    assert.equal(list.body.data.length, 1);
  });

  test('when a browser labels the JSON body text/plain, it is still read', async () => {
    const reply = await h.call('kim', JSON.stringify({ type: 'threads.list', params: {} }), { 'content-type': 'text/plain;charset=UTF-8' });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.data.length, 1);
  });

  test('when the optional fields are null, as the official client sends them, the request is accepted', async () => {
    const reply = await h.call('kim', {
      type: 'threads.add_user_message',
      params: { thread_id: threadId, input: { content: [{ type: 'input_text', text: 'ok' }], attachments: [], quoted_text: null, inference_options: { tool_choice: null, model: null } } },
    });
    assert.equal(reply.status, 200);
    const stored = reply.events[0]!;
    assert.ok(stored.type === 'thread.item.done' && stored.item.type === 'user_message');
    assert.deepEqual(stored.item.inference_options, {});
    assert.ok(!('quoted_text' in stored.item));
  });
});

describe('per-user limits', () => {
  test('when a user sends more requests than the per-minute limit, the answer is 429 rate_limited with Retry-After, and other users are unaffected', async () => {
    const h = await startBackend({ limits: { requestsPerMinute: 3 } });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await h.call('lee', { type: 'threads.list', params: {} })).status, 200);
      const limited = await h.call('lee', { type: 'threads.list', params: {} });
      assert.equal(limited.status, 429);
      assert.equal(limited.body.error.code, 'rate_limited');
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      assert.equal((await h.call('max', { type: 'threads.list', params: {} })).status, 200);
    } finally {
      await h.close();
    }
  });

  test('when a user asks for more replies than the per-minute reply limit, the answer is 429 before the model is called', async () => {
    const h = await startBackend({ limits: { repliesPerMinute: 1 } });
    try {
      assert.equal((await h.call('lee', createThread('one'))).status, 200);
      const limited = await h.call('lee', createThread('two'));
      assert.equal(limited.status, 429);
      assert.equal(h.mock.requests.length, 1);
    } finally {
      await h.close();
    }
  });

  test('when a user has the most threads allowed, a new thread is refused with 409 too_many_threads', async () => {
    const h = await startBackend({ limits: { maxThreadsPerUser: 2 } });
    try {
      await h.call('ned', createThread('one'));
      await h.call('ned', createThread('two'));
      const third = await h.call('ned', createThread('three'));
      assert.equal(third.status, 409);
      assert.equal(third.body.error.code, 'too_many_threads');
      assert.equal((await h.call('ned', { type: 'threads.list', params: {} })).body.data.length, 2);
    } finally {
      await h.close();
    }
  });

  test('when a thread is full, a new message is refused with 409 thread_full', async () => {
    const h = await startBackend({ limits: { maxItemsPerThread: 5 } });
    try {
      const threadId = threadIdOf((await h.call('ole', createThread('one'))).events);
      assert.equal((await h.call('ole', addMessage(threadId, 'two'))).status, 200);
      const full = await h.call('ole', addMessage(threadId, 'three'));
      assert.equal(full.body.error.code, 'thread_full');
    } finally {
      await h.close();
    }
  });

  test('when the history is longer than the budget, the oldest turns are dropped and the newest message is sent', async () => {
    const h = await startBackend({ limits: { historyCharBudget: 30 } });
    try {
      h.model.enqueue({ deltas: ['first answer'] }, { deltas: ['second answer'] });
      const threadId = threadIdOf((await h.call('pia', createThread('first question'))).events);
      await h.call('pia', addMessage(threadId, 'second question'));
      assert.deepEqual(conversationSent(h.mock.requests.at(-1)!.body), [
        { role: 'assistant', content: 'first answer' },
        { role: 'user', content: 'second question' },
      ]);
    } finally {
      await h.close();
    }
  });
});
