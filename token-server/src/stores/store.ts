/**
 * The narrow storage interfaces the routes depend on. The in-memory implementation serves one
 * instance; the Redis one (`REDIS_URL`) is shared by several instances. Routes never know which they use.
 */

/**
 * Thrown by a shared store that cannot be reached (e.g. Redis is down). The HTTP layer answers it 503
 * `store_unavailable`: every check that depends on the store fails closed, and the next request after the
 * store is back works again without a restart.
 */
export class StoreUnavailableError extends Error {
  constructor(readonly store: string, options?: { cause?: unknown }) {
    super(`the ${store} store cannot be reached`, options);
    this.name = 'StoreUnavailableError';
  }
}

/** What the server remembers about a client secret it issued; keyed by a hash of the secret, never the secret. */
export interface SecretBinding {
  userId: string;
  sessionId: string;
  /** Unix seconds; the binding is forgotten after this. */
  expiresAt: number;
}

export interface SecretBindingStore {
  put(secretHash: string, binding: SecretBinding): Promise<void>;
  get(secretHash: string): Promise<SecretBinding | undefined>;
  delete(secretHash: string): Promise<void>;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the next request in this window would be allowed (0 when allowed). */
  retryAfterSeconds: number;
}

export interface RateLimitStore {
  /** Counts one request against `key` in a fixed window of `windowMs`; allowed while the count is at most `limit`. */
  consume(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
}

/** One reply's hold on a thread: only one reply at a time per thread, across every instance. */
export interface ReplyClaim {
  /** Fencing token: grows with every claim of the thread, so a stale holder can never touch a newer claim. */
  readonly token: number;
  /** Aborted when a stop is requested for this claim (on any instance) or the claim was lost to expiry. */
  readonly stopped: AbortSignal;
  /** Ends the claim; never throws (a claim that cannot be released expires by itself). */
  release(): Promise<void>;
}

export interface ReplyLockStore {
  /**
   * Claims `threadId` for one reply; undefined while another reply holds it. A claim stays alive while its
   * instance runs and expires soon after that instance dies.
   */
  acquire(threadId: string): Promise<ReplyClaim | undefined>;
  /** Asks the reply holding `threadId`, wherever it runs, to stop; false when no reply holds it. */
  requestStop(threadId: string): Promise<boolean>;
}

export interface Stores {
  /** Which implementation this is, for /readyz. */
  kind: 'memory' | 'redis';
  secrets: SecretBindingStore;
  rateLimits: RateLimitStore;
  replyLocks: ReplyLockStore;
  /** Checked by /readyz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
