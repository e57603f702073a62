import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { manualClock } from '../../../test-support/start-app.js';
import { newId } from '../ids.js';
import { openSqliteThreadStore } from '../store/sqlite-thread-store.js';
import type { AttachmentRecord, ThreadStore } from '../store/thread-store.js';
import { startVisitorRetention } from '../visitor-retention.js';
import { openAttachmentStorage, type AttachmentStorage } from './attachment-storage.js';
import { ORPHAN_AGE_MS, startOrphanSweep } from './orphan-sweep.js';

const logger = pino({ level: 'silent' });
const bytes = Buffer.from('hello');

describe('attachments that no message took, and visitors that retention deletes', () => {
  let dataDir: string;
  let store: ThreadStore;
  let storage: AttachmentStorage;
  const clock = manualClock();
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ckw-sweep-'));
    store = openSqliteThreadStore(':memory:', { clock });
    storage = await openAttachmentStorage({ kind: 'disk' }, dataDir);
  });
  after(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const stored = async (userId: string): Promise<AttachmentRecord> => {
    const record: AttachmentRecord = { id: newId('attachment'), name: 'a.txt', mimeType: 'text/plain', size: bytes.length, status: 'ready', createdAtMs: clock.now() };
    await store.saveAttachment(userId, record);
    await storage.write(userId, record.id, Readable.from([bytes]), bytes.length, record.mimeType);
    return record;
  };
  const exists = (userId: string, id: string) => storage.read(userId, id).then((stream) => (stream.destroy(), true), () => false);

  test('an hour after it was announced, an unattached attachment is removed, file and record; one in a message stays', async () => {
    const thread = { id: newId('thread'), created_at: new Date().toISOString(), status: { type: 'active' as const }, metadata: {} };
    await store.createThread('ann', thread);
    const orphan = await stored('ann');
    const kept = await stored('ann');
    await store.attachToThread('ann', [kept.id], thread.id);
    const sweep = startOrphanSweep({ store, storage, clock, logger, intervalMs: 3_600_000 });
    try {
      assert.equal(await sweep.runOnce(), 0, 'not yet an hour old');
      clock.advance(ORPHAN_AGE_MS + 1);
      assert.equal(await sweep.runOnce(), 1);
      assert.equal(await exists('ann', orphan.id), false);
      assert.equal(await store.getAttachment('ann', orphan.id), undefined);
      assert.equal(await exists('ann', kept.id), true);
    } finally {
      await sweep.stop();
    }
  });

  test("when retention deletes a visitor, their attachments' files go too", async () => {
    const visitor = `anon_${newId('thread')}`;
    const thread = { id: newId('thread'), created_at: new Date().toISOString(), status: { type: 'active' as const }, metadata: {} };
    await store.createThread(visitor, thread);
    const file = await stored(visitor);
    await store.attachToThread(visitor, [file.id], thread.id);
    clock.advance(2 * 24 * 3600_000);
    const retention = startVisitorRetention({
      store,
      retentionDays: 1,
      clock,
      logger,
      intervalMs: 3_600_000,
      onUsersDeleted: async (ids) => {
        for (const id of ids) await storage.removeUser(id);
      },
    });
    try {
      assert.ok((await retention.runOnce()) >= 1);
      assert.equal(await exists(visitor, file.id), false);
    } finally {
      await retention.stop();
    }
  });
});
