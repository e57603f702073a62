/**
 * Fixed-window rate limits over the shared `RateLimitStore`. A limited request is answered 429
 * `rate_limited` with `Retry-After`; the key function decides what is counted (IP, user, public key).
 */
import type { Request, RequestHandler, Response } from 'express';
import type { RateLimitStore } from '../stores/store.js';
import { HttpError } from './errors.js';

export interface RateLimitRule {
  /** Names the counter, so different rules never share a key. */
  name: string;
  limit: number;
  windowMs: number;
}

/** Counts one request against `rule` for `key`; throws the 429 when over. */
export async function consumeRateLimit(store: RateLimitStore, rule: RateLimitRule, key: string): Promise<void> {
  const { allowed, retryAfterSeconds } = await store.consume(`${rule.name}:${key}`, rule.limit, rule.windowMs);
  if (!allowed) {
    throw new HttpError(429, 'rate_limited', `Too many requests; try again in ${retryAfterSeconds} s.`, {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}

export function rateLimit(
  store: RateLimitStore,
  rule: RateLimitRule,
  key: (req: Request, res: Response) => string | undefined,
): RequestHandler {
  return async (req, res, next) => {
    const k = key(req, res);
    if (k === undefined) return next();
    await consumeRateLimit(store, rule, k);
    next();
  };
}

/** The client IP as Express resolved it from the configured number of trusted proxy hops. */
export const clientIp = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';
