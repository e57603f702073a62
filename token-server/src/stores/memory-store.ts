/**
 * The in-memory `Stores` for a single server instance. Every map is bounded: entries expire, and when
 * a map is full the oldest entry is evicted, so a flood of distinct keys cannot exhaust memory.
 */
import type { Clock } from '../clock.js';
import type { RateLimitResult, ReplyClaim, ReplyLockStore, SecretBinding, Stores } from './store.js';

/** A Map kept in insertion order with per-entry expiry (ms) and a size cap. */
class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expiresAtMs: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly clock: Clock,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, expiresAtMs: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.evict();
    this.entries.set(key, { value, expiresAtMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Drops expired entries from the oldest end, up to the first live one; when none had expired, the oldest one.
   * Stopping at a live entry keeps each insert O(1) once the map is full (a full scan cost ~2 ms per insert at
   * 100 000 entries); expired entries further in are dropped when read or when they reach the oldest end.
   */
  private evict(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAtMs > now) break;
      this.entries.delete(key);
    }
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** Reply claims of this process: a claim lives until released (the process dying ends them all). */
export function memoryReplyLocks(): ReplyLockStore {
  const claims = new Map<string, { token: number; stop: AbortController }>();
  // Tokens start from the clock (in µs), so they keep growing across restarts: stores keep the largest that wrote.
  let lastToken = Date.now() * 1000;
  return {
    async acquire(threadId): Promise<ReplyClaim | undefined> {
      if (claims.has(threadId)) return undefined;
      const claim = { token: ++lastToken, stop: new AbortController() };
      claims.set(threadId, claim);
      return {
        token: claim.token,
        stopped: claim.stop.signal,
        async release() {
          if (claims.get(threadId) === claim) claims.delete(threadId);
        },
      };
    },
    async requestStop(threadId) {
      const claim = claims.get(threadId);
      claim?.stop.abort();
      return claim !== undefined;
    },
  };
}

export interface MemoryStoreOptions {
  clock: Clock;
  /** Per map; defaults to 100 000. */
  maxEntries?: number;
}

export function createMemoryStores({ clock, maxEntries = 100_000 }: MemoryStoreOptions): Stores & { sizes(): { secrets: number; rateLimits: number } } {
  const secrets = new ExpiringMap<SecretBinding>(maxEntries, clock);
  const windows = new ExpiringMap<{ count: number; resetAtMs: number }>(maxEntries, clock);

  return {
    kind: 'memory',
    replyLocks: memoryReplyLocks(),
    secrets: {
      async put(secretHash, binding) {
        secrets.set(secretHash, binding, binding.expiresAt * 1000);
      },
      async get(secretHash) {
        return secrets.get(secretHash);
      },
      async delete(secretHash) {
        secrets.delete(secretHash);
      },
    },
    rateLimits: {
      async consume(key, limit, windowMs): Promise<RateLimitResult> {
        const now = clock.now();
        const window = windows.get(key) ?? { count: 0, resetAtMs: now + windowMs };
        window.count += 1;
        windows.set(key, window, window.resetAtMs);
        if (window.count <= limit) return { allowed: true, retryAfterSeconds: 0 };
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.resetAtMs - now) / 1000)) };
      },
    },
    async ping() {
      return true;
    },
    async close() {},
    sizes: () => ({ secrets: secrets.size, rateLimits: windows.size }),
  };
}
