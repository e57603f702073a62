/**
 * CORS for the API. Browsers get CORS headers for the origins the configuration names: the site
 * origins in ALLOWED_ORIGINS (with credentials) and the public-key origins (without). Two kinds of paths
 * also answer origins the configuration does not name, never with credentials, because their handlers
 * check `Origin` themselves and a refused page should read why (403 `origin_not_allowed`) rather than a
 * bare network error:
 * - `anonymousPaths` (the public endpoint): any origin, and never credentials, not even for an origin that
 *   is also in ALLOWED_ORIGINS (a publishable key is not a cookie).
 * - `checkedPaths` (the signed-in endpoints): credentials only for ALLOWED_ORIGINS; any other origin may read
 *   the answer, which for it is the handler's 403.
 * CORS headers stop nothing by themselves; the handlers check `Origin` too.
 */
import type { RequestHandler } from 'express';

export interface CorsOptions {
  /** Origins that may send credentials (cookies). */
  credentialed: string[];
  /** Origins that may call without credentials. */
  anonymous: string[];
  /** Full paths any origin may call, never with credentials (their handlers check `Origin`). */
  anonymousPaths?: string[];
  /** Full paths whose handlers refuse an origin they do not allow with a 403 that origin may read. */
  checkedPaths?: string[];
}

export function cors({ credentialed, anonymous, anonymousPaths = [], checkedPaths = [] }: CorsOptions): RequestHandler {
  const withCredentials = new Set(credentialed);
  const allowed = new Set([...credentialed, ...anonymous]);
  const anyOrigin = new Set([...anonymousPaths, ...checkedPaths]);
  const neverCredentials = new Set(anonymousPaths);
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.get('origin');
    const path = req.baseUrl + req.path;
    const corsAllowed = origin !== undefined && (allowed.has(origin) || anyOrigin.has(path));
    if (corsAllowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      if (withCredentials.has(origin) && !neverCredentials.has(path)) res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
    }
    if (req.method === 'OPTIONS' && req.get('access-control-request-method')) {
      if (corsAllowed) {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
        res.setHeader('Access-Control-Max-Age', '600');
      }
      res.status(204).end();
      return;
    }
    next();
  };
}
