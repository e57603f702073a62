/**
 * Several instances (`npm run bench -- --only=instances`): replies per second and `/public` per second with one
 * instance on the embedded defaults, one on PostgreSQL + Redis, and two on PostgreSQL + Redis (the load split
 * between them, the second instance pinned to the other core); where the CPU goes in the two-instance run; and the
 * latency a Redis-backed rate-limit check adds per request. PostgreSQL and Redis are Debian's, started as the
 * tests start them. On 2 cores the two instances share the machine with the load generator, the mock, PostgreSQL
 * and Redis, so the ratio says more about overhead than about scaling.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import pino from 'pino';
import { createMemoryStores } from '../../token-server/src/stores/memory-store.js';
import { createRedisStores } from '../../token-server/src/stores/redis-store.js';
import type { Stores } from '../../token-server/src/stores/store.js';
import { startPostgres, type PostgresServer } from '../../token-server/test-support/services/postgres-server.js';
import { startRedis, type RedisServer } from '../../token-server/test-support/services/redis-server.js';
import type { BenchFlags } from '../harness/args.js';
import type { Host } from '../harness/hosts.js';
import { createIdentity, userTokens, type Identity } from '../harness/identity.js';
import { describeUnexpected, runLoad } from '../harness/load.js';
import type { Report } from '../harness/report.js';
import { startMock, startTokenServer, type TokenServer } from '../harness/stack.js';
import { median, percentile } from '../harness/stats.js';
import { tokenScenarios } from '../harness/token-scenarios.js';
import { failureNote, runStreams, type StreamRun, type Target } from './backend.js';

const USERS = 2_000;
const CONCURRENCY = 50;
const REPLIES = 2_000;
const TIME_LIMIT_MS = 20_000;
const RATE_LIMIT_CHECKS = 5_000;
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process and of its children, live and exited (PostgreSQL runs one per connection). */
function treeCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const fields = (p: number | string) => {
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  };
  // After the name: [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime (clock ticks).
  const own = fields(pid).map(Number);
  let ticks = own[11]! + own[12]! + own[13]! + own[14]!;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const child = fields(entry).map(Number);
      if (child[1] === pid) ticks += child[11]! + child[12]!;
    } catch {
      // the process ended while being read
    }
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

interface Deployment {
  name: string;
  servers: TokenServer[];
}

