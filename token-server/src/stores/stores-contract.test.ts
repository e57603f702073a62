import { after, before } from 'node:test';
import pino from 'pino';
import { startRedis, type RedisServer } from '../../test-support/services/redis-server.js';
import { createMemoryStores } from './memory-store.js';
import { createRedisStores } from './redis-store.js';
import { storesContract } from './stores.contract.js';

storesContract({ name: 'in-memory', shared: false, open: async () => createMemoryStores({ clock: { now: () => Date.now() } }) });

let redis: RedisServer;
before(async () => {
  redis = await startRedis();
});
after(() => redis.stop());
storesContract({
  name: 'Redis',
  shared: true,
  open: ({ replyLockTtlMs }) => createRedisStores({ url: redis.url, logger: pino({ level: 'silent' }), replyLockTtlMs }),
});
