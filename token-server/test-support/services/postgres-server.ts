/**
 * A real PostgreSQL (Debian's, /usr/lib/postgresql/15/bin) for a test: a fresh cluster in a temporary folder,
 * listening on 127.0.0.1 and a free port, run as the `postgres` user when the tests run as root (PostgreSQL refuses
 * root), stopped by its own pid. It can be stopped and started again on the same data (a database outage).
 *
 *   const pg = await startPostgres();  const url = await pg.createDatabase('t1');  await pg.kill(); await pg.start();
 */
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, requireProgram, spawnService, waitFor, type ChildService } from './process.js';

const BIN = '/usr/lib/postgresql/15/bin';

export interface PostgresServer {
  /** URL of the `postgres` database (the superuser's, trust authentication on loopback). */
  url: string;
  /** The postmaster's pid (its backends are its children); undefined while it is down. */
  pid(): number | undefined;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** SIGKILL: the server dies as in a crash; `start()` recovers it from its WAL. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  stop(): Promise<void>;
}

/** Pids whose parent is `pid` (PostgreSQL's backends and helpers are the postmaster's children). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      // it ended while being read
    }
  }
  return children;
}

/** The uid/gid to run as: PostgreSQL will not run as root. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid <= 0) throw new Error('running as root, but there is no postgres user (apt-get install -y postgresql)');
  return { uid, gid: id('-g') };
}

export async function startPostgres(): Promise<PostgresServer> {
  requireProgram(join(BIN, 'postgres'), 'apt-get install -y postgresql');
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'ckw-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const initdb = spawnSync(join(BIN, 'initdb'), ['-D', dir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'], {
    encoding: 'utf8',
    ...user,
  });
  if (initdb.status !== 0) throw new Error(`initdb failed: ${initdb.stderr}`);
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let service: ChildService | undefined;

  const canQuery = async () => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const start = async () => {
    // fsync off: these clusters are thrown away; a killed server still recovers from its WAL.
    const args = ['-D', dir, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'];
    const started = spawnService(join(BIN, 'postgres'), args, { ...user });
    service = started;
    await waitFor(`PostgreSQL on port ${port}`, canQuery).catch((err: Error) => {
      throw new Error(`${err.message}: ${started.output()}`);
    });
  };
  const kill = async () => {
    // The whole server dies at once, backends included: a backend left alone would go on answering its open
    // connection for a moment after the postmaster is gone.
    const backends = service?.child.pid ? childrenOf(service.child.pid) : [];
    await service?.stop('SIGKILL');
    service = undefined;
    for (const pid of backends) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await waitFor('PostgreSQL to be gone', async () => !(await canQuery().catch(() => false)));
  };
  await start();

  return {
    url,
    pid: () => service?.child.pid,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
    },
    kill,
    start,
    async stop() {
      // SIGINT is PostgreSQL's fast shutdown: it ends sessions and exits.
      await service?.stop('SIGINT');
      service = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
