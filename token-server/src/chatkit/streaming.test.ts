import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { StreamEvent } from './protocol/types.js';
import { STOPPED_NOTE } from './reply/reply-runner.js';
import { API_KEY, addMessage, createThread, eventually, startBackend, threadIdOf, type Harness } from './testing/harness.js';
import { conversationSent } from '../../test-support/openai-mock-model.js';

async function items(h: Harness, userId: string, threadId: string) {
  return (await h.call(userId, { type: 'items.list', params: { thread_id: threadId, order: 'asc' } })).body.data as any[];
}

describe('stopping an answer mid-stream', () => {
  let h: Harness;
  before(async () => {
    h = await startBackend();
  });
  after(() => h.close());

  test('when the client aborts mid-answer, the model call is aborted and the partial answer is kept', async () => {
    h.model.enqueue({ deltas: ['The tides ', 'are caused ', 'by the moon'], fault: 'hang', faultAfter: 2 });
    const stream = await h.open('dana', createThread('Explain tides'));
    const seen: StreamEvent[] = [];
    const hanging = h.model.hanging();
    while (seen.filter((e) => e.type === 'thread.item.updated').length < 3) seen.push((await stream.next())!);
    await hanging;
    stream.abort();
    const threadId = threadIdOf(seen);

    const upstream = h.mock.requests.at(-1)!;
    await eventually(async () => (upstream.aborted ? true : undefined));
    const stored = await eventually(async () => {
      const list = await items(h, 'dana', threadId);
      return list.length === 2 ? list : undefined;
    });
    assert.equal(stored[1].type, 'assistant_message');
    assert.equal(stored[1].content[0].text, 'The tides are caused ');
  });

  test('when the user writes again after stopping, the model is told the previous answer was stopped, and the note stays hidden', async () => {
    h.model.enqueue({ deltas: ['Once upon'], fault: 'hang' });
    const stream = await h.open('erin', createThread('Tell a long story'));
    const seen: StreamEvent[] = [];
    const hanging = h.model.hanging();
    while (!seen.some((e) => e.type === 'thread.item.updated' && e.update.type === 'assistant_message.content_part.text_delta')) seen.push((await stream.next())!);
    await hanging;
    stream.abort();
    const threadId = threadIdOf(seen);
    await eventually(async () => ((await items(h, 'erin', threadId)).length === 2 ? true : undefined));
    // The hidden note is written right after the partial answer; the thread is free again once both are stored.
    const next = await eventually(async () => {
      const reply = await h.call('erin', addMessage(threadId, 'Something short instead'));
      return reply.status === 200 ? reply : undefined;
    });
    assert.equal(next.events.at(-1)!.type, 'thread.item.done');
    const input = conversationSent(h.mock.requests.at(-1)!.body);
    assert.deepEqual(input, [
      { role: 'user', content: 'Tell a long story' },
      { role: 'assistant', content: 'Once upon' },
      { role: 'user', content: `[Context for the assistant, not shown to the user] ${STOPPED_NOTE}` },
      { role: 'user', content: 'Something short instead' },
    ]);
    const visible = await items(h, 'erin', threadId);
    assert.deepEqual(visible.map((i) => i.type), ['user_message', 'assistant_message', 'user_message', 'assistant_message']);
    const thread = await h.call('erin', { type: 'threads.get_by_id', params: { thread_id: threadId } });
    assert.ok(thread.body.items.data.every((i: any) => i.type !== 'sdk_hidden_context'));
  });

  test('when a second reply is asked for while a thread is still answering, it is refused with 409 thread_busy', async () => {
    h.model.enqueue({ deltas: ['Working'], fault: 'hang' });
    const hanging = h.model.hanging();
    const stream = await h.open('fay', createThread('Slow one'));
    const seen: StreamEvent[] = [];
    while (!seen.some((e) => e.type === 'thread.created')) seen.push((await stream.next())!);
    await hanging;
    const threadId = threadIdOf(seen);
    const second = await h.call('fay', addMessage(threadId, 'hurry up'));
    assert.equal(second.status, 409);
    assert.equal(second.body.error.code, 'thread_busy');
    stream.abort();
  });
});

