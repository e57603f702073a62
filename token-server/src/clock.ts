/** The time source, injectable so tests can move time (token expiry, key-set cooldowns, store expiry). */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
