/**
 * Widget actions go to the handler registered for their type: streamed (`threads.custom_action`) handlers add,
 * replace and update items (stored before the client hears of them) and may let the model answer; sync handlers
 * (`threads.sync_custom_action`) answer `{ updated_item? }`. Unknown types, foreign or wrong sender items and a
 * handler's own refusal are clear errors. Structured input (`threads.add_structured_input`) answers a pending
 * `structured_input` item, which the model then reads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { conversationSent } from '../../test-support/openai-mock-model.js';
import { ActionRegistry } from './actions/action-registry.js';
import pino from 'pino';
import { createMemoryStores } from '../stores/memory-store.js';
import { ActionError, createChatKitBackend, structuredInputItem, type ActionHandler, type WidgetItem, type WidgetRoot } from './index.js';
import { createThread, startBackend, threadIdOf, type Harness } from './testing/harness.js';

const counterWidget = (count: number): WidgetRoot => ({
  type: 'Card',
  children: [
    { type: 'Text', value: `Count: ${count}` },
    { type: 'Button', label: '+1', onClickAction: { type: 'demo.increment', handler: 'server', streaming: false } },
  ],
});

/** A small site's handlers: a counter (sync), a "show" action that adds a widget, a questionnaire, and a refusal. */
const actions: ActionHandler[] = [
  {
    type: 'demo.show_counter',
    async handle({ thread, addItem }) {
      await addItem({ id: `wdg_counter_${thread.id}`, thread_id: thread.id, created_at: new Date().toISOString(), type: 'widget', widget: counterWidget(0) });
    },
  },
  {
    type: 'demo.increment',
    async handleSync({ sender }) {
      if (!sender) throw new ActionError('Press the button on the counter.');
      const count = Number(/Count: (\d+)/.exec(JSON.stringify(sender.widget))?.[1] ?? 0) + 1;
      return { updated_item: { ...sender, widget: counterWidget(count) } };
    },
  },
  {
    type: 'demo.increment_streamed',
    async handle({ sender, updateWidget, send }) {
      if (!sender) throw new ActionError('Press the button on the counter.');
      send({ type: 'progress_update', text: 'Counting…' });
      await updateWidget(sender, counterWidget(42));
    },
  },
  {
    type: 'demo.ask',
    async handle({ thread, addItem }) {
      await addItem(
        structuredInputItem(thread.id, [
          { id: 'size', type: 'multiple_choice', question: 'Which size?', options: [{ value: 'S' }, { value: 'M' }], multiple: false },
          { id: 'note', type: 'freeform', question: 'Anything else?' },
        ]),
      );
    },
  },
  {
    type: 'demo.summarise',
    async handle({ reply }) {
      await reply();
    },
  },
  {
    type: 'demo.refuse',
    async handle() {
      throw new ActionError('Orders are closed today.');
    },
    async handleSync() {
      throw new ActionError('Orders are closed today.');
    },
  },
];

const act = (threadId: string, action: unknown, itemId?: string) => ({ type: 'threads.custom_action', params: { thread_id: threadId, item_id: itemId, action } });
const actSync = (threadId: string, action: unknown, itemId?: string) => ({ type: 'threads.sync_custom_action', params: { thread_id: threadId, item_id: itemId, action } });