/** Replies streamed at `CONCURRENCY` in total, split evenly over the deployment's servers; answers replies per second. */
async function repliesPerSecond(deployment: Deployment, tokens: string[]): Promise<{ perSecond: number; run: StreamRun }> {
  const share = Math.ceil(REPLIES / deployment.servers.length);
  const started = performance.now();
  const runs = await Promise.all(
    deployment.servers.map((server, s) => {
      const target: Target = { url: `${server.url}/api/chatkit`, headers: (i) => ({ authorization: `Bearer ${tokens[(i * deployment.servers.length + s) % USERS]}` }) };
      return runStreams(target, CONCURRENCY / deployment.servers.length, share, TIME_LIMIT_MS);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const run: StreamRun = { timings: runs.flatMap((r) => r.timings), failures: runs.reduce((n, r) => n + r.failures, 0), firstFailure: runs.find((r) => r.firstFailure)?.firstFailure };
  return { perSecond: run.timings.length / seconds, run };
}

/** Returning-visitor `/public` calls with `CONCURRENCY` connections in total, split over the servers. */
async function publicPerSecond(deployment: Deployment, identity: Identity, durationMs: number) {
  const results = await Promise.all(
    deployment.servers.map(async (server) => {
      const scenario = (await tokenScenarios(identity)).find((s) => s.name.startsWith('/public'))!;
      return runLoad({ url: server.url, connections: CONCURRENCY / deployment.servers.length, durationMs, expectedStatus: 200, requests: [scenario.request] });
    }),
  );
  const notes = results.map(describeUnexpected).filter(Boolean);
  return { perSecond: results.reduce((sum, r) => sum + r.requestsPerSecond, 0), p50Ms: Math.max(...results.map((r) => r.p50Ms)), note: notes.join('; ') || undefined };
}

/** Median and p99 of sequential rate-limit checks against `stores`, in microseconds. */
async function rateLimitCheckUs(stores: Stores): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let i = 0; i < RATE_LIMIT_CHECKS; i++) {
    const started = performance.now();
    await stores.rateLimits.consume(`bench:${i % 100}`, 1_000_000, 60_000);
    samples.push((performance.now() - started) * 1000);
  }
  return { p50: median(samples), p99: percentile(samples, 99) };
}

export async function instancesSuite(report: Report, flags: BenchFlags): Promise<void> {
  const identity = await createIdentity();
  const tokens = await userTokens(identity, USERS);
  const mock = await startMock(identity);
  let redis: RedisServer | undefined;
  let postgres: PostgresServer | undefined;
  const started: TokenServer[] = [];
  const stopAll = async () => {
    await Promise.all(started.splice(0).map((server) => server.stop()));
  };
  try {
    [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
    const shared = { DATABASE_URL: await postgres.createDatabase('bench'), REDIS_URL: redis.url, SIGNING_KEY: randomBytes(32).toString('base64url') };
    const start = async (name: string, env: Record<string, string> = {}, cpu = 0) => {
      // The host lifts the other limits; this one (per returning visitor) would answer the chained /public calls 429.
      const server = await startTokenServer(mock, name, [], { RATE_LIMIT_PUBLIC_PER_VISITOR: '1000000', ...env }, cpu);
      started.push(server);
      return server;
    };

    const measure = async (deployment: Deployment) => {
      await runStreams({ url: `${deployment.servers[0]!.url}/api/chatkit`, headers: (i) => ({ authorization: `Bearer ${tokens[i % USERS]}` }) }, 10, 100, 10_000);
      const cpuBefore = { servers: await Promise.all(deployment.servers.map((s: Host) => s.probe())), redis: treeCpuSeconds(redis!.pid()), postgres: treeCpuSeconds(postgres!.pid()) };
      const replies = await repliesPerSecond(deployment, tokens);
      const cpuAfter = { servers: await Promise.all(deployment.servers.map((s: Host) => s.probe())), redis: treeCpuSeconds(redis!.pid()), postgres: treeCpuSeconds(postgres!.pid()) };
      const visitors = await publicPerSecond(deployment, identity, flags.durationMs);
      const perReply = (seconds: number) => (seconds * 1000) / Math.max(1, replies.run.timings.length);
      const cpu = {
        servers: perReply(cpuAfter.servers.reduce((sum, s, i) => sum + (s.cpuUs - cpuBefore.servers[i]!.cpuUs) / 1e6, 0)),
        redis: perReply(cpuAfter.redis - cpuBefore.redis),
        postgres: perReply(cpuAfter.postgres - cpuBefore.postgres),
      };
      return { replies, visitors, cpu };
    };

    const embedded = await measure({ name: '1 instance, SQLite + memory', servers: [await start('token-server (embedded)')] });
    await stopAll();
    const one = await measure({ name: '1 instance, PostgreSQL + Redis', servers: [await start('token-server (shared)', shared)] });
    await stopAll();
    const two = await measure({ name: '2 instances, PostgreSQL + Redis', servers: [await start('token-server A', shared, 0), await start('token-server B', shared, 1)] });
    await stopAll();

    const add = (name: string, value: number, unit: string, baseline: { name: string; value: number }, note?: string) =>
      report.add({ suite: 'instances', name, value, unit, baseline, note });
    const embeddedReplies = { name: '1 instance, SQLite + memory', value: embedded.replies.perSecond };
    add('replies/s, 1 instance on PostgreSQL + Redis', one.replies.perSecond, 'replies/s', embeddedReplies, failureNote(one.replies.run, REPLIES));
    add('replies/s, 2 instances on PostgreSQL + Redis', two.replies.perSecond, 'replies/s', { name: '1 instance on PostgreSQL + Redis', value: one.replies.perSecond }, failureNote(two.replies.run, REPLIES));
    const embeddedPublic = { name: '1 instance, memory', value: embedded.visitors.perSecond };
    add('/public/s, 1 instance on Redis', one.visitors.perSecond, 'req/s', embeddedPublic, one.visitors.note);
    add('/public/s, 2 instances on Redis', two.visitors.perSecond, 'req/s', { name: '1 instance on Redis', value: one.visitors.perSecond }, two.visitors.note);
    add('/public p50 at 50 connections, 1 instance on Redis', one.visitors.p50Ms, 'ms', { name: '1 instance, memory', value: embedded.visitors.p50Ms }, 'what its rate-limit checks on Redis add under load');
    add('CPU per reply, 1 instance on PostgreSQL + Redis: token server', one.cpu.servers, 'ms', { name: '1 instance, SQLite + memory', value: embedded.cpu.servers }, 'the cost of the pg and redis clients');
    add('CPU per reply, 2 instances: token servers', two.cpu.servers, 'ms', { name: '1 instance, SQLite + memory', value: embedded.cpu.servers }, 'B shares core 1 with the load generator and the mock');
    add('CPU per reply, 2 instances: PostgreSQL', two.cpu.postgres, 'ms', { name: 'token servers', value: two.cpu.servers }, 'all PostgreSQL processes');
    add('CPU per reply, 2 instances: Redis', two.cpu.redis, 'ms', { name: 'token servers', value: two.cpu.servers });

    const memory = await rateLimitCheckUs(createMemoryStores({ clock: { now: () => Date.now() } }));
    const redisStores = await createRedisStores({ url: redis.url, logger: pino({ level: 'silent' }) });
    try {
      const shared = await rateLimitCheckUs(redisStores);
      const note = `${RATE_LIMIT_CHECKS} sequential checks; /api/chatkit/public and /api/chatkit make 2-3 per request; p99 ${shared.p99.toFixed(0)} vs ${memory.p99.toFixed(1)} µs`;
      add('rate-limit check on Redis, p50', shared.p50, 'µs', { name: 'in memory', value: memory.p50 }, note);
    } finally {
      await redisStores.close();
    }
  } finally {
    await stopAll();
    await Promise.all([redis?.stop(), postgres?.stop(), mock.stop()]);
  }
}
