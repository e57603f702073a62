/**
 * A remote JWKS with the behaviour jose's `createRemoteJWKSet` lacks: when the JWKS host fails, the
 * last good key set stays in use. Fetches have a timeout, are shared by concurrent callers, and happen
 * at most once per cooldown, whether the set went stale or a token names a kid the set does not hold.
 */
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters, type FlattenedJWSInput } from 'jose';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';

export class KeySourceUnavailableError extends Error {
  constructor() {
    super('The key set for verifying user tokens could not be fetched.');
    this.name = 'KeySourceUnavailableError';
  }
}

export interface RemoteKeySetOptions {
  fetch: typeof fetch;
  clock: Clock;
  logger: Logger;
  timeoutMs?: number;
  /** Least time between two fetches. */
  cooldownMs?: number;
  /** After this, the set is refetched (and kept if the refetch fails). */
  maxAgeMs?: number;
}

const MAX_JWKS_BYTES = 256 * 1024;

export class RemoteKeySet {
  private keys: ReturnType<typeof createLocalJWKSet> | undefined;
  private fetchedAtMs = -Infinity;
  /** Counts the sets fetched, so what was verified with an earlier one can be told apart. */
  private fetchedSets = 0;
  private attemptedAtMs = -Infinity;
  private inflight: Promise<void> | undefined;
  private readonly timeoutMs: number;
  private readonly cooldownMs: number;
  private readonly maxAgeMs: number;

  constructor(
    private readonly url: string,
    private readonly options: RemoteKeySetOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 3_000;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  }

  /** A jose key resolver. */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    const now = this.options.clock.now();
    if (!this.keys || now - this.fetchedAtMs > this.maxAgeMs) await this.refreshIfCooledDown();
    if (!this.keys) throw new KeySourceUnavailableError();
    try {
      return await this.keys(header, token);
    } catch (err) {
      // A new kid may mean the issuer rotated its keys: look once, then wait out the cooldown.
      if (!(err instanceof errors.JWKSNoMatchingKey) || !(await this.refreshIfCooledDown())) throw err;
      return this.keys(header, token);
    }
  };

  /**
   * Which key set verifies tokens now, for verifications remembered with it (`VerifiedTokens`); undefined while none
   * is held or the set is past its maximum age, when the next token goes through `getKey`, which refetches it.
   */
  get version(): number | undefined {
    return this.keys && this.options.clock.now() - this.fetchedAtMs <= this.maxAgeMs ? this.fetchedSets : undefined;
  }

  /** For readiness: true when a key set is held (fetching one first if none is). */
  async ready(): Promise<boolean> {
    if (!this.keys) await this.refreshIfCooledDown();
    return this.keys !== undefined;
  }

  /** Fetches unless the last attempt is within the cooldown; resolves true when a fetch was made. */
  private async refreshIfCooledDown(): Promise<boolean> {
    if (this.inflight) {
      await this.inflight;
      return true;
    }
    if (this.options.clock.now() - this.attemptedAtMs < this.cooldownMs) return false;
    this.attemptedAtMs = this.options.clock.now();
    this.inflight = this.fetchKeys().finally(() => {
      this.inflight = undefined;
    });
    await this.inflight;
    return true;
  }

  private async fetchKeys(): Promise<void> {
    try {
      const res = await this.options.fetch(this.url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      if (Number(res.headers.get('content-length')) > MAX_JWKS_BYTES) throw new Error('the key set is too large');
      const text = await res.text();
      if (text.length > MAX_JWKS_BYTES) throw new Error('the key set is too large');
      const jwks = JSON.parse(text) as JSONWebKeySet;
      if (!Array.isArray(jwks?.keys)) throw new Error('the answer has no "keys" array');
      this.keys = createLocalJWKSet(jwks);
      this.fetchedSets++;
      this.fetchedAtMs = this.options.clock.now();
    } catch (err) {
      this.options.logger.warn(
        { jwksUrl: this.url, reason: (err as Error).message, keptLastGoodSet: this.keys !== undefined },
        'JWKS fetch failed',
      );
    }
  }
}