describe('naming a new thread', () => {
  let h: Harness;
  before(async () => {
    h = await startBackend();
  });
  after(() => h.close());

  test('a thread the user renames while its first answer streams keeps their title, and no thread.updated follows', async () => {
    h.model.enqueue({ deltas: ['One', ' two', ' three'], delayMs: 150 });
    const stream = await h.open('ivy', createThread('What is a lighthouse?'));
    const seen: StreamEvent[] = [];
    while (!seen.some((e) => e.type === 'thread.created')) seen.push((await stream.next())!);
    const threadId = threadIdOf(seen);
    const renamed = await h.call('ivy', { type: 'threads.update', params: { thread_id: threadId, title: 'Mine' } });
    assert.equal(renamed.status, 200);
    for (let event = await stream.next(); event; event = await stream.next()) seen.push(event);
    assert.equal(seen.at(-1)!.type, 'thread.item.done');
    assert.ok(!seen.some((e) => e.type === 'thread.updated'));
    const thread = await h.call('ivy', { type: 'threads.get_by_id', params: { thread_id: threadId } });
    assert.equal(thread.body.title, 'Mine');
  });

  test('a thread whose title the user clears while its first answer streams is named again when it ends', async () => {
    h.model.enqueue({ deltas: ['One', ' two'], delayMs: 150 });
    const stream = await h.open('ivy', createThread('Why is the sea salty?'));
    const seen: StreamEvent[] = [];
    while (!seen.some((e) => e.type === 'thread.created')) seen.push((await stream.next())!);
    const threadId = threadIdOf(seen);
    assert.equal((await h.call('ivy', { type: 'threads.update', params: { thread_id: threadId, title: ' ' } })).status, 200);
    for (let event = await stream.next(); event; event = await stream.next()) seen.push(event);
    const updated = seen.at(-1)!;
    assert.ok(updated.type === 'thread.updated');
    assert.equal(updated.thread.title, 'Why is the sea salty?');
  });
});

