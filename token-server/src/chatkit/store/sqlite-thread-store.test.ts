import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import { scriptedModel } from '../../../test-support/openai-mock-model.js';
import { startOpenAIMock } from '../../../test-support/openai-mock.js';
import { addMessage, createThread, startBackend, threadIdOf } from '../testing/harness.js';
import type { ThreadItem } from '../protocol/types.js';
import { SCHEMA_VERSION, openSqliteThreadStore } from './sqlite-thread-store.js';

describe('the SQLite thread store on disk', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'chatkit-store-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('when the server is stopped and started again on the same data directory, threads and items are still there', async () => {
    const databasePath = join(dataDir, 'nested', 'chatkit.sqlite');
    const model = scriptedModel();
    const mock = await startOpenAIMock(model.routes);
    try {
      const first = await startBackend({ databasePath }, { mock, model });
      const threadId = threadIdOf((await first.call('quinn', createThread('Remember me'))).events);
      await first.call('quinn', addMessage(threadId, 'And this'));
      await first.stop();
      assert.ok(existsSync(databasePath), 'the database file was created on first start');

      const second = await startBackend({ databasePath }, { mock, model });
      try {
        const list = await second.call('quinn', { type: 'threads.list', params: {} });
        assert.deepEqual(list.body.data.map((t: any) => [t.id, t.title]), [[threadId, 'Remember me']]);
        const thread = await second.call('quinn', { type: 'threads.get_by_id', params: { thread_id: threadId } });
        assert.deepEqual(thread.body.items.data.map((i: any) => i.content[0].text), ['Remember me', 'Hello!', 'And this', 'Hello!']);
        assert.equal((await second.call('other', { type: 'threads.get_by_id', params: { thread_id: threadId } })).status, 404);
      } finally {
        await second.close();
      }
    } finally {
      await mock.close();
    }
  });

  test('when the database is opened, it runs in WAL mode at the current schema version', async () => {
    const path = join(dataDir, 'fresh.sqlite');
    await openSqliteThreadStore(path).close();
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      assert.equal(db.prepare('PRAGMA journal_mode').get()!.journal_mode, 'wal');
      assert.equal(db.prepare('PRAGMA user_version').get()!.user_version, SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  test('when a database from a newer server version is opened, it is refused with a clear message instead of being changed', () => {
    const path = join(dataDir, 'future.sqlite');
    const db = new DatabaseSync(path);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(() => openSqliteThreadStore(path), /newer than this server knows/);
  });

  test('when a database at an older schema version is opened, only the missing migrations run and data is kept', async () => {
    const path = join(dataDir, 'old.sqlite');
    const store = openSqliteThreadStore(path);
    await store.createThread('rae', { id: 'thr_old', created_at: new Date().toISOString(), status: { type: 'active' }, metadata: {} });
    const oldItem: ThreadItem = { id: 'msg_0', thread_id: 'thr_old', created_at: new Date().toISOString(), type: 'assistant_message', content: [] };
    await store.addItem('rae', oldItem);
    await store.close();
    // Back to schema version 1: undo what migrations 2 to 6 added.
    const db = new DatabaseSync(path);
    db.exec('DROP TABLE attachments; ALTER TABLE threads DROP COLUMN reply_fence; DROP TABLE pending_approvals; DROP TABLE feedback; DROP TABLE user_activity; DROP INDEX items_by_user; ALTER TABLE items DROP COLUMN bytes');
    db.exec('PRAGMA user_version = 1');
    db.close();

    const reopened = openSqliteThreadStore(path);
    try {
      assert.equal((await reopened.getThread('rae', 'thr_old'))?.id, 'thr_old');
      // Items stored before the quota migration are counted, and their owners start a fresh retention period.
      assert.deepEqual(await reopened.usage('rae'), { threads: 1, items: 1, bytes: Buffer.byteLength(JSON.stringify(oldItem)), attachmentBytes: 0 });
      assert.deepEqual(await reopened.deleteIdleUsers('', Date.now() - 60_000, 10), []);
      await reopened.addItem('rae', { id: 'msg_1', thread_id: 'thr_old', created_at: new Date().toISOString(), type: 'assistant_message', content: [] });
      await reopened.addFeedback('rae', 'thr_old', ['msg_1'], 'positive');
    } finally {
      await reopened.close();
    }
    const check = new DatabaseSync(path, { readOnly: true });
    try {
      assert.equal(check.prepare('PRAGMA user_version').get()!.user_version, SCHEMA_VERSION);
      assert.deepEqual(check.prepare('SELECT item_id, kind FROM feedback').all().map((row) => ({ ...row })), [{ item_id: 'msg_1', kind: 'positive' }]);
    } finally {
      check.close();
    }
  });
});

describe('the SQLite thread store: usage and idle users', () => {
  const DAY = 24 * 60 * 60 * 1000;
  const thread = (id: string) => ({ id, created_at: new Date().toISOString(), status: { type: 'active' as const }, metadata: {} });
  const message = (id: string, threadId: string, text: string): ThreadItem => ({
    id,
    thread_id: threadId,
    created_at: new Date().toISOString(),
    type: 'assistant_message',
    content: [{ type: 'output_text', text, annotations: [] }],
  });

  test('usage counts one user\'s threads, items and stored bytes, and follows changes and deletions', async () => {
    const store = openSqliteThreadStore(':memory:');
    try {
      assert.deepEqual(await store.usage('una'), { threads: 0, items: 0, bytes: 0, attachmentBytes: 0 });
      await store.createThread('una', thread('thr_u1'));
      await store.createThread('vic', thread('thr_v1'));
      const first = message('msg_u1', 'thr_u1', 'x'.repeat(1000));
      await store.addItem('una', first);
      await store.addItem('una', message('msg_u2', 'thr_u1', 'short'));
      await store.addItem('vic', message('msg_v1', 'thr_v1', 'y'.repeat(5000)));
      const size = (item: unknown) => Buffer.byteLength(JSON.stringify(item));
      assert.deepEqual(await store.usage('una'), { threads: 1, items: 2, bytes: size(first) + size(message('msg_u2', 'thr_u1', 'short')), attachmentBytes: 0 });

      const grown = message('msg_u2', 'thr_u1', 'z'.repeat(3000));
      await store.saveItem('una', grown);
      assert.equal((await store.usage('una')).bytes, size(first) + size(grown));
      await store.deleteThread('una', 'thr_u1');
      assert.deepEqual(await store.usage('una'), { threads: 0, items: 0, bytes: 0, attachmentBytes: 0 });
      assert.equal((await store.usage('vic')).items, 1, 'another user is untouched');
    } finally {
      await store.close();
    }
  });

  test('deleteIdleUsers deletes only users with the prefix idle since the cut-off, with every thread, item and feedback', async () => {
    let now = Date.UTC(2026, 0, 1);
    const store = openSqliteThreadStore(':memory:', { clock: { now: () => now } });
    try {
      for (const user of ['anon_idle', 'anon_back', 'site_user']) {
        await store.createThread(user, thread(`thr_${user}`));
        await store.addItem(user, message(`msg_${user}`, `thr_${user}`, 'hello'));
      }
      await store.addFeedback('anon_idle', 'thr_anon_idle', ['msg_anon_idle'], 'positive');
      now += 31 * DAY;
      await store.addItem('anon_back', message('msg_again', 'thr_anon_back', 'I am back'));
      now += DAY;

      assert.deepEqual(await store.deleteIdleUsers('anon_', now - 30 * DAY, 10), ['anon_idle']);
      assert.equal(await store.getThread('anon_idle', 'thr_anon_idle'), undefined);
      assert.deepEqual(await store.usage('anon_idle'), { threads: 0, items: 0, bytes: 0, attachmentBytes: 0 });
      assert.equal((await store.usage('anon_back')).items, 2);
      assert.equal((await store.usage('site_user')).items, 1, 'a signed-in user, idle as long, is kept');
      assert.deepEqual(await store.deleteIdleUsers('anon_', now - 30 * DAY, 10), [], 'a second pass finds nothing');
    } finally {
      await store.close();
    }
  });

  test('deleteIdleUsers works in batches of at most `limit` users', async () => {
    let now = 0;
    const store = openSqliteThreadStore(':memory:', { clock: { now: () => now } });
    try {
      for (let i = 0; i < 5; i++) await store.createThread(`anon_${i}`, thread(`thr_${i}`));
      now = 10 * DAY;
      assert.equal((await store.deleteIdleUsers('anon_', DAY, 2)).length, 2);
      assert.equal((await store.deleteIdleUsers('anon_', DAY, 2)).length, 2);
      assert.equal((await store.deleteIdleUsers('anon_', DAY, 2)).length, 1);
    } finally {
      await store.close();
    }
  });
});
