/**
 * The new request types' answers against chatkit-python 1.6's wire shapes (`chatkit/types.py`: SyncCustomActionResponse,
 * TranscriptionResult, StructuredInputItem and its inputs, ThreadItemReplacedEvent, ThreadItemUpdatedEvent with
 * WidgetRootUpdated, ErrorEvent). The shapes below are transcribed from types.py: each key with whether it must be
 * there (null fields are omitted, as its `exclude_none` serialisation does) and, for literals, its value. The same
 * answers were validated and re-dumped with those pydantic models once (a throwaway script outside the repository)
 * and came back equal but for timestamp precision.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { structuredInputItem, type ActionHandler, type WidgetRoot } from './index.js';
import { createThread, startBackend, threadIdOf, type Harness } from './testing/harness.js';

/** A key: required or optional, with a nested shape, a list of shapes, or a set of allowed literal values. */
type Field = { required: boolean; shape?: Shape; listOf?: Shape | ((value: any) => Shape); oneOf?: unknown[] };
type Shape = Record<string, Field>;
const req = (extra: Omit<Field, 'required'> = {}): Field => ({ required: true, ...extra });
const opt = (extra: Omit<Field, 'required'> = {}): Field => ({ required: false, ...extra });

const ITEM_BASE: Shape = { id: req(), thread_id: req(), created_at: req() };
const ANSWER: Shape = { values: req(), skipped: req() };
const QUESTION_BASE: Shape = { id: req(), question: req(), answer: opt({ shape: ANSWER }) };
const MULTIPLE_CHOICE: Shape = { ...QUESTION_BASE, type: req({ oneOf: ['multiple_choice'] }), options: req({ listOf: { value: req() } }), multiple: req() };
const FREEFORM: Shape = { ...QUESTION_BASE, type: req({ oneOf: ['freeform'] }), description: opt() };
const STRUCTURED_INPUT_ITEM: Shape = {
  ...ITEM_BASE,
  type: req({ oneOf: ['structured_input'] }),
  status: req({ oneOf: ['pending', 'answered', 'skipped'] }),
  inputs: req({ listOf: (q) => (q.type === 'freeform' ? FREEFORM : MULTIPLE_CHOICE) }),
};
const WIDGET_ITEM: Shape = { ...ITEM_BASE, type: req({ oneOf: ['widget'] }), widget: req(), copy_text: opt() };
const SYNC_CUSTOM_ACTION_RESPONSE: Shape = { updated_item: opt({ shape: WIDGET_ITEM }) };
const TRANSCRIPTION_RESULT: Shape = { text: req() };
const STREAM_OPTIONS_EVENT: Shape = { type: req({ oneOf: ['stream_options'] }), stream_options: req({ shape: { allow_cancel: req() } }) };
const ERROR_EVENT: Shape = { type: req({ oneOf: ['error'] }), code: req({ oneOf: ['stream.error', 'custom'] }), message: opt(), allow_retry: req() };
const ITEM_REPLACED_EVENT: Shape = { type: req({ oneOf: ['thread.item.replaced'] }), item: req({ shape: STRUCTURED_INPUT_ITEM }) };
const WIDGET_ROOT_UPDATED_EVENT: Shape = {
  type: req({ oneOf: ['thread.item.updated'] }),
  item_id: req(),
  update: req({ shape: { type: req({ oneOf: ['widget.root.updated'] }), widget: req() } }),
};

