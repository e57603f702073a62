import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { createClient } from 'redis';
import { startRedis, type RedisServer } from '../../test-support/services/redis-server.js';
import { waitFor } from '../../test-support/services/process.js';
import { createRedisStores } from './redis-store.js';
import { StoreUnavailableError, type Stores } from './store.js';

const logger = pino({ level: 'silent' });
const open = (url: string) => createRedisStores({ url, logger, replyLockTtlMs: 1_000, commandTimeoutMs: 500 });

describe('the Redis store when Redis goes away', () => {
  let redis: RedisServer;
  before(async () => {
    redis = await startRedis();
  });
  after(() => redis.stop());

  test('a store opened while Redis is down fails every call at once as unavailable, and works once Redis is up', async () => {
    await redis.kill();
    const stores = await open(redis.url);
    try {
      await assert.rejects(stores.rateLimits.consume('k', 5, 60_000), StoreUnavailableError);
      await assert.rejects(stores.secrets.get('h'), StoreUnavailableError);
      await assert.rejects(stores.replyLocks.acquire('thr_down'), StoreUnavailableError);
      assert.equal(await stores.ping().catch(() => false), false);
      await redis.start();
      await waitFor('the store to reconnect', () => stores.ping());
      assert.equal((await stores.rateLimits.consume('k', 5, 60_000)).allowed, true);
    } finally {
      await stores.close();
    }
  });

  test('a reply whose claim cannot be confirmed for longer than its expiry (Redis gone) is stopped, not left to interleave', async () => {
    const holder = await open(redis.url);
    try {
      const claim = (await holder.replyLocks.acquire('thr_partition'))!;
      await redis.kill();
      await waitFor('the claim to be given up', async () => claim.stopped.aborted, { attempts: 100 });
      assert.match(String((claim.stopped.reason as Error).message), /could not be confirmed/);
      await claim.release();
    } finally {
      await redis.start();
      await holder.close();
    }
  });

  test('after Redis restarts empty mid-reply, the holder takes its claim back and stops from another instance still reach it', async () => {
    let holder: Stores | undefined;
    let other: Stores | undefined;
    try {
      holder = await open(redis.url);
      other = await open(redis.url);
      const claim = (await holder.replyLocks.acquire('thr_restart'))!;
      await redis.restart();
      await waitFor('both to reconnect', async () => (await holder!.ping()) && (await other!.ping()));
      // Looked up directly: asking `other` to acquire could win the race against the heartbeat.
      const peek = createClient({ url: redis.url });
      await peek.connect();
      try {
        await waitFor('the heartbeat to take the claim back', async () => (await peek.get('ckw:reply:thr_restart')) === String(claim.token));
      } finally {
        await peek.close();
      }
      assert.equal(await other.replyLocks.acquire('thr_restart'), undefined);
      assert.equal(claim.stopped.aborted, false);
      assert.equal(await other.replyLocks.requestStop('thr_restart'), true);
      await waitFor('the stop to arrive', async () => claim.stopped.aborted, { attempts: 50, intervalMs: 20 });
      await claim.release();
      const next = await other.replyLocks.acquire('thr_restart');
      assert.ok(next, 'released');
      assert.ok(next.token > claim.token, 'fencing tokens keep growing after Redis forgot its counter');
      await next.release();
    } finally {
      await holder?.close();
      await other?.close();
    }
  });
});
