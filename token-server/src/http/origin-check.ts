/**
 * The Origin check for the signed-in endpoints, done in the handler because CORS headers stop nothing:
 * a browser request from a page origin that is neither in ALLOWED_ORIGINS nor this server's own is 403.
 * Requests without `Origin` (not from a browser page) pass; they still need a valid token.
 */
import type { RequestHandler } from 'express';
import { HttpError } from './errors.js';
import { serverBaseUrl } from './origin.js';

export function requireAllowedOrigin(allowedOrigins: string[], publicUrl: string | undefined): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, _res, next) => {
    const origin = req.get('origin');
    if (!origin || allowed.has(origin)) return next();
    // The server's own origin comes from the client's Host when PUBLIC_URL is unset; a malformed one matches nothing.
    const own = serverBaseUrl(req, publicUrl);
    if (own !== undefined && origin === new URL(own).origin) return next();
    next(new HttpError(403, 'origin_not_allowed', 'This page origin may not call this endpoint; add it to ALLOWED_ORIGINS.'));
  };
}
