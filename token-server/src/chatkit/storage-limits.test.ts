import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addMessage, createThread, startBackend, threadIdOf, type Harness } from './testing/harness.js';

const input = (content: unknown[], extra: Record<string, unknown> = {}) => ({ content, attachments: [], inference_options: {}, ...extra });
const create = (params: Record<string, unknown>) => ({ type: 'threads.create', params: { input: params } });
const listThreads = { type: 'threads.list', params: {} };

describe('every stored field is bounded, and so is the whole message (security review, finding 2)', () => {
  let h: Harness;
  before(async () => {
    h = await startBackend();
  });
  after(() => h.close());

  // The review stored 64 KB messages whose text was short: the bulk was in tags and options.
  const big = 'x'.repeat(60_000);
  const cases: Array<[string, unknown, string?]> = [
    ['a tag with 60 KB of data', create(input([{ type: 'input_text', text: 'hi' }, { type: 'input_tag', id: 't', text: 'tag', data: { big } }]))],
    ['a tag with a 60 KB id', create(input([{ type: 'input_text', text: 'hi' }, { type: 'input_tag', id: big, text: 'tag' }]))],
    ['a tag with a 60 KB group', create(input([{ type: 'input_tag', id: 't', text: 'tag', group: big }]))],
    ['a 60 KB model name', create(input([{ type: 'input_text', text: 'hi' }], { inference_options: { model: big } }))],
    ['a 60 KB tool choice', create(input([{ type: 'input_text', text: 'hi' }], { inference_options: { tool_choice: { id: big } } }))],
    ['60 KB of request metadata', { type: 'threads.list', params: {}, metadata: { big } }, 'invalid_request'],
  ];
  for (const [what, body, code = 'invalid_params'] of cases) {
    test(`when a visitor sends ${what}, it is refused with 400 and nothing is stored or sent to the model`, async () => {
      const before = h.mock.requests.length;
      const reply = await h.call('ivy', body);
      assert.equal(reply.status, 400, reply.text);
      assert.equal(reply.body.error.code, code);
      assert.equal(h.mock.requests.length, before);
      assert.deepEqual((await h.call('ivy', listThreads)).body.data, []);
    });
  }

  test('when a message is within every field limit but too large as a whole, then 400 message_too_large', async () => {
    const tags = Array.from({ length: 20 }, (_, i) => ({ type: 'input_tag', id: `tag_${i}`, text: 't', data: { note: 'd'.repeat(1900) } }));
    const reply = await h.call('ivy', create(input([{ type: 'input_text', text: 'hi' }, ...tags])));
    assert.equal(reply.status, 400, reply.text);
    assert.equal(reply.body.error.code, 'message_too_large');
    assert.match(reply.body.error.message, /at most 32768/);
  });
});

describe('the per-user storage quota', () => {
  test('when a user has as many threads as allowed, a new thread is refused with 409 too_many_threads and a message saying what to do', async () => {
    const h = await startBackend({ limits: { maxThreadsPerUser: 1 } });
    try {
      threadIdOf((await h.call('jo', createThread('first'))).events);
      const refused = await h.call('jo', createThread('second'));
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'too_many_threads');
      assert.match(refused.body.error.message, /delete one/);
      assert.equal((await h.call('kai', createThread('another user'))).status, 200);
    } finally {
      await h.close();
    }
  });

  test('when a user\'s stored items reach the quota, then 409 quota_exceeded; deleting a thread makes room again', async () => {
    // A turn stores two items here (message and answer) and needs room for three.
    const h = await startBackend({ limits: { maxItemsPerUser: 8 } });
    try {
      const first = threadIdOf((await h.call('lu', createThread('one'))).events);
      const second = threadIdOf((await h.call('lu', createThread('two'))).events);
      assert.equal((await h.call('lu', addMessage(second, 'three'))).status, 200);
      const refused = await h.call('lu', addMessage(second, 'four'));
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'quota_exceeded');
      assert.match(refused.body.error.message, /delete older conversations/);
      assert.equal((await h.call('lu', { type: 'threads.delete', params: { thread_id: first } })).status, 200);
      assert.equal((await h.call('lu', addMessage(second, 'four'))).status, 200);
    } finally {
      await h.close();
    }
  });

  test('when a user\'s stored bytes would pass the quota, then 409 quota_exceeded and the message is not stored', async () => {
    const h = await startBackend({ limits: { maxBytesPerUser: 20_000 } });
    try {
      const threadId = threadIdOf((await h.call('mo', createThread('a'.repeat(7000)))).events);
      assert.equal((await h.call('mo', addMessage(threadId, 'b'.repeat(7000)))).status, 200);
      const refused = await h.call('mo', addMessage(threadId, 'c'.repeat(7000)));
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'quota_exceeded');
      const items = await h.call('mo', { type: 'items.list', params: { thread_id: threadId, order: 'asc' } });
      assert.equal(items.body.data.filter((item: any) => item.type === 'user_message').length, 2);
    } finally {
      await h.close();
    }
  });
});

