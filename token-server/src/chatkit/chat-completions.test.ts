import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { StreamEvent } from './protocol/types.js';
import { addMessage, createThread, eventually, startBackend, threadIdOf, type Harness } from './testing/harness.js';
import { conversationSent } from '../../test-support/openai-mock-model.js';
import { loadGolden, shape } from './testing/golden.js';

describe('chat completions mode (CHATKIT_MODEL_API=chat_completions)', () => {
  let h: Harness;
  before(async () => {
    h = await startBackend({ api: 'chat_completions' });
  });
  after(() => h.close());

  test('when a thread is created, the stream has the golden shape and the provider got Chat Completions with the instructions', async () => {
    const reply = await h.call('jon', createThread('Hi'));
    assert.deepEqual(shape(reply.events), shape(loadGolden()[0]!.response));
    const upstream = h.mock.requests.at(-1)!;
    assert.equal(upstream.path, '/v1/chat/completions');
    const body = upstream.body as any;
    assert.equal(body.stream, true);
    assert.deepEqual(body.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
    const threadId = threadIdOf(reply.events);
    await h.call('jon', addMessage(threadId, 'Again'));
    assert.deepEqual(conversationSent(h.mock.requests.at(-1)!.body).slice(1), [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'Again' },
    ]);
  });

  test('when the client stops the answer, the upstream call is aborted and the partial answer kept', async () => {
    h.model.enqueue({ deltas: ['Partial'], fault: 'hang' });
    const hanging = h.model.hanging();
    const stream = await h.open('jon', createThread('Go on'));
    const seen: StreamEvent[] = [];
    while (!seen.some((e) => e.type === 'thread.item.updated' && e.update.type === 'assistant_message.content_part.text_delta')) seen.push((await stream.next())!);
    await hanging;
    stream.abort();
    const upstream = h.mock.requests.at(-1)!;
    await eventually(async () => (upstream.aborted ? true : undefined));
    const items = await eventually(async () => {
      const list = await h.call('jon', { type: 'items.list', params: { thread_id: threadIdOf(seen), order: 'asc' } });
      return list.body.data.length === 2 ? list.body.data : undefined;
    });
    assert.equal(items[1].content[0].text, 'Partial');
  });

  test('when the provider reports an error mid-stream, the client gets a retryable error event', async () => {
    h.model.enqueue({ deltas: ['Hm'], fault: 'error_event' });
    const reply = await h.call('jon', createThread('Hi'));
    const error = reply.events.find((e) => e.type === 'error');
    assert.ok(error?.type === 'error' && error.allow_retry);
  });
});
