import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createThread, startBackend, threadIdOf } from './testing/harness.js';
import { conversationSent } from '../../test-support/openai-mock-model.js';

const getLocation = {
  name: 'get_location',
  description: "Returns the user's city from the browser.",
  parameters: { type: 'object', properties: { precision: { type: 'string' } }, required: [] },
};

for (const api of ['responses', 'chat_completions'] as const) {
  describe(`client tool round trip (${api})`, () => {
    test('when the model calls a client tool, the stream ends with a pending client_tool_call, and its output continues the reply', async () => {
      const h = await startBackend({ api, clientTools: [getLocation] });
      try {
        h.model.enqueue({ toolCall: { name: 'get_location', arguments: '{"precision":"city"}', callId: 'call_42' } }, { deltas: ['You are in ', 'Oslo.'] });
        const first = await h.call('ida', createThread('Where am I?'));
        const tools = (h.mock.requests.at(-1)!.body as any).tools;
        assert.equal(tools.length, 1);
        assert.equal(api === 'responses' ? tools[0].name : tools[0].function.name, 'get_location');

        const done = first.events.findLast((e) => e.type === 'thread.item.done')!;
        assert.ok(done.type === 'thread.item.done' && done.item.type === 'client_tool_call');
        assert.match(done.item.id, /^tc_/);
        assert.equal(done.item.status, 'pending');
        assert.equal(done.item.name, 'get_location');
        assert.equal(done.item.call_id, 'call_42');
        assert.deepEqual(done.item.arguments, { precision: 'city' });
        assert.ok(!first.events.some((e) => e.type === 'thread.item.added'), 'no assistant text was streamed');

        const threadId = threadIdOf(first.events);
        const second = await h.call('ida', { type: 'threads.add_client_tool_output', params: { thread_id: threadId, result: { city: 'Oslo' } } });
        assert.equal(second.status, 200);
        assert.equal(second.events[0]!.type, 'stream_options');
        const answer = second.events.findLast((e) => e.type === 'thread.item.done')!;
        assert.ok(answer.type === 'thread.item.done' && answer.item.type === 'assistant_message');
        assert.equal(answer.item.content[0]!.text, 'You are in Oslo.');

        const sent = h.mock.requests.at(-1)!.body as any;
        if (api === 'responses') {
          assert.deepEqual(conversationSent(sent).slice(1), [
            { type: 'function_call', call_id: 'call_42', name: 'get_location', arguments: '{"precision":"city"}' },
            { type: 'function_call_output', call_id: 'call_42', output: '{"city":"Oslo"}' },
          ]);
        } else {
          assert.deepEqual(conversationSent(sent).slice(2), [
            { role: 'assistant', content: null, tool_calls: [{ id: 'call_42', type: 'function', function: { name: 'get_location', arguments: '{"precision":"city"}' } }] },
            { role: 'tool', tool_call_id: 'call_42', content: '{"city":"Oslo"}' },
          ]);
        }

        const items = await h.call('ida', { type: 'items.list', params: { thread_id: threadId, order: 'asc' } });
        const call = items.body.data[1];
        assert.equal(call.status, 'completed');
        assert.deepEqual(call.output, { city: 'Oslo' });

        const again = await h.call('ida', { type: 'threads.add_client_tool_output', params: { thread_id: threadId, result: { city: 'Rome' } } });
        assert.equal(again.status, 409);
        assert.equal(again.body.error.code, 'no_pending_client_tool_call');
      } finally {
        await h.close();
      }
    });
  });
}
