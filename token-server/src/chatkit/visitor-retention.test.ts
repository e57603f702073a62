import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pino from 'pino';
import { createMemoryStores } from '../stores/memory-store.js';
import { createChatKitBackend } from './index.js';
import type { ThreadItem, ThreadMetadata } from './protocol/types.js';
import { openSqliteThreadStore } from './store/sqlite-thread-store.js';
import type { ThreadStore } from './store/thread-store.js';
import { eventually, hs256Authenticate } from './testing/harness.js';
import { startVisitorRetention } from './visitor-retention.js';

const DAY = 24 * 60 * 60 * 1000;
const thread = (id: string): ThreadMetadata => ({ id, created_at: new Date().toISOString(), status: { type: 'active' }, metadata: {} });
const item = (id: string, threadId: string): ThreadItem => ({ id, thread_id: threadId, created_at: new Date().toISOString(), type: 'assistant_message', content: [] });

async function chatOf(store: ThreadStore, userId: string): Promise<void> {
  await store.createThread(userId, thread(`thr_${userId}`));
  await store.addItem(userId, item(`msg_${userId}`, `thr_${userId}`));
}

describe('visitor data retention (VISITOR_RETENTION_DAYS)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ckw-retention-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a pass deletes a visitor idle longer than the retention period, and nothing else', async () => {
    let now = Date.UTC(2026, 5, 1);
    const clock = { now: () => now };
    const store = openSqliteThreadStore(':memory:', { clock });
    const lines: string[] = [];
    const retention = startVisitorRetention({ store, retentionDays: 30, clock, logger: pino({}, { write: (l: string) => void lines.push(l) }) });
    try {
      await chatOf(store, 'anon_gone');
      await chatOf(store, 'anon_stays');
      await chatOf(store, 'user_signed_in');
      now += 29 * DAY;
      await store.addItem('anon_stays', item('msg_again', 'thr_anon_stays'));
      assert.equal(await retention.runOnce(), 0, 'nobody is idle for 30 days yet');
      now += 2 * DAY;

      assert.equal(await retention.runOnce(), 1);
      assert.equal(await store.getThread('anon_gone', 'thr_anon_gone'), undefined);
      assert.equal((await store.usage('anon_gone')).items, 0);
      assert.equal((await store.usage('anon_stays')).items, 2);
      assert.equal((await store.usage('user_signed_in')).items, 1);
      assert.match(lines.join(''), /"deleted":1/);
    } finally {
      await retention.stop();
      await store.close();
    }
  });

  test('a long pass works in batches and lets other work run between them', async () => {
    let now = 0;
    const clock = { now: () => now };
    const store = openSqliteThreadStore(':memory:', { clock });
    const retention = startVisitorRetention({ store, retentionDays: 1, clock, logger: pino({ level: 'silent' }) });
    try {
      for (let i = 0; i < 120; i++) await store.createThread(`anon_${i}`, thread(`thr_${i}`));
      now = 3 * DAY;
      let interleaved = false;
      const pass = retention.runOnce();
      setImmediate(() => {
        interleaved = true;
      });
      // Requests are answered while it works: the timer above got its turn before the pass finished.
      assert.equal(await pass, 120);
      assert.ok(interleaved);
    } finally {
      await retention.stop();
      await store.close();
    }
  });

  test('VISITOR_RETENTION_DAYS=0 keeps visitors forever', async () => {
    let now = 0;
    const clock = { now: () => now };
    const store = openSqliteThreadStore(':memory:', { clock });
    const retention = startVisitorRetention({ store, retentionDays: 0, clock, logger: pino({ level: 'silent' }) });
    try {
      await chatOf(store, 'anon_forever');
      now = 3650 * DAY;
      assert.equal(await retention.runOnce(), 0);
      assert.equal((await store.usage('anon_forever')).items, 1);
    } finally {
      await retention.stop();
      await store.close();
    }
  });

  test('the backend runs retention by itself when it starts, without being asked', async () => {
    const databasePath = join(dir, 'chatkit.sqlite');
    const old = openSqliteThreadStore(databasePath, { clock: { now: () => Date.now() - 40 * DAY } });
    await chatOf(old, 'anon_long_gone');
    await chatOf(old, 'user_kept');
    await old.close();

    const backend = createChatKitBackend({
      authenticate: hs256Authenticate(new Uint8Array(32)),
      rateLimits: createMemoryStores({ clock: { now: () => Date.now() } }).rateLimits,
      logger: pino({ level: 'silent' }),
      databasePath,
      model: null,
      visitorRetentionDays: 30,
    });
    const check = openSqliteThreadStore(databasePath);
    try {
      await eventually(async () => ((await check.usage('anon_long_gone')).threads === 0 ? true : undefined));
      assert.equal((await check.usage('user_kept')).threads, 1);
    } finally {
      await check.close();
      await backend.close();
    }
  });
});
