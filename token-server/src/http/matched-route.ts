import type { Request } from 'express';

/**
 * The route pattern a request matched (e.g. `/api/chatkit`), or `unmatched`: what logs and metric labels name a
 * request by. Never the URL: paths and query strings are client text, may hold a secret and are unbounded.
 */
export function matchedRoute(req: Request): string {
  return req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
}
