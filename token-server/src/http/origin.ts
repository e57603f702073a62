/** Origins: parsing the configured ones and telling what a request's own origin is. */
import type { Request } from 'express';
import { HttpError } from './errors.js';

/** `https://site.example` for an http(s) origin written without a path, otherwise undefined. */
export function normalizeOrigin(raw: string): string | undefined {
  if (!URL.canParse(raw)) return undefined;
  const url = new URL(raw);
  if (!/^https?:$/.test(url.protocol) || url.origin !== raw.replace(/\/$/, '')) return undefined;
  return url.origin;
}

export function isLoopbackOrigin(origin: string): boolean {
  const { hostname } = new URL(origin);
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/**
 * The base URL browsers reach this server at: `PUBLIC_URL`, else the scheme and host the request came in on
 * (`Host`, or `X-Forwarded-Host` behind a trusted proxy). Undefined when that host is not a plain
 * `name[:port]`: a client controls it, so it must never throw, nor reach an answer with a path or spaces in it.
 */
export function serverBaseUrl(req: Request, publicUrl: string | undefined): string | undefined {
  if (publicUrl) return publicUrl;
  const base = `${req.protocol}://${req.host}`;
  if (!URL.canParse(base)) return undefined;
  const url = new URL(base);
  const hostOnly = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  return hostOnly ? url.origin : undefined;
}

/** `serverBaseUrl`, or 400 `invalid_host` when the request's host cannot make one. */
export function requestBaseUrl(req: Request, publicUrl: string | undefined): string {
  const base = serverBaseUrl(req, publicUrl);
  if (!base) throw new HttpError(400, 'invalid_host', 'The request\'s Host header is not a valid host name; set PUBLIC_URL on the server.');
  return base;
}
