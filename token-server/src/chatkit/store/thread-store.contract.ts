/**
 * The contract every `ThreadStore` keeps, as one test suite run against each (SQLite in memory and on disk,
 * PostgreSQL): what the handlers rely on, asserted through the interface only. To cover a new method (e.g.
 * approvals), add a `describe` block here; every implementation then has to pass it.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../../test-support/start-app.js';
import type { Clock } from '../../clock.js';
import type { AssistantMessageItem, ThreadItem, ThreadMetadata } from '../protocol/types.js';
import { StaleReplyError, withReplyFence } from './reply-fence.js';
import { UnknownCursorError, allItems, type AttachmentRecord, type PendingApproval, type ThreadStore } from './thread-store.js';

export interface ThreadStoreUnderTest {
  name: string;
  /** Opens a store whose writes are stamped by `clock` (retention compares against it). */
  open(options: { clock: Clock }): Promise<ThreadStore>;
}

const user = () => `user_${randomUUID()}`;
const newThread = (title?: string): ThreadMetadata => ({
  id: `thr_${randomUUID()}`,
  title,
  created_at: new Date().toISOString(),
  status: { type: 'active' },
  metadata: {},
});
const message = (threadId: string, text: string): AssistantMessageItem => ({
  id: `msg_${randomUUID()}`,
  thread_id: threadId,
  created_at: new Date().toISOString(),
  type: 'assistant_message',
  content: [{ type: 'output_text', text, annotations: [] }],
});
const texts = (items: ThreadItem[]) => items.map((item) => (item as AssistantMessageItem).content[0]!.text);