/** Every way `value` departs from `shape`, as paths. */
function departures(value: any, shape: Shape, path = '$'): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${path} is not an object`];
  const found: string[] = [];
  for (const key of Object.keys(value)) if (!Object.hasOwn(shape, key)) found.push(`${path}.${key} is not in the shape`);
  for (const [key, field] of Object.entries(shape)) {
    const at = `${path}.${key}`;
    if (!Object.hasOwn(value, key)) {
      if (field.required) found.push(`${at} is missing`);
      continue;
    }
    const inner = value[key];
    if (inner === null) found.push(`${at} is null (omitted when absent)`);
    else if (field.oneOf && !field.oneOf.includes(inner)) found.push(`${at} is ${JSON.stringify(inner)}`);
    else if (field.shape) found.push(...departures(inner, field.shape, at));
    else if (field.listOf) {
      if (!Array.isArray(inner)) found.push(`${at} is not a list`);
      else inner.forEach((entry, i) => found.push(...departures(entry, typeof field.listOf === 'function' ? field.listOf(entry) : field.listOf!, `${at}[${i}]`)));
    }
  }
  return found;
}

const card = (text: string): WidgetRoot => ({ type: 'Card', children: [{ type: 'Text', value: text }] });
const actions: ActionHandler[] = [
  {
    type: 'show',
    async handle({ thread, addItem }) {
      await addItem({ id: `wdg_${thread.id.slice(4)}`, thread_id: thread.id, created_at: new Date().toISOString(), type: 'widget', widget: card('0') });
    },
  },
  {
    type: 'bump',
    handle: async ({ sender, updateWidget }) => void (await updateWidget(sender!, card('1'))),
    handleSync: async ({ sender }) => ({ updated_item: { ...sender!, widget: card('2') } }),
  },
  { type: 'nothing', handleSync: async () => undefined },
  {
    type: 'ask',
    async handle({ thread, addItem }) {
      await addItem(
        structuredInputItem(thread.id, [
          { id: 'q1', type: 'multiple_choice', question: 'Size?', options: [{ value: 'S' }, { value: 'M' }], multiple: false },
          { id: 'q2', type: 'freeform', question: 'Note?', description: 'optional' },
        ]),
      );
    },
  },
];

describe("the new request types' answers have chatkit-python's wire shapes", () => {
  let h: Harness;
  let threadId: string;
  let widgetId: string;
  before(async () => {
    h = await startBackend({ actions, transcribeModel: 'gpt-4o-mini-transcribe' });
    threadId = threadIdOf((await h.call('a', createThread('hi'))).events);
    const shown = await h.call('a', { type: 'threads.custom_action', params: { thread_id: threadId, action: { type: 'show' } } });
    widgetId = (shown.events[1] as any).item.id;
  });
  after(() => h.close());

  test('threads.sync_custom_action answers SyncCustomActionResponse, with or without an updated item', async () => {
    const updated = await h.call('a', { type: 'threads.sync_custom_action', params: { thread_id: threadId, item_id: widgetId, action: { type: 'bump' } } });
    assert.deepEqual(departures(updated.body, SYNC_CUSTOM_ACTION_RESPONSE), []);
    assert.ok(updated.body.updated_item);
    const none = await h.call('a', { type: 'threads.sync_custom_action', params: { thread_id: threadId, action: { type: 'nothing' } } });
    assert.deepEqual(none.body, {});
  });

  test('threads.custom_action with a widget update streams StreamOptionsEvent then ThreadItemUpdatedEvent(WidgetRootUpdated)', async () => {
    const reply = await h.call('a', { type: 'threads.custom_action', params: { thread_id: threadId, item_id: widgetId, action: { type: 'bump' } } });
    assert.equal(reply.events.length, 2);
    assert.deepEqual(departures(reply.events[0], STREAM_OPTIONS_EVENT), []);
    assert.deepEqual(departures(reply.events[1], WIDGET_ROOT_UPDATED_EVENT), []);
  });

  test('an unknown streamed action ends in an ErrorEvent', async () => {
    const reply = await h.call('a', { type: 'threads.custom_action', params: { thread_id: threadId, action: { type: 'nope' } } });
    assert.deepEqual(departures(reply.events[1], ERROR_EVENT), []);
  });

  test('threads.add_structured_input streams ThreadItemReplacedEvent with the answered StructuredInputItem', async () => {
    const asked = await h.call('a', { type: 'threads.custom_action', params: { thread_id: threadId, action: { type: 'ask' } } });
    const item = (asked.events[1] as any).item;
    assert.deepEqual(departures(item, STRUCTURED_INPUT_ITEM), []);
    const answered = await h.call('a', {
      type: 'threads.add_structured_input',
      params: { thread_id: threadId, item_id: item.id, input: { status: 'answered', answers: { q1: { values: ['M'] } } } },
    });
    assert.deepEqual(departures(answered.events[0], STREAM_OPTIONS_EVENT), []);
    assert.deepEqual(departures(answered.events[1], ITEM_REPLACED_EVENT), []);
  });

  test('input.transcribe answers TranscriptionResult', async () => {
    const reply = await h.call('a', { type: 'input.transcribe', params: { audio_base64: Buffer.from('abc').toString('base64'), mime_type: 'audio/webm;codecs=opus' } });
    assert.deepEqual(departures(reply.body, TRANSCRIPTION_RESULT), []);
  });

  test('the shape check itself notices extra, missing, null and wrong literal fields', () => {
    assert.deepEqual(departures({ text: 'x', extra: 1 }, TRANSCRIPTION_RESULT), ['$.extra is not in the shape']);
    assert.deepEqual(departures({}, TRANSCRIPTION_RESULT), ['$.text is missing']);
    assert.deepEqual(departures({ type: 'error', code: 'oops', message: null, allow_retry: false }, ERROR_EVENT), ['$.code is "oops"', '$.message is null (omitted when absent)']);
  });
});
