/**
 * ThreadStore on PostgreSQL (`DATABASE_URL`), shared by every server instance. Records are kept as JSON text, as
 * the client reads them (no query looks inside); `seq` gives the order pages are read in.
 *
 * - Migrations are numbered and run in one transaction under an advisory lock, so instances that start at once
 *   apply each exactly once and the others wait, then find nothing to do.
 * - The pool is bounded (connections, connect timeout, statement timeout), so an overloaded or unreachable
 *   database gives quick failures instead of a queue that grows.
 * - A reply's writes are fenced by its claim's token (reply-fence.ts), checked under the thread row's lock.
 * - A write that touches several rows (deleting items or a thread with its items, feedback, taking an approval) is
 *   one statement, so it happens whole or not at all, and two instances cannot both take one approval.
 * - While the database cannot be reached every call throws `StoreUnavailableError` (503 `store_unavailable`);
 *   the pool opens new connections once it is back, without a restart.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../../clock.js';
import { StoreUnavailableError } from '../../stores/store.js';
import type { Page, ThreadItem, ThreadMetadata } from '../protocol/types.js';
import { StaleReplyError, fenceFor } from './reply-fence.js';
import { UnknownCursorError, attachmentFromRow, toPage, type AttachmentRow, type PendingApproval, type ThreadStore } from './thread-store.js';

/** Each entry moves the schema from version i to i + 1. Append only; never edit a shipped migration. */
const MIGRATIONS: string[] = [
  `CREATE TABLE chatkit_threads (
     seq BIGSERIAL PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     user_id TEXT NOT NULL,
     data TEXT NOT NULL,
     -- The largest reply-claim token that wrote to the thread (reply-fence.ts).
     reply_fence BIGINT NOT NULL DEFAULT 0
   );
   CREATE INDEX chatkit_threads_by_user ON chatkit_threads (user_id, seq);
   CREATE TABLE chatkit_items (
     seq BIGSERIAL PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     thread_id TEXT NOT NULL REFERENCES chatkit_threads (id) ON DELETE CASCADE,
     user_id TEXT NOT NULL,
     data TEXT NOT NULL,
     -- For the per-user quota: the stored JSON's size, summed by user from the index alone.
     bytes INTEGER NOT NULL
   );
   CREATE INDEX chatkit_items_by_thread ON chatkit_items (thread_id, user_id, seq);
   CREATE INDEX chatkit_items_by_user ON chatkit_items (user_id, bytes);
   -- For retention: each user's last write (unix ms).
   CREATE TABLE chatkit_user_activity (
     user_id TEXT PRIMARY KEY,
     active_at BIGINT NOT NULL
   );
   CREATE INDEX chatkit_user_activity_by_time ON chatkit_user_activity (active_at);
   CREATE TABLE chatkit_feedback (
     item_id TEXT PRIMARY KEY REFERENCES chatkit_items (id) ON DELETE CASCADE,
     kind TEXT NOT NULL,
     created_at TIMESTAMPTZ NOT NULL
   );
   CREATE TABLE chatkit_pending_approvals (
     id TEXT PRIMARY KEY,
     thread_id TEXT NOT NULL REFERENCES chatkit_threads (id) ON DELETE CASCADE,
     user_id TEXT NOT NULL,
     data TEXT NOT NULL
   );`,
  // Attachments' records (the bytes are in the attachment storage); thread_id is set when a message takes one.
  `CREATE TABLE chatkit_attachments (
     id TEXT PRIMARY KEY,
     user_id TEXT NOT NULL,
     thread_id TEXT,
     status TEXT NOT NULL,
     size BIGINT NOT NULL,
     created_at BIGINT NOT NULL,
     data TEXT NOT NULL
   );
   CREATE INDEX chatkit_attachments_by_user ON chatkit_attachments (user_id, thread_id);
   CREATE INDEX chatkit_attachments_unattached ON chatkit_attachments (created_at) WHERE thread_id IS NULL;`,
];

export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

/** Any constant: the advisory lock every instance takes to migrate. */
const MIGRATION_LOCK = 727_011;