export function threadStoreContract(impl: ThreadStoreUnderTest): void {
  describe(`the ${impl.name} thread store keeps the thread-store contract`, () => {
    let store: ThreadStore;
    const clock = manualClock();
    before(async () => {
      store = await impl.open({ clock });
    });
    after(() => store.close());

    test('it answers a ping', async () => {
      assert.equal(await store.ping(), true);
    });

    describe('threads', () => {
      test('a thread is read back exactly as stored, unicode and all, and only by its owner', async () => {
        const owner = user();
        const thread = { ...newThread('Grüße 🙂 "quoted" \\ back'), metadata: { nested: { list: [1, 'two', null] } } };
        await store.createThread(owner, thread);
        assert.deepEqual(await store.getThread(owner, thread.id), thread);
        const stranger = user();
        assert.equal(await store.getThread(stranger, thread.id), undefined);
        assert.equal(await store.updateThread(stranger, { ...thread, title: 'stolen' }), false);
        assert.equal(await store.deleteThread(stranger, thread.id), false);
        assert.equal((await store.getThread(owner, thread.id))?.title, thread.title);
      });

      test('an update replaces the stored thread; a delete removes it with its items', async () => {
        const owner = user();
        const thread = newThread();
        await store.createThread(owner, thread);
        assert.equal(await store.updateThread(owner, { ...thread, title: 'Renamed' }), true);
        assert.equal((await store.getThread(owner, thread.id))?.title, 'Renamed');
        const item = message(thread.id, 'bye');
        await store.addItem(owner, item);
        assert.equal(await store.deleteThread(owner, thread.id), true);
        assert.equal(await store.getThread(owner, thread.id), undefined);
        assert.equal(await store.getItem(owner, thread.id, item.id), undefined);
        assert.equal(await store.countItems(owner, thread.id), 0);
      });

      test('threads are listed per user in both orders, page by page, with a cursor only while there is more', async () => {
        const owner = user();
        const threads = [newThread('a'), newThread('b'), newThread('c')];
        for (const thread of threads) await store.createThread(owner, thread);
        await store.createThread(user(), newThread('someone else'));
        assert.equal(await store.countThreads(owner), 3);

        const first = await store.listThreads(owner, { limit: 2, order: 'desc' });
        assert.deepEqual(first.data.map((t) => t.title), ['c', 'b']);
        assert.equal(first.has_more, true);
        assert.equal(first.after, threads[1]!.id);
        const second = await store.listThreads(owner, { limit: 2, order: 'desc', after: first.after });
        assert.deepEqual(second, { data: [threads[0]], has_more: false });
        assert.deepEqual((await store.listThreads(owner, { limit: 10, order: 'asc' })).data.map((t) => t.title), ['a', 'b', 'c']);
      });

      test('a cursor that names no thread of this user is refused', async () => {
        const owner = user();
        const foreign = newThread();
        await store.createThread(user(), foreign);
        await assert.rejects(store.listThreads(owner, { limit: 5, order: 'desc', after: foreign.id }), UnknownCursorError);
      });
    });

    describe('items', () => {
      test('a thread created with its first item holds that item; a thread whose item cannot be stored is not created', async () => {
        const owner = user();
        const thread = newThread('Hello');
        const first = message(thread.id, 'the opening message');
        await store.createThread(owner, thread, first);
        assert.deepEqual(await store.getThread(owner, thread.id), thread);
        assert.deepEqual(await allItems(store, owner, thread.id), [first]);
        assert.equal((await store.usage(owner)).items, 1);

        // The item id is taken, so the item cannot be stored: the thread must not be left without it.
        const other = newThread();
        await assert.rejects(store.createThread(owner, other, { ...first, thread_id: other.id }));
        assert.equal(await store.getThread(owner, other.id), undefined);
        assert.equal(await store.countThreads(owner), 1);
      });

      test('items are kept in order, paged both ways, and an item page always names its last item', async () => {
        const owner = user();
        const thread = newThread();
        await store.createThread(owner, thread);
        for (const text of ['one', 'two', 'three']) await store.addItem(owner, message(thread.id, text));
        assert.equal(await store.countItems(owner, thread.id), 3);

        const first = await store.listItems(owner, thread.id, { limit: 2, order: 'asc' });
        assert.deepEqual(texts(first.data), ['one', 'two']);
        assert.equal(first.has_more, true);
        assert.equal(first.after, first.data[1]!.id);
        const rest = await store.listItems(owner, thread.id, { limit: 2, order: 'asc', after: first.after });
        assert.deepEqual(texts(rest.data), ['three']);
        assert.deepEqual([rest.has_more, rest.after], [false, rest.data[0]!.id]);
        assert.deepEqual(texts((await store.listItems(owner, thread.id, { limit: 5, order: 'desc' })).data), ['three', 'two', 'one']);
        assert.deepEqual(await store.listItems(owner, newThread().id, { limit: 5, order: 'asc' }), { data: [], has_more: false });
        await assert.rejects(store.listItems(owner, thread.id, { limit: 5, order: 'asc', after: 'msg_unknown' }), UnknownCursorError);
      });

      test('an item is replaced by saving it, and deleted by id; other users cannot touch it', async () => {
        const owner = user();
        const stranger = user();
        const thread = newThread();
        await store.createThread(owner, thread);
        const item = message(thread.id, 'draft');
        await store.addItem(owner, item);
        await store.saveItem(owner, { ...item, content: [{ type: 'output_text', text: 'final', annotations: [] }] });
        await store.saveItem(stranger, { ...item, content: [{ type: 'output_text', text: 'overwritten', annotations: [] }] });
        await store.deleteItems(stranger, thread.id, [item.id]);
        assert.equal(await store.getItem(stranger, thread.id, item.id), undefined);
        assert.deepEqual(texts([(await store.getItem(owner, thread.id, item.id))!]), ['final']);
        await store.deleteItems(owner, thread.id, [item.id, 'msg_not_there']);
        assert.equal(await store.getItem(owner, thread.id, item.id), undefined);
      });

      test('feedback on own items is accepted, and on items that are not this user\'s is ignored', async () => {
        const owner = user();
        const thread = newThread();
        await store.createThread(owner, thread);
        const item = message(thread.id, 'rate me');
        await store.addItem(owner, item);
        await store.addFeedback(owner, thread.id, [item.id], 'positive');
        await store.addFeedback(owner, thread.id, [item.id], 'negative');
        await store.addFeedback(user(), thread.id, [item.id, 'msg_unknown'], 'negative');
        assert.ok(await store.getItem(owner, thread.id, item.id), 'the item is untouched');
      });
    });

    describe('reply fencing', () => {
      test('once a newer claim has written to a thread, writes under an older claim are refused and change nothing', async () => {
        const owner = user();
        const thread = newThread();
        await store.createThread(owner, thread);
        const first = message(thread.id, 'from the first reply');
        await withReplyFence({ threadId: thread.id, token: 10 }, () => store.addItem(owner, first));
        await withReplyFence({ threadId: thread.id, token: 20 }, () => store.addItem(owner, message(thread.id, 'from the next reply')));

        const late = message(thread.id, 'too late');
        await withReplyFence({ threadId: thread.id, token: 10 }, async () => {
          await assert.rejects(store.addItem(owner, late), StaleReplyError);
          await assert.rejects(store.saveItem(owner, { ...first, content: [{ type: 'output_text', text: 'overwritten', annotations: [] }] }), StaleReplyError);
          await assert.rejects(store.deleteItems(owner, thread.id, [first.id]), StaleReplyError);
          await assert.rejects(store.updateThread(owner, { ...thread, title: 'stale title' }), StaleReplyError);
        });
        assert.deepEqual(texts(await allItems(store, owner, thread.id)), ['from the first reply', 'from the next reply']);
        assert.equal((await store.getThread(owner, thread.id))?.title, undefined);

        await store.updateThread(owner, { ...thread, title: 'Renamed by the user' });
        assert.equal((await store.getThread(owner, thread.id))?.title, 'Renamed by the user', 'writes outside a claim are not fenced');
        await withReplyFence({ threadId: thread.id, token: 20 }, () => store.addItem(owner, message(thread.id, 'same claim again')));
        await withReplyFence({ threadId: newThread().id, token: 1 }, () => store.addItem(owner, message(thread.id, 'a claim on another thread')));
        assert.equal(await store.countItems(owner, thread.id), 4);
      });

      test('a thread created under a claim is fenced by it from the start', async () => {
        const owner = user();
        const thread = newThread();
        await withReplyFence({ threadId: thread.id, token: 30 }, () => store.createThread(owner, thread, message(thread.id, 'hello')));
        await withReplyFence({ threadId: thread.id, token: 29 }, () => assert.rejects(store.addItem(owner, message(thread.id, 'older claim')), StaleReplyError));
        await withReplyFence({ threadId: thread.id, token: 30 }, () => store.addItem(owner, message(thread.id, 'same claim')));
        assert.deepEqual(texts(await allItems(store, owner, thread.id)), ['hello', 'same claim']);
      });

      test('of two claims writing at once, the older is refused as soon as the newer has written', async () => {
        const owner = user();
        const thread = newThread();
        await store.createThread(owner, thread);
        const writes = Array.from({ length: 20 }, (_, i) =>
          withReplyFence({ threadId: thread.id, token: i % 2 ? 200 : 100 }, () => store.addItem(owner, message(thread.id, `${i % 2 ? 'new' : 'old'} ${i}`))).then(
            () => 'stored',
            (err: unknown) => (err instanceof StaleReplyError ? 'refused' : Promise.reject(err)),
          ),
        );
        await Promise.all(writes);
        const stored = texts(await allItems(store, owner, thread.id));
        const firstNew = stored.findIndex((text) => text.startsWith('new'));
        assert.ok(firstNew >= 0);
        assert.ok(stored.slice(firstNew).every((text) => text.startsWith('new')), `no old write after a new one: ${stored.join(', ')}`);
      });
    });

    describe('quota usage and retention', () => {
      test('usage counts a user\'s threads, items and the bytes their items take as stored, and nobody else\'s', async () => {
        const owner = user();
        const thread = newThread();
        await store.createThread(owner, thread);
        await store.createThread(owner, newThread());
        const items = [message(thread.id, 'short'), message(thread.id, 'ünïcode 🙂 '.repeat(50))];
        for (const item of items) await store.addItem(owner, item);
        await store.addItem(user(), message(thread.id, 'someone else'));
        const bytes = items.reduce((sum, item) => sum + Buffer.byteLength(JSON.stringify(item)), 0);
        assert.deepEqual(await store.usage(owner), { threads: 2, items: 2, bytes, attachmentBytes: 0 });
        const grown = { ...items[0]!, content: [{ type: 'output_text' as const, text: 'x'.repeat(1_000), annotations: [] }] };
        await store.saveItem(owner, grown);
        assert.equal((await store.usage(owner)).bytes, bytes - Buffer.byteLength(JSON.stringify(items[0])) + Buffer.byteLength(JSON.stringify(grown)));
        assert.deepEqual(await store.usage(user()), { threads: 0, items: 0, bytes: 0, attachmentBytes: 0 });
      });

      test('retention never deletes a user who wrote after the cutoff, however close their writes came', async () => {
        const owner = `anon_${randomUUID()}`;
        const thread = newThread();
        await store.createThread(owner, thread);
        clock.advance(2_000);
        const cutoff = clock.now();
        clock.advance(2_000);
        await store.addItem(owner, message(thread.id, 'a few seconds later'));
        clock.advance(10 * 86_400_000);
        assert.deepEqual(await store.deleteIdleUsers(owner, cutoff, 10), []);
        assert.deepEqual(await store.deleteIdleUsers(owner, clock.now(), 10), [owner], 'idle since the last write');
      });

      test('retention deletes, with everything they stored, only users of the prefix idle since the cutoff, at most `limit` a pass', async () => {
        const tag = randomUUID().slice(0, 8);
        const idle = [`anon_${tag}_a`, `anon_${tag}_b`, `anon_${tag}_c`];
        const signedIn = `user_${tag}`;
        const writeFor = async (owner: string) => {
          const thread = newThread();
          await store.createThread(owner, thread);
          await store.addItem(owner, message(thread.id, `from ${owner}`));
          return thread;
        };
        const idleThreads = [];
        for (const owner of [...idle, signedIn]) idleThreads.push(await writeFor(owner));
        clock.advance(10 * 86_400_000);
        const cutoff = clock.now();
        clock.advance(1_000);
        const active = `anon_${tag}_active`;
        await writeFor(active);
        // A write stamps the writer: this idle visitor renames a thread after the cutoff and so stays.
        await store.updateThread(idle[2]!, { ...idleThreads[2]!, title: 'still here' });

        const prefix = `anon_${tag}_`;
        const first = await store.deleteIdleUsers(prefix, cutoff, 1);
        const second = await store.deleteIdleUsers(prefix, cutoff, 10);
        assert.equal(first.length, 1);
        assert.deepEqual([...first, ...second].sort(), [idle[0], idle[1]]);
        assert.deepEqual(await store.deleteIdleUsers(prefix, cutoff, 10), [], 'nothing left');
        for (const owner of [idle[0]!, idle[1]!]) assert.deepEqual(await store.usage(owner), { threads: 0, items: 0, bytes: 0, attachmentBytes: 0 });
        for (const owner of [idle[2]!, active, signedIn]) assert.equal((await store.usage(owner)).threads, 1, owner);
      });
    });

    describe('pending approvals', () => {
      const approval = (threadId: string): PendingApproval => ({
        id: `apr_${randomUUID()}`,
        threadId,
        widgetItemId: `wdg_${randomUUID()}`,
        runState: JSON.stringify({ state: 'paused', note: 'ünïcode 🙂' }),
        requests: [{ toolName: 'delete_todo', arguments: '{"id":1}' }],
        createdAt: new Date().toISOString(),
      });

      test('an approval is taken once, as stored, by its own user and thread only', async () => {
        const owner = user();
        const thread = newThread();
        const otherThread = newThread();
        await store.createThread(owner, thread);
        await store.createThread(owner, otherThread);
        const pending = approval(thread.id);
        await store.savePendingApproval(owner, pending);
        assert.equal(await store.takePendingApproval(user(), thread.id, pending.id), undefined, 'another user');
        assert.equal(await store.takePendingApproval(owner, otherThread.id, pending.id), undefined, 'another thread');
        assert.deepEqual(await store.takePendingApproval(owner, thread.id, pending.id), pending);
        assert.equal(await store.takePendingApproval(owner, thread.id, pending.id), undefined, 'a decision counts once');
      });

      test('of many concurrent takes of one approval exactly one gets it', async () => {
        const owner = user();
        const thread = newThread();
        await store.createThread(owner, thread);
        const pending = approval(thread.id);
        await store.savePendingApproval(owner, pending);
        const takes = await Promise.all(Array.from({ length: 10 }, () => store.takePendingApproval(owner, thread.id, pending.id)));
        assert.equal(takes.filter(Boolean).length, 1);
      });

      test('deleting the thread deletes its pending approvals', async () => {
        const owner = user();
        const thread = newThread();
        await store.createThread(owner, thread);
        const pending = approval(thread.id);
        await store.savePendingApproval(owner, pending);
        await store.deleteThread(owner, thread.id);
        assert.equal(await store.takePendingApproval(owner, thread.id, pending.id), undefined);
      });
    });

    describe('attachments', () => {
      const record = (overrides: Partial<AttachmentRecord> = {}): AttachmentRecord => ({
        id: `atc_${randomUUID()}`,
        name: 'cat photo ünï.png',
        mimeType: 'image/png',
        size: 1234,
        status: 'pending',
        createdAtMs: clock.now(),
        ...overrides,
      });

      test('a record is read back as saved, by its own user only', async () => {
        const owner = user();
        const saved = record();
        await store.saveAttachment(owner, saved);
        assert.deepEqual(await store.getAttachment(owner, saved.id), saved);
        assert.equal(await store.getAttachment(user(), saved.id), undefined);
        assert.equal(await store.deleteAttachment(user(), saved.id), false, 'another user cannot delete it');
        assert.equal(await store.deleteAttachment(owner, saved.id), true);
        assert.equal(await store.getAttachment(owner, saved.id), undefined);
      });

      test('a status moves only from the expected one, so an upload URL is used once', async () => {
        const owner = user();
        const saved = record();
        await store.saveAttachment(owner, saved);
        assert.equal(await store.setAttachmentStatus(user(), saved.id, 'pending', 'uploading'), false, 'another user');
        const claims = await Promise.all(Array.from({ length: 5 }, () => store.setAttachmentStatus(owner, saved.id, 'pending', 'uploading')));
        assert.equal(claims.filter(Boolean).length, 1);
        assert.equal((await store.getAttachment(owner, saved.id))?.status, 'uploading');
      });

      test('only ready attachments of the user go into a thread, all or none, and never into a second thread', async () => {
        const owner = user();
        const thread = newThread();
        const otherThread = newThread();
        await store.createThread(owner, thread);
        await store.createThread(owner, otherThread);
        const ready = record({ status: 'ready' });
        const pending = record();
        const foreign = record({ status: 'ready' });
        await store.saveAttachment(owner, ready);
        await store.saveAttachment(owner, pending);
        await store.saveAttachment(user(), foreign);
        assert.equal(await store.attachToThread(owner, [ready.id, pending.id], thread.id), false, 'not uploaded yet');
        assert.equal(await store.attachToThread(owner, [ready.id, foreign.id], thread.id), false, "another user's");
        assert.equal((await store.getAttachment(owner, ready.id))?.threadId, undefined, 'nothing changed');
        assert.equal(await store.attachToThread(owner, [ready.id], thread.id), true);
        assert.equal(await store.attachToThread(owner, [ready.id], thread.id), true, 'the same thread again');
        assert.equal(await store.attachToThread(owner, [ready.id], otherThread.id), false, 'another thread');
        assert.deepEqual(await store.listThreadAttachments(owner, thread.id), [{ ...ready, threadId: thread.id }]);
        assert.deepEqual(await store.listThreadAttachments(user(), thread.id), []);
      });

      test('deleting the thread deletes its attachments\' records', async () => {
        const owner = user();
        const thread = newThread();
        await store.createThread(owner, thread);
        const ready = record({ status: 'ready' });
        await store.saveAttachment(owner, ready);
        await store.attachToThread(owner, [ready.id], thread.id);
        await store.deleteThread(owner, thread.id);
        assert.equal(await store.getAttachment(owner, ready.id), undefined);
      });

      test('old unattached records are taken by the sweep, attached and recent ones stay', async () => {
        const owner = user();
        const thread = newThread();
        await store.createThread(owner, thread);
        const old = record({ createdAtMs: 1000 });
        const oldAttached = record({ status: 'ready', createdAtMs: 1000 });
        const recent = record({ createdAtMs: 5000 });
        for (const saved of [old, oldAttached, recent]) await store.saveAttachment(owner, saved);
        await store.attachToThread(owner, [oldAttached.id], thread.id);
        const taken = [];
        for (;;) {
          const batch = await store.takeOrphanAttachments(2000, 10);
          taken.push(...batch);
          if (batch.length < 10) break;
        }
        assert.ok(taken.some((entry) => entry.userId === owner && entry.attachmentId === old.id));
        assert.ok(!taken.some((entry) => entry.attachmentId === oldAttached.id || entry.attachmentId === recent.id));
        assert.equal(await store.getAttachment(owner, old.id), undefined);
        assert.ok(await store.getAttachment(owner, recent.id));
      });

      test("attachments' declared sizes count in the user's attachment bytes, and retention deletes them with the user", async () => {
        const owner = `anon_contract_${randomUUID()}`;
        const thread = newThread();
        await store.createThread(owner, thread);
        const before = await store.usage(owner);
        const saved = record({ size: 50_000 });
        await store.saveAttachment(owner, saved);
        assert.deepEqual(await store.usage(owner), { ...before, attachmentBytes: before.attachmentBytes + 50_000 });
        clock.advance(60_000);
        const deleted = await store.deleteIdleUsers(owner, clock.now(), 10);
        assert.deepEqual(deleted, [owner]);
        assert.equal(await store.getAttachment(owner, saved.id), undefined);
      });
    });
  });
}
