/**
 * Fixed-window rate limits over the shared `RateLimitStore`. A limited request is answered 429
 * `rate_limited` with `Retry-After`; the key function decides what is counted (IP, user, public key).
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Request, RequestHandler, Response } from 'express';
import type { RateLimitStore } from '../stores/store.js';
import { HttpError } from './errors.js';

export interface RateLimitRule {
  /** Names the counter, so different rules never share a key. */
  name: string;
  limit: number;
  windowMs: number;
  /** What is counted, for the 429 message ("new visitors for this site"); default "requests". */
  what?: string;
}

/** Counts one request against `rule` for `key`; throws the 429 when over. */
export async function consumeRateLimit(store: RateLimitStore, rule: RateLimitRule, key: string): Promise<void> {
  const { allowed, retryAfterSeconds } = await store.consume(`${rule.name}:${key}`, rule.limit, rule.windowMs);
  if (!allowed) {
    throw new HttpError(429, 'rate_limited', `Too many ${rule.what ?? 'requests'}; try again in ${retryAfterSeconds} s.`, {
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

/** The eight 16-bit groups of an IPv6 address (`::` expanded, an embedded IPv4 tail converted). */
function ipv6Groups(ip: string): number[] {
  let text = ip.split('%')[0]!;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * The key a per-IP limit counts: an IPv4 address as is (also when IPv4-mapped), an IPv6 address cut to its
 * first `ipv6PrefixBits` bits, because one subscriber gets a whole /64 (or more) and could otherwise rotate through
 * 2^64 "addresses".
 */
export function addressGroup(ip: string, ipv6PrefixBits: number): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped) return mapped;
  if (isIPv4(ip) || !isIPv6(ip.split('%')[0]!)) return ip;
  const groups = ipv6Groups(ip);
  const kept = groups.map((group, i) => {
    const bits = Math.min(16, Math.max(0, ipv6PrefixBits - 16 * i));
    return bits === 0 ? 0 : group & (0xffff << (16 - bits)) & 0xffff;
  });
  return `${kept.map((g) => g.toString(16)).join(':')}/${ipv6PrefixBits}`;
}

/** The client's per-IP rate-limit key (see `addressGroup`). */
export const clientAddress = (req: Request, ipv6PrefixBits: number): string => addressGroup(clientIp(req), ipv6PrefixBits);
