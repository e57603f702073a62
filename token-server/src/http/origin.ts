/** Origins: parsing the configured ones and telling what a request's own origin is. */
import type { Request } from 'express';

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

/** The base URL browsers reach this server at: `PUBLIC_URL`, else the scheme and host the request came in on. */
export function serverBaseUrl(req: Request, publicUrl: string | undefined): string {
  return publicUrl ?? `${req.protocol}://${req.host}`;
}
