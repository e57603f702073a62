import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import pino from 'pino';
import { startPostgres, type PostgresServer } from '../../../test-support/services/postgres-server.js';
import { StoreUnavailableError } from '../../stores/store.js';
import { POSTGRES_SCHEMA_VERSION, openPostgresThreadStore } from './postgres-thread-store.js';

const logger = pino({ level: 'silent' });
const thread = (id: string) => ({ id, created_at: new Date().toISOString(), status: { type: 'active' as const }, metadata: {} });

describe('the PostgreSQL thread store', () => {
  let postgres: PostgresServer;
  before(async () => {
    postgres = await startPostgres();
  });
  after(() => postgres.stop());

  test('when eight instances start at once on an empty database, the schema is migrated exactly once and all of them work', async () => {
    const url = await postgres.createDatabase('concurrent_start');
    const stores = await Promise.all(Array.from({ length: 8 }, () => openPostgresThreadStore({ url, logger, maxConnections: 2 })));
    try {
      await Promise.all(stores.map((store, i) => store.createThread('u', thread(`thr_${i}`))));
      assert.equal(await stores[0]!.countThreads('u'), 8);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query('SELECT version FROM chatkit_schema_migrations ORDER BY version');
      await client.end();
      assert.deepEqual(rows.map((r) => r.version), Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => i + 1));
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  test('when the database has a newer schema than this server knows, it refuses to start instead of changing it', async () => {
    const url = await postgres.createDatabase('from_the_future');
    await (await openPostgresThreadStore({ url, logger })).close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('INSERT INTO chatkit_schema_migrations (version) VALUES ($1)', [POSTGRES_SCHEMA_VERSION + 1]);
    await client.end();
    await assert.rejects(openPostgresThreadStore({ url, logger }), /newer than this server knows/);
  });

  test('when the database cannot be reached at start, opening fails with one line naming DATABASE_URL and no password', async () => {
    const url = 'postgres://chat:secret-canary@127.0.0.1:1/chat';
    const error = await openPostgresThreadStore({ url, logger, connectTimeoutMs: 1_000 }).catch((err: Error) => err);
    assert.ok(error instanceof Error);
    assert.match(error.message, /^DATABASE_URL: /);
    assert.ok(!error.message.includes('secret-canary') && !error.message.includes('\n'), error.message);
  });

  test('while PostgreSQL is down calls fail quickly as "unavailable", and once it is back the same store works again', async () => {
    const url = await postgres.createDatabase('outage');
    const store = await openPostgresThreadStore({ url, logger, connectTimeoutMs: 1_000 });
    try {
      await store.createThread('u', thread('thr_before'));
      await postgres.kill();
      await assert.rejects(store.getThread('u', 'thr_before'), StoreUnavailableError);
      await assert.rejects(store.addItem('u', { id: 'msg_down', thread_id: 'thr_before', created_at: new Date().toISOString(), type: 'assistant_message', content: [] }), StoreUnavailableError);
      assert.equal(await store.ping().catch(() => false), false);
      await postgres.start();
      assert.equal((await store.getThread('u', 'thr_before'))?.id, 'thr_before', 'committed data survived the crash');
      await store.createThread('u', thread('thr_after'));
      assert.equal(await store.countThreads('u'), 2);
    } finally {
      await store.close();
    }
  });
});
