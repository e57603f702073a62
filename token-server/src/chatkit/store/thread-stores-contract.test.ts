import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import pino from 'pino';
import { startPostgres, type PostgresServer } from '../../../test-support/services/postgres-server.js';
import { openPostgresThreadStore } from './postgres-thread-store.js';
import { openSqliteThreadStore } from './sqlite-thread-store.js';
import { threadStoreContract } from './thread-store.contract.js';

const dataDir = mkdtempSync(join(tmpdir(), 'ckw-contract-'));
let postgres: PostgresServer;
before(async () => {
  postgres = await startPostgres();
});
after(async () => {
  await postgres.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

threadStoreContract({ name: 'SQLite (in memory)', open: async ({ clock }) => openSqliteThreadStore(':memory:', { clock }) });
threadStoreContract({ name: 'SQLite (on disk)', open: async ({ clock }) => openSqliteThreadStore(join(dataDir, 'contract.sqlite'), { clock }) });
threadStoreContract({
  name: 'PostgreSQL',
  open: async ({ clock }) => openPostgresThreadStore({ url: await postgres.createDatabase('contract'), logger: pino({ level: 'silent' }), clock }),
});
