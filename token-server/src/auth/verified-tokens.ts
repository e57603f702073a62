/**
 * User JWTs this server has already verified, so a token presented again skips the signature check, the costliest
 * step of a signed-in request (about 0.1 ms of CPU for Ed25519). A page sends the same token many times: to start and
 * refresh its session and with every ChatKit request. An entry keeps only what the full check proved: the user id,
 * the window of seconds in which the token's `nbf` and `exp` pass (with the clock tolerance already applied), and
 * the version of the key set that verified it; a later key set drops it. Only successful checks are kept, and at
 * most `maxEntries` of them (the oldest goes first). Keyed by the token itself, which, like the token of the request
 * being served, never leaves this process.
 */

export interface VerifiedToken {
  userId: string;
  /** First and last second (Unix, inclusive) in which the token's time claims pass. */
  fromSeconds: number;
  untilSeconds: number;
  /** The key set's version when the token was verified. */
  keysVersion: number;
}

export class VerifiedTokens {
  private readonly entries = new Map<string, VerifiedToken>();

  constructor(private readonly maxEntries: number) {}

  /** The user id of `token` if it was verified with key set `keysVersion` and its time claims pass at `nowSeconds`. */
  userId(token: string, keysVersion: number, nowSeconds: number): string | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.keysVersion !== keysVersion || nowSeconds > entry.untilSeconds) {
      this.entries.delete(token);
      return undefined;
    }
    // Before its `nbf` (a clock that went back): the full check says why it is refused.
    return nowSeconds >= entry.fromSeconds ? entry.userId : undefined;
  }

  add(token: string, entry: VerifiedToken): void {
    this.entries.delete(token);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, entry);
  }

  get size(): number {
    return this.entries.size;
  }
}
