/**
 * The narrow storage interfaces the routes depend on. The in-memory implementation serves one
 * instance; a shared store (e.g. Redis) can implement the same interfaces without touching routes.
 */

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

export interface Stores {
  secrets: SecretBindingStore;
  rateLimits: RateLimitStore;
  /** Checked by /readyz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
