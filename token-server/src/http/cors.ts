/**
 * CORS for the API. Browsers get CORS headers for the origins the configuration names: the site
 * origins in ALLOWED_ORIGINS (with credentials) and the public-key origins (without). Paths in
 * `openPaths` answer any origin without credentials: their handlers check `Origin` themselves, and a
 * page whose origin is not (yet) allowed should read why it was refused rather than a bare network error.
 * CORS headers stop nothing by themselves; the handlers check `Origin` too.
 */
import type { RequestHandler } from 'express';

export interface CorsOptions {
  /** Origins that may send credentials (cookies). */
  credentialed: string[];
  /** Origins that may call without credentials. */
  anonymous: string[];
  /** Full paths any origin may call without credentials (their handlers check `Origin`). */
  openPaths?: string[];
}

export function cors({ credentialed, anonymous, openPaths = [] }: CorsOptions): RequestHandler {
  const withCredentials = new Set(credentialed);
  const allowed = new Set([...credentialed, ...anonymous]);
  const open = new Set(openPaths);
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.get('origin');
    const corsAllowed = origin !== undefined && (allowed.has(origin) || open.has(req.baseUrl + req.path));
    if (corsAllowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      if (withCredentials.has(origin)) res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
    }
    if (req.method === 'OPTIONS' && req.get('access-control-request-method')) {
      if (corsAllowed) {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
        res.setHeader('Access-Control-Max-Age', '600');
      }
      res.status(204).end();
      return;
    }
    next();
  };
}
