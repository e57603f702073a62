/**
 * The shared `Stores` on Redis (`REDIS_URL`), so several server instances behave as one: secret bindings, rate
 * limits (atomic fixed windows on Redis's clock) and reply claims with their stop requests.
 *
 * While Redis is down every call fails at once with `StoreUnavailableError` (503 `store_unavailable`): commands
 * are never queued offline, so nothing waits on a dead connection and no security check passes unchecked. The
 * client reconnects by itself with capped exponential backoff; the first request after that works again.
 *
 * A reply claim is a key holding its fencing token with a short expiry, renewed by a heartbeat while the reply
 * runs: when its instance dies the claim expires within `replyLockTtlMs`; a holder that cannot confirm its claim
 * for that long (Redis unreachable) stops its reply, since another instance may hold the thread by then (and the
 * databases refuse its writes once that one has written, see chatkit/store/reply-fence.ts). A stop request marks
 * the holder's token and is published to every instance, so the holder aborts at once (or at its next heartbeat if
 * the message was missed while it reconnected).
 */
import { createClient, type RedisClientType } from 'redis';
import type { Logger } from 'pino';
import { StoreUnavailableError, type RateLimitResult, type ReplyClaim, type SecretBinding, type Stores } from './store.js';

export interface RedisStoreOptions {
  url: string;
  logger: Logger;
  /** How long a reply claim outlives its instance's last heartbeat (default 15 s). */
  replyLockTtlMs?: number;
  /** Every key starts with this, so several deployments can share one Redis (default `ckw:`). */
  keyPrefix?: string;
  /** Longest wait for one command (default 2 s). */
  commandTimeoutMs?: number;
}

// Counts one request; the window starts at the first one and ends with the key's expiry.
const CONSUME = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end
return {count, ttl}`;

// KEYS: claim, token counter. Returns the new fencing token, or 0 while the thread is claimed. A missing counter
// (Redis restarted without persistence) starts again from Redis's clock in µs, so tokens keep growing: the
// databases keep the largest token that wrote to each thread and refuse smaller ones.
const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then
  local now = redis.call('TIME')
  redis.call('SET', KEYS[2], now[1] .. string.sub('000000' .. now[2], -6))
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token, 'PX', ARGV[1])
return token`;

// KEYS: claim, stop mark. ARGV: token, ttl. 0 = lost to another claim, 1 = held, 2 = held and asked to stop.
// A claim Redis forgot (restarted without persistence, or expired while this instance could not reach it) is
// taken again when nobody else took it meanwhile.
const HEARTBEAT = `
local holder = redis.call('GET', KEYS[1])
if holder == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
elseif holder ~= ARGV[1] then return 0
else redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if redis.call('GET', KEYS[2]) == ARGV[1] then return 2 end
return 1`;

// KEYS: claim, stop mark. ARGV: token.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1`;

// KEYS: claim, stop mark. ARGV: ttl, channel, thread id. Marks the current holder's token and tells every instance.
const REQUEST_STOP = `
local holder = redis.call('GET', KEYS[1])
if holder == false then return 0 end
redis.call('SET', KEYS[2], holder, 'PX', ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3] .. ' ' .. holder)
return 1`;

/** Capped exponential backoff with jitter, so instances do not reconnect in lockstep. */
const backoff = (retries: number) => Math.min(100 * 2 ** Math.min(retries, 6), 5_000) + Math.floor(Math.random() * 100);

interface LiveClaim {
  token: number;
  stop: AbortController;
  heartbeat: NodeJS.Timeout;
}

