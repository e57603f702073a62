import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import { spawnService, waitFor } from '../../../test-support/services/process.js';
import { allItems } from './thread-store.js';
import { openSqliteThreadStore } from './sqlite-thread-store.js';

const WRITER = fileURLToPath(new URL('../../../test-support/sqlite-writer.ts', import.meta.url));

describe('the embedded SQLite store when its process is killed', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ckw-crash-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('kill -9 during a burst of writes: after a restart every committed item is there, in order, and the file is sound', async () => {
    const path = join(dataDir, 'chatkit.sqlite');
    const writer = spawnService(process.execPath, ['--import', import.meta.resolve('tsx'), WRITER, path]);
    const acknowledged: string[] = [];
    let partial = '';
    writer.child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line.startsWith('committed ')) acknowledged.push(line.slice('committed '.length));
    });
    try {
      await waitFor('the writer to commit 2,000 items', async () => acknowledged.length >= 2_000, { attempts: 600 }).catch((err: Error) => {
        throw new Error(`${err.message} (${acknowledged.length} so far): ${writer.output().slice(-2_000)}`);
      });
    } finally {
      await writer.stop('SIGKILL');
    }

    const store = openSqliteThreadStore(path);
    try {
      const stored = (await allItems(store, 'writer', 'thr_crash')).map((item) => item.id);
      const storedSet = new Set(stored);
      const lost = acknowledged.filter((id) => !storedSet.has(id));
      assert.deepEqual(lost, [], 'nothing acknowledged as committed is lost');
      const numbers = stored.map((id) => Number(id.slice(4)));
      assert.deepEqual(numbers, numbers.map((_, i) => i), 'items are in order with no gap');
      console.log(`# sqlite crash: ${acknowledged.length} acknowledged, ${stored.length} stored after kill -9`);
    } finally {
      await store.close();
    }
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      assert.equal(db.prepare('PRAGMA integrity_check').get()!.integrity_check, 'ok');
    } finally {
      db.close();
    }
  });
});
