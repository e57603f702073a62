/**
 * ThreadStore on an embedded SQLite database (Node's built-in `node:sqlite`, so `npm install` compiles nothing). The
 * file is created on first start, runs in WAL mode, and its schema is migrated in order using SQLite's
 * `user_version`. `:memory:` gives a private database.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { dirname } from 'node:path';
import { systemClock, type Clock } from '../../clock.js';
import { ensurePrivateDir, keepPrivate } from '../../private-files.js';
import type { Page, ThreadItem, ThreadMetadata } from '../protocol/types.js';
import { StaleReplyError, fenceFor } from './reply-fence.js';
import { UnknownCursorError, attachmentFromRow, toPage, type AttachmentRow, type PendingApproval, type ThreadStore } from './thread-store.js';

/** Each entry moves the schema from version i to i + 1. Append only; never edit a shipped migration. */
const MIGRATIONS: string[] = [
  `CREATE TABLE threads (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     user_id TEXT NOT NULL,
     data TEXT NOT NULL
   );
   CREATE INDEX threads_by_user ON threads (user_id, seq);
   CREATE TABLE items (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     thread_id TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
     user_id TEXT NOT NULL,
     data TEXT NOT NULL
   );
   CREATE INDEX items_by_thread ON items (thread_id, user_id, seq);`,
  `CREATE TABLE feedback (
     item_id TEXT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
     kind TEXT NOT NULL,
     created_at TEXT NOT NULL
   );`,
  `CREATE TABLE pending_approvals (
     id TEXT PRIMARY KEY,
     thread_id TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
     user_id TEXT NOT NULL,
     data TEXT NOT NULL
   );`,
  // Quotas (bytes per item, counted by user from the index alone) and retention (each user's last write; users
  // already stored start their retention period at this migration).
  `ALTER TABLE items ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
   UPDATE items SET bytes = length(CAST(data AS BLOB));
   CREATE INDEX items_by_user ON items (user_id, bytes);
   CREATE TABLE user_activity (
     user_id TEXT PRIMARY KEY,
     active_at INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX user_activity_by_time ON user_activity (active_at);
   INSERT INTO user_activity (user_id, active_at)
     SELECT user_id, CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM threads GROUP BY user_id;`,
  // The largest reply-claim token that wrote to the thread (reply-fence.ts).
  `ALTER TABLE threads ADD COLUMN reply_fence INTEGER NOT NULL DEFAULT 0;`,
  // Attachments' records (the bytes are in the attachment storage); thread_id is set when a message takes one.
  `CREATE TABLE attachments (
     id TEXT PRIMARY KEY,
     user_id TEXT NOT NULL,
     thread_id TEXT,
     status TEXT NOT NULL,
     size INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     data TEXT NOT NULL
   );
   CREATE INDEX attachments_by_user ON attachments (user_id, thread_id);
   CREATE INDEX attachments_unattached ON attachments (created_at) WHERE thread_id IS NULL;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** How stale a user's activity stamp may be before a write renews it. */
const ACTIVITY_STEP_MS = 10_000;

/** Runs `work` in one transaction: all of it is stored, or none. */
type InTransaction = (work: () => void) => void;

/** Transactions on `db`, with their statements prepared once (`exec` would parse the SQL on every commit). */
function transactions(db: DatabaseSync): InTransaction {
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  return (work) => {
    begin.run();
    try {
      work();
      commit.run();
    } catch (error) {
      rollback.run();
      throw error;
    }
  };
}

function migrate(db: DatabaseSync, inTransaction: InTransaction): void {
  const current = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  if (current > MIGRATIONS.length)
    throw new Error(`The ChatKit database has schema version ${current}, newer than this server knows (${MIGRATIONS.length}).`);
  for (let version = current; version < MIGRATIONS.length; version++) {
    inTransaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.exec(`PRAGMA user_version = ${version + 1}`);
    });
  }
}

interface Row {
  seq: number;
  id: string;
  data: string;
}

const parse = <T>(rows: Row[]): T[] => rows.map((row) => JSON.parse(row.data) as T);

/** SQLite's own files beside the database (write-ahead log and shared memory). */
const COMPANION_SUFFIXES = ['', '-wal', '-shm'];

/** `clock` stamps each user's last write, which retention compares against. */
export function openSqliteThreadStore(path: string, { clock = systemClock }: { clock?: Clock } = {}): ThreadStore {
  const onDisk = path !== ':memory:';
  // Conversations are private: owner-only directory and files, whatever permissions they had before.
  if (onDisk) {
    ensurePrivateDir(dirname(path));
    keepPrivate(path);
  }
  const db = new DatabaseSync(path, { timeout: 2000 });
  db.exec('PRAGMA journal_mode = WAL');
  if (onDisk) for (const suffix of COMPANION_SUFFIXES) keepPrivate(`${path}${suffix}`, { createIfMissing: false });
  // In WAL mode NORMAL cannot corrupt the database; a power cut may only lose the last commits. It makes each
  // write several times cheaper (the bench measured 193 -> 29 µs per insert), and chat is not a ledger.
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  const inTransaction = transactions(db);
  migrate(db, inTransaction);
  const get = <T>(statement: StatementSync, ...params: (string | number)[]) => statement.get(...params) as T | undefined;
  const all = (statement: StatementSync, ...params: (string | number)[]) => statement.all(...params) as unknown as Row[];

  const q = {
    insertThread: db.prepare('INSERT INTO threads (id, user_id, data, reply_fence) VALUES (?, ?, ?, ?)'),
    getThread: db.prepare('SELECT seq, id, data FROM threads WHERE id = ? AND user_id = ?'),
    updateThread: db.prepare('UPDATE threads SET data = ? WHERE id = ? AND user_id = ?'),
    deleteThread: db.prepare('DELETE FROM threads WHERE id = ? AND user_id = ?'),
    countThreads: db.prepare('SELECT COUNT(*) AS n FROM threads WHERE user_id = ?'),
    insertItem: db.prepare('INSERT INTO items (id, thread_id, user_id, data, bytes) VALUES (?, ?, ?, ?, ?)'),
    updateItem: db.prepare('UPDATE items SET data = ?, bytes = ? WHERE id = ? AND thread_id = ? AND user_id = ?'),
    deleteItem: db.prepare('DELETE FROM items WHERE id = ? AND thread_id = ? AND user_id = ?'),
    getItem: db.prepare('SELECT seq, id, data FROM items WHERE id = ? AND thread_id = ? AND user_id = ?'),
    countItems: db.prepare('SELECT COUNT(*) AS n FROM items WHERE thread_id = ? AND user_id = ?'),
    // One statement, so one read transaction (each takes a WAL read lock) for what every message checks first.
    usage: db.prepare(
      `SELECT (SELECT COUNT(*) FROM threads WHERE user_id = ?1) AS threads,
              (SELECT COUNT(*) FROM items WHERE user_id = ?1) AS items,
              (SELECT COALESCE(SUM(bytes), 0) FROM items WHERE user_id = ?1) AS bytes,
              (SELECT COALESCE(SUM(size), 0) FROM attachments WHERE user_id = ?1) AS attachment_bytes`,
    ),
    // A stamp less than ACTIVITY_STEP_MS old is left as it is: a reply writes a user several times within seconds,
    // and each stamp rewrites two pages. Retention, counted in days, allows for the step (`idleUsers`).
    touch: db.prepare(
      `INSERT INTO user_activity (user_id, active_at) VALUES (?, ?)
       ON CONFLICT (user_id) DO UPDATE SET active_at = excluded.active_at WHERE active_at <= excluded.active_at - ${ACTIVITY_STEP_MS}`,
    ),
    // A user stamped before `idleSince - step` has written nothing since `idleSince`; one stamped within the step of
    // it may have, and is left for a later pass.
    idleUsers: db.prepare(
      `SELECT user_id FROM user_activity WHERE active_at < ? - ${ACTIVITY_STEP_MS} AND substr(user_id, 1, ?) = ? ORDER BY active_at LIMIT ?`,
    ),
    deleteUserThreads: db.prepare('DELETE FROM threads WHERE user_id = ?'),
    deleteActivity: db.prepare('DELETE FROM user_activity WHERE user_id = ?'),
    upsertFeedback: db.prepare(
      `INSERT INTO feedback (item_id, kind, created_at)
       SELECT id, ?, ? FROM items WHERE id = ? AND thread_id = ? AND user_id = ?
       ON CONFLICT (item_id) DO UPDATE SET kind = excluded.kind, created_at = excluded.created_at`,
    ),
  };
  const approvals = {
    insert: db.prepare('INSERT INTO pending_approvals (id, thread_id, user_id, data) VALUES (?, ?, ?, ?)'),
    // One statement, so two answers racing for the same approval cannot both get it.
    take: db.prepare('DELETE FROM pending_approvals WHERE id = ? AND thread_id = ? AND user_id = ? RETURNING data'),
  };
  const attachments = {
    insert: db.prepare('INSERT INTO attachments (id, user_id, thread_id, status, size, created_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    get: db.prepare('SELECT thread_id, status, data FROM attachments WHERE id = ? AND user_id = ?'),
    setStatus: db.prepare('UPDATE attachments SET status = ? WHERE id = ? AND user_id = ? AND status = ?'),
    attach: db.prepare(
      "UPDATE attachments SET thread_id = ? WHERE id = ? AND user_id = ? AND status = 'ready' AND (thread_id IS NULL OR thread_id = ?)",
    ),
    delete: db.prepare('DELETE FROM attachments WHERE id = ? AND user_id = ?'),
    ofThread: db.prepare('SELECT thread_id, status, data FROM attachments WHERE user_id = ? AND thread_id = ?'),
    deleteOfThread: db.prepare('DELETE FROM attachments WHERE user_id = ? AND thread_id = ?'),
    deleteOfUser: db.prepare('DELETE FROM attachments WHERE user_id = ?'),
    orphans: db.prepare('DELETE FROM attachments WHERE id IN (SELECT id FROM attachments WHERE thread_id IS NULL AND created_at < ? LIMIT ?) RETURNING id, user_id'),
  };
  const fences = {
    get: db.prepare('SELECT reply_fence FROM threads WHERE id = ?'),
    raise: db.prepare('UPDATE threads SET reply_fence = ? WHERE id = ?'),
  };
  /**
   * Runs a write to `threadId` in one transaction; a fenced one first raises the thread's fence, or is refused. A
   * reply's later writes find the fence at their own token already and leave the thread row alone.
   */
  const write = <T>(threadId: string, work: () => T): T => {
    const token = fenceFor(threadId);
    let result: T;
    inTransaction(() => {
      if (token !== undefined) {
        const fence = get<{ reply_fence: number }>(fences.get, threadId);
        const current = fence ? Number(fence.reply_fence) : token;
        if (current > token) throw new StaleReplyError(threadId);
        if (current < token) fences.raise.run(token, threadId);
      }
      result = work();
    });
    return result!;
  };
  const threadPages = {
    asc: db.prepare('SELECT seq, id, data FROM threads WHERE user_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?'),
    desc: db.prepare('SELECT seq, id, data FROM threads WHERE user_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?'),
  };
  const itemPages = {
    asc: db.prepare(
      'SELECT seq, id, data FROM items WHERE thread_id = ? AND user_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?',
    ),
    desc: db.prepare(
      'SELECT seq, id, data FROM items WHERE thread_id = ? AND user_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
    ),
  };
  const start = (order: 'asc' | 'desc') => (order === 'asc' ? 0 : Number.MAX_SAFE_INTEGER);
  const touch = (userId: string) => q.touch.run(userId, clock.now());
  const stored = (item: ThreadItem) => {
    const data = JSON.stringify(item);
    return { data, bytes: Buffer.byteLength(data) };
  };

  return {
    kind: 'sqlite',
    async createThread(userId, thread, firstItem) {
      const first = firstItem && stored(firstItem);
      inTransaction(() => {
        // Created by a reply holding the new thread's claim: the fence starts at its token.
        q.insertThread.run(thread.id, userId, JSON.stringify(thread), fenceFor(thread.id) ?? 0);
        if (first) q.insertItem.run(firstItem.id, thread.id, userId, first.data, first.bytes);
        touch(userId);
      });
    },
    async getThread(userId, threadId) {
      const row = get<Row>(q.getThread, threadId, userId);
      return row ? (JSON.parse(row.data) as ThreadMetadata) : undefined;
    },
    async updateThread(userId, thread) {
      return write(thread.id, () => {
        const changed = Number(q.updateThread.run(JSON.stringify(thread), thread.id, userId).changes) > 0;
        if (changed) touch(userId);
        return changed;
      });
    },
    async deleteThread(userId, threadId) {
      let deleted = false;
      inTransaction(() => {
        deleted = Number(q.deleteThread.run(threadId, userId).changes) > 0;
        if (!deleted) return;
        attachments.deleteOfThread.run(userId, threadId);
        touch(userId);
      });
      return deleted;
    },
    async listThreads(userId, { limit, order, after }): Promise<Page<ThreadMetadata>> {
      let from = start(order);
      if (after) {
        const cursor = get<Row>(q.getThread, after, userId);
        if (!cursor) throw new UnknownCursorError();
        from = cursor.seq;
      }
      return toPage(parse<ThreadMetadata>(all(threadPages[order], userId, from, limit + 1)), limit, 'when_more');
    },
    async countThreads(userId) {
      return Number(get<{ n: number }>(q.countThreads, userId)!.n);
    },
    async addItem(userId, item) {
      const { data, bytes } = stored(item);
      write(item.thread_id, () => {
        q.insertItem.run(item.id, item.thread_id, userId, data, bytes);
        touch(userId);
      });
    },
    async saveItem(userId, item) {
      const { data, bytes } = stored(item);
      write(item.thread_id, () => {
        if (Number(q.updateItem.run(data, bytes, item.id, item.thread_id, userId).changes) > 0) touch(userId);
      });
    },
    async deleteItems(userId, threadId, itemIds) {
      write(threadId, () => {
        for (const itemId of itemIds) q.deleteItem.run(itemId, threadId, userId);
      });
    },
    async getItem(userId, threadId, itemId) {
      const row = get<Row>(q.getItem, itemId, threadId, userId);
      return row ? (JSON.parse(row.data) as ThreadItem) : undefined;
    },
    async listItems(userId, threadId, { limit, order, after }): Promise<Page<ThreadItem>> {
      let from = start(order);
      if (after) {
        const cursor = get<Row>(q.getItem, after, threadId, userId);
        if (!cursor) throw new UnknownCursorError();
        from = cursor.seq;
      }
      return toPage(parse<ThreadItem>(all(itemPages[order], threadId, userId, from, limit + 1)), limit, 'always');
    },
    async countItems(userId, threadId) {
      return Number(get<{ n: number }>(q.countItems, threadId, userId)!.n);
    },
    async addFeedback(userId, threadId, itemIds, kind) {
      const at = new Date().toISOString();
      write(threadId, () => {
        for (const itemId of itemIds) q.upsertFeedback.run(kind, at, itemId, threadId, userId);
      });
    },
    async savePendingApproval(userId, approval) {
      write(approval.threadId, () => approvals.insert.run(approval.id, approval.threadId, userId, JSON.stringify(approval)));
    },
    async takePendingApproval(userId, threadId, approvalId) {
      const row = write(threadId, () => get<{ data: string }>(approvals.take, approvalId, threadId, userId));
      return row ? (JSON.parse(row.data) as PendingApproval) : undefined;
    },
    async saveAttachment(userId, record) {
      const { threadId, status, ...rest } = record;
      attachments.insert.run(record.id, userId, threadId ?? null, status, record.size, record.createdAtMs, JSON.stringify(rest));
    },
    async getAttachment(userId, attachmentId) {
      const row = get<AttachmentRow>(attachments.get, attachmentId, userId);
      return row && attachmentFromRow(row);
    },
    async setAttachmentStatus(userId, attachmentId, from, to) {
      return Number(attachments.setStatus.run(to, attachmentId, userId, from).changes) > 0;
    },
    async attachToThread(userId, attachmentIds, threadId) {
      const refused = new Error('not attachable');
      try {
        inTransaction(() => {
          for (const id of new Set(attachmentIds))
            if (Number(attachments.attach.run(threadId, id, userId, threadId).changes) === 0) throw refused;
        });
        return true;
      } catch (err) {
        if (err === refused) return false;
        throw err;
      }
    },
    async deleteAttachment(userId, attachmentId) {
      return Number(attachments.delete.run(attachmentId, userId).changes) > 0;
    },
    async listThreadAttachments(userId, threadId) {
      return (attachments.ofThread.all(userId, threadId) as unknown as AttachmentRow[]).map(attachmentFromRow);
    },
    async takeOrphanAttachments(createdBeforeMs, limit) {
      const rows = attachments.orphans.all(createdBeforeMs, limit) as Array<{ id: string; user_id: string }>;
      return rows.map((row) => ({ userId: row.user_id, attachmentId: row.id }));
    },
    async usage(userId) {
      const row = get<{ threads: number; items: number; bytes: number; attachment_bytes: number }>(q.usage, userId)!;
      return { threads: Number(row.threads), items: Number(row.items), bytes: Number(row.bytes), attachmentBytes: Number(row.attachment_bytes) };
    },
    async deleteIdleUsers(userIdPrefix, idleSinceMs, limit) {
      const candidates = q.idleUsers.all(idleSinceMs, userIdPrefix.length, userIdPrefix, limit) as Array<{ user_id: string }>;
      const deleted: string[] = [];
      for (const { user_id: userId } of candidates) {
        // Nothing can write between the read above and here: this loop never yields to the event loop.
        inTransaction(() => {
          q.deleteUserThreads.run(userId); // items and feedback follow by ON DELETE CASCADE
          attachments.deleteOfUser.run(userId);
          q.deleteActivity.run(userId);
          deleted.push(userId);
        });
      }
      return deleted;
    },
    async ping() {
      return db.prepare('SELECT 1 AS ok').get() !== undefined;
    },
    async close() {
      if (db.isOpen) db.close();
    },
  };
}