describe('model failures', () => {
  let h: Harness;
  before(async () => {
    h = await startBackend({ limits: { modelTimeoutMs: 300, modelIdleTimeoutMs: 300 } });
  });
  afterEach(() => h.mock.clearFaults());
  after(() => h.close());

  /** The error event ends the answer; only the thread's new title may follow it. */
  async function expectErrorEvent(events: StreamEvent[], message: RegExp) {
    const ending = events.slice(events.findIndex((e) => e.type === 'error'));
    assert.deepEqual(ending.map((e) => e.type), ['error', 'thread.updated']);
    const last = ending[0]!;
    assert.ok(last.type === 'error');
    assert.equal(last.allow_retry, true);
    assert.match(last.message ?? '', message);
    assert.doesNotMatch(JSON.stringify(events), /mock (in-stream )?failure|mock fault/);
  }

  async function expectServerStillAnswers() {
    const reply = await h.call('gus', createThread('still there?'));
    assert.equal(reply.status, 200);
    assert.equal(reply.events.findLast((e) => e.type === 'thread.item.done')?.type, 'thread.item.done');
  }

  test('when the connection to the model is reset mid-answer, the client gets a retryable error event and the server stays up', async () => {
    h.model.enqueue({ deltas: ['Half an ', 'answer'], fault: 'reset', faultAfter: 1 });
    const reply = await h.call('gus', createThread('Hi'));
    assert.equal(reply.status, 200);
    assert.ok(reply.events.some((e) => e.type === 'thread.item.updated' && e.update.type === 'assistant_message.content_part.text_delta'));
    await expectErrorEvent(reply.events, /could not be reached|stopped/);
    await expectServerStillAnswers();
  });

  test('when the model answers 500, the SDK retries once and the client gets a retryable error event naming the status', async () => {
    h.mock.fault({ kind: 'status', status: 500, pathPrefix: '/v1/responses' });
    const before = h.mock.requests.length;
    const reply = await h.call('gus', createThread('Hi'));
    await expectErrorEvent(reply.events, /HTTP 500/);
    assert.equal(h.mock.requests.length - before, 2);
    h.mock.clearFaults();
    await expectServerStillAnswers();
  });

  test('when the model sends an error event mid-answer, the client gets a retryable error event', async () => {
    h.model.enqueue({ deltas: ['Hmm'], fault: 'error_event' });
    const reply = await h.call('gus', createThread('Hi'));
    await expectErrorEvent(reply.events, /model/);
    await expectServerStillAnswers();
  });

  test('when the model goes silent mid-answer, the call is aborted after the idle timeout and the client gets an error event', async () => {
    h.model.enqueue({ deltas: ['Thinking'], fault: 'hang' });
    const reply = await h.call('gus', createThread('Hi'));
    await expectErrorEvent(reply.events, /too long/);
    const upstream = h.mock.requests.at(-1)!;
    await eventually(async () => (upstream.aborted ? true : undefined));
    await expectServerStillAnswers();
  });

  test('when the model is too slow to start answering, the client gets a timeout error event', async () => {
    h.mock.fault({ kind: 'slow', delayMs: 1_500, pathPrefix: '/v1/responses' });
    const reply = await h.call('gus', createThread('Hi'));
    await expectErrorEvent(reply.events, /too long/);
    h.mock.clearFaults();
    await expectServerStillAnswers();
  });

  test('when a retry follows a failed answer, the answer is regenerated from the same user message', async () => {
    h.model.enqueue({ deltas: ['x'], fault: 'reset', faultAfter: 0 }, { deltas: ['Recovered'] });
    const failed = await h.call('gus', createThread('Try me'));
    const threadId = threadIdOf(failed.events);
    const userMessage = failed.events.find((e) => e.type === 'thread.item.done')!;
    assert.ok(userMessage.type === 'thread.item.done');
    const retried = await h.call('gus', { type: 'threads.retry_after_item', params: { thread_id: threadId, item_id: userMessage.item.id } });
    assert.equal(retried.events.at(-1)!.type, 'thread.item.done');
    const list = await items(h, 'gus', threadId);
    assert.deepEqual(list.map((i) => i.content[0].text), ['Try me', 'Recovered']);
  });

  test('when the provider rejects the key and echoes it, neither the client nor the logs see it', async () => {
    h.model.enqueue({ reject: { status: 401, message: `Incorrect API key provided: ${API_KEY}.` } });
    const reply = await h.call('gus', createThread('Hi'));
    await expectErrorEvent(reply.events, /HTTP 401/);
    assert.ok(!reply.text.includes(API_KEY));
    assert.match(h.logs(), /model reply failed/);
    assert.ok(!h.logs().includes('sk-test-canary'));
  });
});

describe('storage failures', () => {
  test('when the database goes away mid-answer, the stream still ends with an error event and the server keeps answering', async () => {
    const h = await startBackend({ limits: { modelIdleTimeoutMs: 200 } });
    try {
      h.model.enqueue({ deltas: ['Soon'], fault: 'hang' });
      const hanging = h.model.hanging();
      const stream = await h.open('uma', createThread('Hi'));
      await hanging;
      await h.backend.close();
      const events: StreamEvent[] = [];
      for (let event = await stream.next(); event; event = await stream.next()) events.push(event);
      assert.equal(events.at(-1)!.type, 'error');
      const after = await h.call('uma', { type: 'threads.list', params: {} });
      assert.equal(after.status, 500);
      assert.equal(after.body.error.code, 'internal_error');
    } finally {
      await h.close();
    }
  });
});