describe('reading large threads stays cheap', () => {
  test('when a thread holds many large messages, items.list pages by bytes as well as count, and paging still reaches every item once', async () => {
    const h = await startBackend({ limits: { maxPageBytes: 40_000 } });
    try {
      const threadId = threadIdOf((await h.call('ned', createThread('0'.repeat(7900)))).events);
      for (let i = 1; i < 10; i++) assert.equal((await h.call('ned', addMessage(threadId, String(i).repeat(7900)))).status, 200);
      const seen: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 20; page++) {
        const reply = await h.call('ned', { type: 'items.list', params: { thread_id: threadId, order: 'asc', limit: 100, ...(after && { after }) } });
        assert.ok(Buffer.byteLength(JSON.stringify(reply.body.data)) <= 40_000 + 8_500, `page ${page} is ${reply.text.length} bytes`);
        seen.push(...reply.body.data.map((item: any) => item.id));
        if (!reply.body.has_more) break;
        after = reply.body.after;
      }
      assert.equal(seen.length, 20, 'ten messages and ten answers');
      assert.equal(new Set(seen).size, 20);
    } finally {
      await h.close();
    }
  });

  test('the history sent to the model stays within its budget however long the thread grows', async () => {
    const h = await startBackend({ limits: { historyCharBudget: 20_000 } });
    try {
      const threadId = threadIdOf((await h.call('ola', createThread('a'.repeat(7900)))).events);
      for (let i = 0; i < 6; i++) await h.call('ola', addMessage(threadId, 'b'.repeat(7900)));
      const sent = JSON.stringify(h.mock.requests.at(-1)!.body);
      assert.ok(sent.length < 20_000 + 2_000, `the model got ${sent.length} characters`);
      assert.ok(sent.includes('b'.repeat(7900)), 'the newest message is there');
    } finally {
      await h.close();
    }
  });
});

describe('anonymous visitors\' replies', () => {
  const asVisitor = async (h: Harness, userId: string, body: unknown) =>
    h.call(userId, body, { authorization: `Bearer ${await h.tokenFor(userId, 'visitor')}` });

  test('each visitor has their own reply limit', async () => {
    const h = await startBackend({ limits: { visitorRepliesPerMinute: 2, visitorRepliesPerIpPerMinute: 100 } });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await asVisitor(h, 'anon_pia', createThread(`hi ${i}`))).status);
      assert.deepEqual(statuses, [200, 200, 429]);
      assert.equal((await asVisitor(h, 'anon_quin', createThread('hi'))).status, 200);
    } finally {
      await h.close();
    }
  });

  test('many visitor identities from one address share that address\'s reply limit; signed-in users do not', async () => {
    const h = await startBackend({ limits: { visitorRepliesPerMinute: 5, visitorRepliesPerIpPerMinute: 3 } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await asVisitor(h, `anon_v${i}`, createThread('hi'))).status);
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      assert.equal((await h.call('signed_in_user', createThread('hi'))).status, 200);
    } finally {
      await h.close();
    }
  });
});

describe('client tool results are bounded', () => {
  test('when a client tool result is larger than allowed, then 400 tool_output_too_large and the call stays pending', async () => {
    const tool = { name: 'read_page', description: 'Reads the page.', parameters: { type: 'object', properties: {}, required: [] } };
    const h = await startBackend({ clientTools: [tool] });
    try {
      h.model.enqueue({ toolCall: { name: 'read_page', arguments: '{}', callId: 'call_1' } });
      const threadId = threadIdOf((await h.call('pat', createThread('Read it'))).events);
      const output = (result: unknown) => ({ type: 'threads.add_client_tool_output', params: { thread_id: threadId, result } });
      const refused = await h.call('pat', output({ page: 'p'.repeat(20_000) }));
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error.code, 'tool_output_too_large');
      assert.equal((await h.call('pat', output({ page: 'short' }))).status, 200, 'a result within the limit still completes the call');
    } finally {
      await h.close();
    }
  });
});