describe('widget actions and structured input', () => {
  let h: Harness;
  let threadId: string;
  let counter: WidgetItem;
  before(async () => {
    h = await startBackend({ actions });
    threadId = threadIdOf((await h.call('alice', createThread('hi'))).events);
    const shown = await h.call('alice', act(threadId, { type: 'demo.show_counter' }));
    counter = (shown.events.find((e) => e.type === 'thread.item.done') as any).item;
  });
  after(() => h.close());

  test('a streamed action shows the item its handler added, and the item is stored', async () => {
    assert.equal(counter.type, 'widget');
    assert.match(JSON.stringify(counter.widget), /Count: 0/);
    const items = await h.call('alice', { type: 'items.list', params: { thread_id: threadId, order: 'asc' } });
    assert.deepEqual(items.body.data.map((i: any) => i.type), ['user_message', 'assistant_message', 'widget']);
  });

  test('a sync action answers { updated_item } and the update is what a reload shows', async () => {
    const reply = await h.call('alice', actSync(threadId, { type: 'demo.increment' }, counter.id));
    assert.equal(reply.status, 200);
    assert.deepEqual(Object.keys(reply.body), ['updated_item']);
    assert.equal(reply.body.updated_item.id, counter.id);
    assert.match(JSON.stringify(reply.body.updated_item.widget), /Count: 1/);
    const again = await h.call('alice', actSync(threadId, { type: 'demo.increment' }, counter.id));
    assert.match(JSON.stringify(again.body.updated_item.widget), /Count: 2/);
  });

  test('a streamed action updates a widget in place with widget.root.updated, stored', async () => {
    const reply = await h.call('alice', act(threadId, { type: 'demo.increment_streamed' }, counter.id));
    assert.deepEqual(reply.events.map((e) => e.type), ['stream_options', 'progress_update', 'thread.item.updated']);
    const update = reply.events[2] as any;
    assert.equal(update.item_id, counter.id);
    assert.equal(update.update.type, 'widget.root.updated');
    assert.match(JSON.stringify(update.update.widget), /Count: 42/);
    const stored = await h.call('alice', { type: 'items.list', params: { thread_id: threadId } });
    assert.match(JSON.stringify(stored.body.data.find((i: any) => i.id === counter.id)), /Count: 42/);
  });

  test("an action may let the model answer; the handler's reply streams like any other", async () => {
    h.model.enqueue({ deltas: ['Here is ', 'a summary.'] });
    const reply = await h.call('alice', act(threadId, { type: 'demo.summarise' }));
    assert.equal(reply.events[0]!.type, 'stream_options');
    assert.equal(reply.events.filter((e) => e.type === 'stream_options').length, 1);
    assert.ok(reply.events.some((e) => e.type === 'thread.item.done' && e.item.type === 'assistant_message'));
  });

  test('an action type nobody registered: an error event (streamed) or 400 unknown_action (sync); nothing changes', async () => {
    const before = h.mock.requests.length;
    const streamed = await h.call('alice', act(threadId, { type: 'demo.nope' }));
    assert.deepEqual(streamed.events.map((e) => e.type), ['stream_options', 'error']);
    assert.match((streamed.events[1] as any).message, /not supported/);
    const sync = await h.call('alice', actSync(threadId, { type: 'demo.nope' }));
    assert.equal(sync.status, 400);
    assert.equal(sync.body.error.code, 'unknown_action');
    assert.match(sync.body.error.message, /"demo\.nope"/);
    // A type handled only by a streamed handler has no sync answer.
    assert.equal((await h.call('alice', actSync(threadId, { type: 'demo.show_counter' }))).body.error.code, 'unknown_action');
    assert.equal(h.mock.requests.length, before);
  });

  test("a handler's refusal reaches the user as its message", async () => {
    const streamed = await h.call('alice', act(threadId, { type: 'demo.refuse' }));
    assert.deepEqual(streamed.events.map((e) => e.type), ['stream_options', 'error']);
    assert.equal((streamed.events[1] as any).message, 'Orders are closed today.');
    const sync = await h.call('alice', actSync(threadId, { type: 'demo.refuse' }));
    assert.equal(sync.status, 400);
    assert.equal(sync.body.error.code, 'action_failed');
    assert.equal(sync.body.error.message, 'Orders are closed today.');
  });

  test('the sender must be a widget of this thread: a missing item is 404, a message is refused', async () => {
    assert.equal((await h.call('alice', actSync(threadId, { type: 'demo.increment' }, 'wdg_missing'))).status, 404);
    const items = await h.call('alice', { type: 'items.list', params: { thread_id: threadId, order: 'asc' } });
    const messageId = items.body.data[0].id;
    const sync = await h.call('alice', actSync(threadId, { type: 'demo.increment' }, messageId));
    assert.equal(sync.status, 400);
    assert.equal(sync.body.error.code, 'not_a_widget');
    const streamed = await h.call('alice', act(threadId, { type: 'demo.increment_streamed' }, messageId));
    assert.deepEqual(streamed.events.map((e) => e.type), ['stream_options', 'error']);
  });

  test("another user cannot act on alice's thread or widget", async () => {
    assert.equal((await h.call('mallory', actSync(threadId, { type: 'demo.increment' }, counter.id))).status, 404);
    assert.equal((await h.call('mallory', act(threadId, { type: 'demo.show_counter' }))).status, 404);
  });

  test('structured input: the answers replace the pending item, the model reads them, and a second answer is refused', async () => {
    const asked = await h.call('alice', act(threadId, { type: 'demo.ask' }));
    const item = (asked.events.find((e) => e.type === 'thread.item.done') as any).item;
    assert.equal(item.type, 'structured_input');
    assert.equal(item.status, 'pending');
    assert.match(item.id, /^si_/);

    h.model.enqueue({ deltas: ['Size M it is.'] });
    const answer = await h.call('alice', {
      type: 'threads.add_structured_input',
      params: { thread_id: threadId, item_id: item.id, input: { status: 'answered', answers: { size: { values: ['M', 'L'] }, other: { values: ['x'] } } } },
    });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.events.map((e) => e.type).slice(0, 2), ['stream_options', 'thread.item.replaced']);
    const replaced = (answer.events[1] as any).item;
    assert.equal(replaced.status, 'answered');
    // A single-choice question keeps one value; the unanswered one is marked skipped; an unknown id is ignored.
    assert.deepEqual(replaced.inputs.map((q: any) => q.answer), [{ values: ['M'], skipped: false }, { values: [], skipped: true }]);
    assert.ok(answer.events.some((e) => e.type === 'thread.item.done' && e.item.type === 'assistant_message'));
    const sent = JSON.stringify(conversationSent(h.mock.requests.at(-1)!.body));
    assert.match(sent, /Which size\?: M/);
    assert.match(sent, /Anything else\?: skipped/);

    const again = await h.call('alice', { type: 'threads.add_structured_input', params: { thread_id: threadId, item_id: item.id, input: { status: 'skipped' } } });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'already_answered');
    const stored = await h.call('alice', { type: 'items.list', params: { thread_id: threadId } });
    assert.equal(stored.body.data.find((i: any) => i.id === item.id).status, 'answered');
  });

  test('structured input skipped as a whole marks every question skipped', async () => {
    const asked = await h.call('alice', act(threadId, { type: 'demo.ask' }));
    const item = (asked.events.find((e) => e.type === 'thread.item.done') as any).item;
    const answer = await h.call('alice', {
      type: 'threads.add_structured_input',
      params: { thread_id: threadId, item_id: item.id, input: { status: 'skipped', answers: { size: { values: ['S'] } } } },
    });
    const replaced = (answer.events[1] as any).item;
    assert.equal(replaced.status, 'skipped');
    assert.ok(replaced.inputs.every((q: any) => q.answer.skipped === true));
  });
});

describe('registering action handlers', () => {
  test('two handlers for one type, a handler with neither method, or a bad type name are refused with what is wrong', () => {
    assert.throws(() => new ActionRegistry([actions[0]!, actions[0]!]), /Two action handlers are registered for "demo.show_counter"/);
    assert.throws(() => new ActionRegistry([{ type: 'demo.empty' }]), /neither handle\(\) nor handleSync\(\)/);
    assert.throws(() => new ActionRegistry([{ type: 'has spaces', handle: async () => {} }]), /needs a "type" of letters/);
  });

  test('a site handler cannot take over the approvals: the backend refuses to start', () => {
    const start = () =>
      createChatKitBackend({
        authenticate: async () => ({ userId: 'x', kind: 'user' }),
        rateLimits: createMemoryStores({ clock: { now: () => Date.now() } }).rateLimits,
        logger: pino({ level: 'silent' }),
        model: null,
        actions: [{ type: 'ckw.approval', handle: async () => {} }],
      });
    assert.throws(start, /Two action handlers are registered for "ckw.approval"/);
  });
});
