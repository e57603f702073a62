/**
 * One token with its expiry. Callers asking at the same time share one request (ChatKit, a refresh timer
 * and a retry can all ask at once); a token close to expiry counts as absent so it is renewed in time.
 */
export interface ExpiringToken {
  token: string;
  /** Unix milliseconds; undefined when the issuer did not say. */
  expiresAt?: number;
}

/** Renew this long before expiry, so a request in flight never carries a token that lapses on the way. */
const RENEW_BEFORE_MS = 30_000;

export class TokenCache {
  #current: ExpiringToken | undefined;
  #pending: Promise<string> | undefined;
  /** Bumped by `clear()`, so an answer that arrives after a reset is not kept. */
  #generation = 0;

  /** The cached token if it is still comfortably valid. */
  peek(): string | undefined {
    const current = this.#current;
    if (!current) return undefined;
    if (current.expiresAt !== undefined && current.expiresAt - Date.now() < RENEW_BEFORE_MS) return undefined;
    return current.token;
  }

  set(token: ExpiringToken): void {
    this.#current = token;
  }

  /** A valid token: the cached one, the one already being fetched, or a fresh one from `load`. */
  get(load: () => Promise<ExpiringToken>, options: { fresh?: boolean } = {}): Promise<string> {
    if (!options.fresh) {
      const cached = this.peek();
      if (cached !== undefined) return Promise.resolve(cached);
    }
    if (this.#pending) return this.#pending;
    const generation = this.#generation;
    const pending = load()
      .then((next) => {
        if (generation === this.#generation) this.#current = next;
        return next.token;
      })
      .finally(() => {
        if (this.#pending === pending) this.#pending = undefined;
      });
    this.#pending = pending;
    return pending;
  }

  clear(): void {
    this.#generation++;
    this.#current = undefined;
    this.#pending = undefined;
  }
}

/** `expires_at` from the token server is unix seconds. */
export function fromUnixSeconds(seconds: unknown): number | undefined {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? seconds * 1000 : undefined;
}
