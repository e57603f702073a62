import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import { scriptedModel } from '../../../test-support/openai-mock-model.js';
import { startOpenAIMock } from '../../../test-support/openai-mock.js';
import { addMessage, createThread, startBackend, threadIdOf } from '../testing/harness.js';
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
    await store.close();
    const db = new DatabaseSync(path);
    db.exec('DROP TABLE pending_approvals; DROP TABLE feedback');
    db.exec('PRAGMA user_version = 1');
    db.close();

    const reopened = openSqliteThreadStore(path);
    try {
      assert.equal((await reopened.getThread('rae', 'thr_old'))?.id, 'thr_old');
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