export async function createRedisStores({
  url,
  logger,
  replyLockTtlMs = 15_000,
  keyPrefix = 'ckw:',
  commandTimeoutMs = 2_000,
}: RedisStoreOptions): Promise<Stores> {
  const log = logger.child({ component: 'redis' });
  const options = {
    url,
    disableOfflineQueue: true,
    commandOptions: { timeout: commandTimeoutMs },
    socket: { connectTimeout: commandTimeoutMs, reconnectStrategy: backoff },
  };
  const client: RedisClientType = createClient(options);
  const subscriber: RedisClientType = createClient(options);
  for (const [name, c] of [['commands', client], ['subscriber', subscriber]] as const) {
    let down = false;
    // Without an 'error' listener node-redis would crash the process; one line per outage, not per retry.
    c.on('error', (err: Error) => {
      if (!down) log.warn({ connection: name, err: { name: err.name, message: err.message } }, 'Redis unreachable; retrying with backoff');
      down = true;
    });
    c.on('ready', () => {
      if (down) log.info({ connection: name }, 'Redis reachable again');
      down = false;
    });
  }

  const key = {
    secret: (hash: string) => `${keyPrefix}secret:${hash}`,
    rate: (name: string) => `${keyPrefix}rate:${name}`,
    claim: (threadId: string) => `${keyPrefix}reply:${threadId}`,
    stop: (threadId: string) => `${keyPrefix}stop:${threadId}`,
    tokens: `${keyPrefix}reply-tokens`,
    stopChannel: `${keyPrefix}stop`,
  };

  const run = async <T>(command: () => Promise<T>): Promise<T> => {
    try {
      return await command();
    } catch (err) {
      throw new StoreUnavailableError('redis', { cause: err });
    }
  };
  const script = (source: string, keys: string[], args: (string | number)[]) =>
    run(() => client.eval(source, { keys, arguments: args.map(String) }));

  const claims = new Map<string, LiveClaim>();
  const onStopMessage = (message: string) => {
    const [threadId, token] = message.split(' ');
    const claim = claims.get(threadId!);
    if (claim && String(claim.token) === token) claim.stop.abort(new Error('stop requested'));
  };

  // `connect()` resolves at the first connection, retrying until then. A server that starts while Redis is down
  // still starts (after a short wait): requests get 503 until that first connection. Resubscribing after a
  // reconnect is the client's job.
  const connected = Promise.all([
    client.connect(),
    subscriber.connect().then(() => subscriber.subscribe(key.stopChannel, onStopMessage)),
  ]).catch((err: Error) => log.error({ err: { name: err.name, message: err.message } }, 'Redis connection failed'));
  let waited: NodeJS.Timeout | undefined;
  await Promise.race([connected, new Promise((resolve) => (waited = setTimeout(resolve, commandTimeoutMs)))]);
  clearTimeout(waited);

  return {
    kind: 'redis',
    secrets: {
      async put(secretHash, binding) {
        await run(() => client.set(key.secret(secretHash), JSON.stringify(binding), { expiration: { type: 'PXAT', value: binding.expiresAt * 1000 } }));
      },
      async get(secretHash) {
        const raw = await run(() => client.get(key.secret(secretHash)));
        return raw ? (JSON.parse(raw) as SecretBinding) : undefined;
      },
      async delete(secretHash) {
        await run(() => client.del(key.secret(secretHash)));
      },
    },
    rateLimits: {
      async consume(name, limit, windowMs): Promise<RateLimitResult> {
        const [count, ttlMs] = (await script(CONSUME, [key.rate(name)], [windowMs])) as [number, number];
        if (count <= limit) return { allowed: true, retryAfterSeconds: 0 };
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) };
      },
    },
    replyLocks: {
      async acquire(threadId): Promise<ReplyClaim | undefined> {
        const token = Number(await script(ACQUIRE, [key.claim(threadId), key.tokens], [replyLockTtlMs]));
        if (!token) return undefined;
        const stop = new AbortController();
        let confirmedAt = Date.now();
        const beat = async () => {
          try {
            const state = Number(await script(HEARTBEAT, [key.claim(threadId), key.stop(threadId)], [token, replyLockTtlMs]));
            confirmedAt = Date.now();
            if (state === 0) stop.abort(new Error('the reply claim expired and was taken by another reply'));
            if (state === 2) stop.abort(new Error('stop requested'));
          } catch {
            // Redis is unreachable: keep replying while the claim may still be ours (the next beat re-claims it).
            // Past its expiry another instance may hold the thread, so this reply stops rather than interleave.
            if (Date.now() - confirmedAt > replyLockTtlMs) stop.abort(new Error('the reply claim could not be confirmed'));
          }
        };
        const claim: LiveClaim = { token, stop, heartbeat: setInterval(() => void beat(), Math.max(250, Math.floor(replyLockTtlMs / 3))) };
        claim.heartbeat.unref();
        claims.set(threadId, claim);
        return {
          token,
          stopped: stop.signal,
          async release() {
            clearInterval(claim.heartbeat);
            if (claims.get(threadId) === claim) claims.delete(threadId);
            await script(RELEASE, [key.claim(threadId), key.stop(threadId)], [token]).catch(() => undefined);
          },
        };
      },
      async requestStop(threadId) {
        return Number(await script(REQUEST_STOP, [key.claim(threadId), key.stop(threadId)], [replyLockTtlMs, key.stopChannel, threadId])) === 1;
      },
    },
    async ping() {
      return client.isReady && (await client.ping()) === 'PONG';
    },
    async close() {
      // Claims still held are left to expire: another instance may take the thread over once they do.
      for (const claim of claims.values()) clearInterval(claim.heartbeat);
      claims.clear();
      await Promise.all([client, subscriber].map((c) => (c.isOpen ? c.close().catch(() => c.destroy()) : undefined)));
    },
  };
}