export interface PostgresThreadStoreOptions {
  url: string;
  logger: Logger;
  /** Connections per instance (default 10). */
  maxConnections?: number;
  /** Longest wait for a connection, and for one statement (default 5 s and 10 s). */
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** Stamps each user's last write, which retention compares against. */
  clock?: Clock;
}

/** SQLSTATE classes and socket errors that mean "the database is not reachable right now". */
function isUnavailable(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: string; message?: string };
  if (code && /^(08|53|57P)/.test(code)) return true;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code)) return true;
  return /timeout exceeded when trying to connect|Connection terminated|connection timeout/i.test(message ?? '');
}

const rethrow = (err: unknown): never => {
  throw isUnavailable(err) ? new StoreUnavailableError('database', { cause: err }) : err;
};

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS chatkit_schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM chatkit_schema_migrations');
    const current = rows[0]?.version ?? 0;
    if (current > MIGRATIONS.length)
      throw new Error(`The ChatKit database has schema version ${current}, newer than this server knows (${MIGRATIONS.length}).`);
    for (let version = current; version < MIGRATIONS.length; version++) {
      await client.query(MIGRATIONS[version]!);
      await client.query('INSERT INTO chatkit_schema_migrations (version) VALUES ($1)', [version + 1]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

interface Row {
  seq: string;
  data: string;
}

const parse = <T>(rows: Row[]): T[] => rows.map((row) => JSON.parse(row.data) as T);

/** Opens the pool and brings the schema up to date; throws (naming the problem) when that cannot be done. */
export async function openPostgresThreadStore({
  url,
  logger,
  maxConnections = 10,
  connectTimeoutMs = 5_000,
  statementTimeoutMs = 10_000,
  clock = systemClock,
}: PostgresThreadStoreOptions): Promise<ThreadStore> {
  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections,
    connectionTimeoutMillis: connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + 1_000,
    application_name: 'chat-kit-widget',
  });
  // An idle connection that dies (database restarted) is reported here; without a listener it would crash the process.
  pool.on('error', (err) => logger.warn({ component: 'postgres', err: { name: err.name, message: err.message } }, 'PostgreSQL connection lost'));
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    // One line for the start-up failure; never the URL, which may hold a password.
    throw new Error(`DATABASE_URL: the ChatKit database could not be prepared: ${(err as Error).message}`, { cause: err });
  }

  const query = async <R extends pg.QueryResultRow = Row>(text: string, params: unknown[]) => {
    try {
      return await pool.query<R>(text, params);
    } catch (err) {
      return rethrow(err);
    }
  };
  /**
   * A write to `threadId`. A fenced one (reply-fence.ts) runs in a transaction that first raises the thread's fence to
   * the reply's token (locking the row), or refuses the write when a newer claim has written.
   */
  const write = async <R extends pg.QueryResultRow = Row>(threadId: string, text: string, params: unknown[]) => {
    const token = fenceFor(threadId);
    if (token === undefined) return query<R>(text, params);
    const client = await pool.connect().catch(rethrow);
    try {
      await client.query('BEGIN');
      // Locks the row until COMMIT and answers the fence as it now is: larger than the token means a newer claim wrote.
      const { rows } = await client.query<{ reply_fence: string }>(
        'UPDATE chatkit_threads SET reply_fence = GREATEST(reply_fence, $1) WHERE id = $2 RETURNING reply_fence',
        [token, threadId],
      );
      if (rows[0] && Number(rows[0].reply_fence) > token) throw new StaleReplyError(threadId);
      const result = await client.query<R>(text, params);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      return rethrow(err);
    } finally {
      client.release();
    }
  };
  const seqOf = async (table: 'chatkit_threads' | 'chatkit_items', where: string, params: unknown[]) => {
    const { rows } = await query(`SELECT seq FROM ${table} WHERE ${where}`, params);
    if (!rows[0]) throw new UnknownCursorError();
    return rows[0].seq;
  };
  const page = (order: 'asc' | 'desc') => (order === 'asc' ? { op: '>', dir: 'ASC' } : { op: '<', dir: 'DESC' });
  // PostgreSQL's bigint upper bound: "before everything" for a descending page.
  const start = (order: 'asc' | 'desc') => (order === 'asc' ? '0' : '9223372036854775807');
  /**
   * `statement` (a write RETURNING user_id) in one statement with stamping that user's activity, for retention.
   * Its row count is then the number of rows the write changed (one user per write). `before` are CTEs the
   * statement reads (`name AS (...), `), since a data-modifying WITH may not be nested.
   */
  const touching = (statement: string, activeAtParam: number, before = '') => `WITH ${before}changed AS (${statement} RETURNING user_id)
    INSERT INTO chatkit_user_activity (user_id, active_at) SELECT DISTINCT user_id, $${activeAtParam}::bigint FROM changed
    ON CONFLICT (user_id) DO UPDATE SET active_at = excluded.active_at`;
  const stored = (item: ThreadItem) => {
    const data = JSON.stringify(item);
    return { data, bytes: Buffer.byteLength(data) };
  };


  return {
    kind: 'postgres',
    async createThread(userId, thread, firstItem) {
      // Created by a reply holding the new thread's claim: the fence starts at its token.
      const fence = fenceFor(thread.id) ?? 0;
      if (!firstItem) {
        await query(touching('INSERT INTO chatkit_threads (id, user_id, data, reply_fence) VALUES ($1, $2, $3, $4)', 5), [
          thread.id,
          userId,
          JSON.stringify(thread),
          fence,
          clock.now(),
        ]);
        return;
      }
      // One statement, so the thread and its first item are stored together (the item's foreign key is checked at its end).
      const { data, bytes } = stored(firstItem);
      await query(
        touching(
          'INSERT INTO chatkit_items (id, thread_id, user_id, data, bytes) SELECT $5, id, user_id, $6, $7 FROM created',
          8,
          'created AS (INSERT INTO chatkit_threads (id, user_id, data, reply_fence) VALUES ($1, $2, $3, $4) RETURNING id, user_id), ',
        ),
        [thread.id, userId, JSON.stringify(thread), fence, firstItem.id, data, bytes, clock.now()],
      );
    },
    async getThread(userId, threadId) {
      const { rows } = await query('SELECT seq, data FROM chatkit_threads WHERE id = $1 AND user_id = $2', [threadId, userId]);
      return parse<ThreadMetadata>(rows)[0];
    },
    async updateThread(userId, thread) {
      const result = await write(thread.id, touching('UPDATE chatkit_threads SET data = $1 WHERE id = $2 AND user_id = $3', 4), [
        JSON.stringify(thread),
        thread.id,
        userId,
        clock.now(),
      ]);
      return (result.rowCount ?? 0) > 0;
    },
    async deleteThread(userId, threadId) {
      // One statement: the thread, its items (by cascade) and its attachments' records go together.
      const result = await query(
        `WITH files AS (DELETE FROM chatkit_attachments WHERE thread_id = $1 AND user_id = $2),
           changed AS (DELETE FROM chatkit_threads WHERE id = $1 AND user_id = $2 RETURNING user_id)
         INSERT INTO chatkit_user_activity (user_id, active_at) SELECT DISTINCT user_id, $3::bigint FROM changed
         ON CONFLICT (user_id) DO UPDATE SET active_at = excluded.active_at`,
        [threadId, userId, clock.now()],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async listThreads(userId, { limit, order, after }): Promise<Page<ThreadMetadata>> {
      const from = after ? await seqOf('chatkit_threads', 'id = $1 AND user_id = $2', [after, userId]) : start(order);
      const { op, dir } = page(order);
      const { rows } = await query(
        `SELECT seq, data FROM chatkit_threads WHERE user_id = $1 AND seq ${op} $2 ORDER BY seq ${dir} LIMIT $3`,
        [userId, from, limit + 1],
      );
      return toPage(parse<ThreadMetadata>(rows), limit, 'when_more');
    },
    async countThreads(userId) {
      const { rows } = await query<{ n: string }>('SELECT count(*) AS n FROM chatkit_threads WHERE user_id = $1', [userId]);
      return Number(rows[0]!.n);
    },
    async addItem(userId, item) {
      const { data, bytes } = stored(item);
      await write(item.thread_id, touching('INSERT INTO chatkit_items (id, thread_id, user_id, data, bytes) VALUES ($1, $2, $3, $4, $5)', 6), [
        item.id,
        item.thread_id,
        userId,
        data,
        bytes,
        clock.now(),
      ]);
    },
    async saveItem(userId, item) {
      const { data, bytes } = stored(item);
      await write(item.thread_id, touching('UPDATE chatkit_items SET data = $1, bytes = $2 WHERE id = $3 AND thread_id = $4 AND user_id = $5', 6), [
        data,
        bytes,
        item.id,
        item.thread_id,
        userId,
        clock.now(),
      ]);
    },
    async deleteItems(userId, threadId, itemIds) {
      await write(threadId, 'DELETE FROM chatkit_items WHERE id = ANY($1::text[]) AND thread_id = $2 AND user_id = $3', [itemIds, threadId, userId]);
    },
    async getItem(userId, threadId, itemId) {
      const { rows } = await query('SELECT seq, data FROM chatkit_items WHERE id = $1 AND thread_id = $2 AND user_id = $3', [itemId, threadId, userId]);
      return parse<ThreadItem>(rows)[0];
    },
    async listItems(userId, threadId, { limit, order, after }): Promise<Page<ThreadItem>> {
      const from = after ? await seqOf('chatkit_items', 'id = $1 AND thread_id = $2 AND user_id = $3', [after, threadId, userId]) : start(order);
      const { op, dir } = page(order);
      const { rows } = await query(
        `SELECT seq, data FROM chatkit_items WHERE thread_id = $1 AND user_id = $2 AND seq ${op} $3 ORDER BY seq ${dir} LIMIT $4`,
        [threadId, userId, from, limit + 1],
      );
      return toPage(parse<ThreadItem>(rows), limit, 'always');
    },
    async countItems(userId, threadId) {
      const { rows } = await query<{ n: string }>('SELECT count(*) AS n FROM chatkit_items WHERE thread_id = $1 AND user_id = $2', [threadId, userId]);
      return Number(rows[0]!.n);
    },
    async addFeedback(userId, threadId, itemIds, kind) {
      await write(
        threadId,
        `INSERT INTO chatkit_feedback (item_id, kind, created_at)
         SELECT id, $1, now() FROM chatkit_items WHERE id = ANY($2::text[]) AND thread_id = $3 AND user_id = $4
         ON CONFLICT (item_id) DO UPDATE SET kind = excluded.kind, created_at = excluded.created_at`,
        [kind, itemIds, threadId, userId],
      );
    },
    async savePendingApproval(userId, approval) {
      await write(approval.threadId, 'INSERT INTO chatkit_pending_approvals (id, thread_id, user_id, data) VALUES ($1, $2, $3, $4)', [
        approval.id,
        approval.threadId,
        userId,
        JSON.stringify(approval),
      ]);
    },
    async takePendingApproval(userId, threadId, approvalId) {
      // One statement, so two answers racing for the same approval (on any instances) cannot both get it.
      const { rows } = await write<{ data: string }>(
        threadId,
        'DELETE FROM chatkit_pending_approvals WHERE id = $1 AND thread_id = $2 AND user_id = $3 RETURNING data',
        [approvalId, threadId, userId],
      );
      return rows[0] ? (JSON.parse(rows[0].data) as PendingApproval) : undefined;
    },
    async saveAttachment(userId, record) {
      const { threadId, status, ...rest } = record;
      await query('INSERT INTO chatkit_attachments (id, user_id, thread_id, status, size, created_at, data) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        record.id,
        userId,
        threadId ?? null,
        status,
        record.size,
        record.createdAtMs,
        JSON.stringify(rest),
      ]);
    },
    async getAttachment(userId, attachmentId) {
      const { rows } = await query<AttachmentRow>('SELECT thread_id, status, data FROM chatkit_attachments WHERE id = $1 AND user_id = $2', [
        attachmentId,
        userId,
      ]);
      return rows[0] && attachmentFromRow(rows[0]);
    },
    async setAttachmentStatus(userId, attachmentId, from, to) {
      const result = await query('UPDATE chatkit_attachments SET status = $1 WHERE id = $2 AND user_id = $3 AND status = $4', [to, attachmentId, userId, from]);
      return (result.rowCount ?? 0) > 0;
    },
    async attachToThread(userId, attachmentIds, threadId) {
      const ids = [...new Set(attachmentIds)];
      // One statement, all or none: it changes rows only when every id names an attachable record.
      const result = await query(
        `WITH attachable AS (
           SELECT id FROM chatkit_attachments
           WHERE id = ANY($1::text[]) AND user_id = $2 AND status = 'ready' AND (thread_id IS NULL OR thread_id = $3)
           FOR UPDATE
         )
         UPDATE chatkit_attachments SET thread_id = $3
         WHERE id IN (SELECT id FROM attachable) AND (SELECT count(*) FROM attachable) = cardinality($1::text[])`,
        [ids, userId, threadId],
      );
      return (result.rowCount ?? 0) === ids.length;
    },
    async deleteAttachment(userId, attachmentId) {
      const result = await query('DELETE FROM chatkit_attachments WHERE id = $1 AND user_id = $2', [attachmentId, userId]);
      return (result.rowCount ?? 0) > 0;
    },
    async listThreadAttachments(userId, threadId) {
      const { rows } = await query<AttachmentRow>('SELECT thread_id, status, data FROM chatkit_attachments WHERE user_id = $1 AND thread_id = $2', [
        userId,
        threadId,
      ]);
      return rows.map(attachmentFromRow);
    },
    async takeOrphanAttachments(createdBeforeMs, limit) {
      const { rows } = await query<{ id: string; user_id: string }>(
        `DELETE FROM chatkit_attachments WHERE id IN (
           SELECT id FROM chatkit_attachments WHERE thread_id IS NULL AND created_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED
         ) RETURNING id, user_id`,
        [createdBeforeMs, limit],
      );
      return rows.map((row) => ({ userId: row.user_id, attachmentId: row.id }));
    },
    async usage(userId) {
      const { rows } = await query<{ threads: string; items: string; bytes: string; attachment_bytes: string }>(
        `SELECT (SELECT count(*) FROM chatkit_threads WHERE user_id = $1) AS threads, count(*) AS items, COALESCE(sum(bytes), 0) AS bytes,
           (SELECT COALESCE(sum(size), 0) FROM chatkit_attachments WHERE user_id = $1) AS attachment_bytes
         FROM chatkit_items WHERE user_id = $1`,
        [userId],
      );
      const row = rows[0]!;
      return { threads: Number(row.threads), items: Number(row.items), bytes: Number(row.bytes), attachmentBytes: Number(row.attachment_bytes) };
    },
    async deleteIdleUsers(userIdPrefix, idleSinceMs, limit) {
      // One statement: the idle users' activity rows stay locked until their threads are gone (a write of theirs
      // waits), and SKIP LOCKED lets the passes of several instances share the work instead of queueing.
      const { rows } = await query<{ user_id: string }>(
        `WITH idle AS (
           SELECT user_id FROM chatkit_user_activity WHERE active_at < $1 AND starts_with(user_id, $2)
           ORDER BY active_at LIMIT $3 FOR UPDATE SKIP LOCKED
         ), threads AS (
           DELETE FROM chatkit_threads WHERE user_id IN (SELECT user_id FROM idle)
         ), files AS (
           DELETE FROM chatkit_attachments WHERE user_id IN (SELECT user_id FROM idle)
         )
         DELETE FROM chatkit_user_activity WHERE user_id IN (SELECT user_id FROM idle) RETURNING user_id`,
        [idleSinceMs, userIdPrefix, limit],
      );
      return rows.map((row) => row.user_id);
    },
    async ping() {
      const { rows } = await query<{ ok: number }>('SELECT 1 AS ok', []);
      return rows[0]?.ok === 1;
    },
    async close() {
      await pool.end().catch(() => undefined);
    },
  };
}
