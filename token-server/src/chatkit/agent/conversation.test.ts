import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ThreadItem } from '../protocol/types.js';
import { buildConversation } from './conversation.js';

const base = { thread_id: 'thr_1', created_at: '2026-11-26T12:00:00.000Z' };
const user = (id: string, text: string, quoted_text?: string): ThreadItem => ({
  ...base,
  id,
  type: 'user_message',
  content: [{ type: 'input_text', text }],
  attachments: [],
  quoted_text,
  inference_options: {},
});
const assistant = (id: string, text: string): ThreadItem => ({ ...base, id, type: 'assistant_message', content: [{ annotations: [], text, type: 'output_text' }] });

describe('the conversation sent to the model', () => {
  test('when the user quotes part of an answer, the quote comes before their text', () => {
    assert.deepEqual(buildConversation([user('msg_1', 'Why?', 'the sky is blue\nat noon')], 1000), [
      { kind: 'message', role: 'user', text: '> the sky is blue\n> at noon\n\nWhy?' },
    ]);
  });

  test('when a client tool call is still pending it is left out; a completed one travels with its output', () => {
    const call = { ...base, type: 'client_tool_call' as const, name: 'get_location', arguments: { precision: 'city' } };
    const turns = buildConversation(
      [
        user('msg_1', 'Where am I?'),
        { ...call, id: 'tc_1', status: 'completed', call_id: 'call_1', output: { city: 'Oslo' } },
        { ...call, id: 'tc_2', status: 'pending', call_id: 'call_2' },
      ],
      1000,
    );
    assert.deepEqual(turns.slice(1), [{ kind: 'tool_call', callId: 'call_1', name: 'get_location', arguments: '{"precision":"city"}', output: '{"city":"Oslo"}' }]);
  });

  test('when the history exceeds the budget, the oldest turns go first and the order is kept', () => {
    const items = [user('msg_1', 'a'.repeat(10)), assistant('msg_2', 'b'.repeat(10)), user('msg_3', 'c'.repeat(10))];
    assert.deepEqual(
      buildConversation(items, 25).map((turn) => (turn.kind === 'message' ? turn.text[0] : '')),
      ['b', 'c'],
    );
  });

  test('when the newest message alone is over the budget, its end is kept rather than nothing', () => {
    const turns = buildConversation([user('msg_1', `${'x'.repeat(50)}question?`)], 9);
    assert.deepEqual(turns, [{ kind: 'message', role: 'user', text: 'question?' }]);
  });

  test('an empty assistant message (stopped before any text) is left out', () => {
    assert.equal(buildConversation([user('msg_1', 'hi'), assistant('msg_2', '')], 100).length, 1);
  });
});
