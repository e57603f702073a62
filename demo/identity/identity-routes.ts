import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { HttpError, sendError } from '../../token-server/src/http/errors.js';
import type { RateLimitStore } from '../../token-server/src/stores/store.js';
import { SESSION_LIFETIME_SECONDS, type DemoIdentityProvider } from './identity-provider.js';

export interface IdentityRouteOptions {
  provider: DemoIdentityProvider;
  /** Origins of the demo's own pages: the only ones that may sign in or out (the cookie is theirs). */
  siteOrigins: readonly string[];
  rateLimits: RateLimitStore;
  /** Mark the session cookie `Secure` (when the site is served over HTTPS). */
  secureCookie: boolean;
}

const SESSION_COOKIE = 'demo_session';
/** Per client IP and minute: everything under /api/auth, and sign-ins on their own. */
const ANY_LIMIT = { name: 'demo-auth', requests: 120 };
const SIGN_IN_LIMIT = { name: 'demo-sign-in', requests: 20 };
const MINUTE_MS = 60_000;
const signInBody = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(/^[^\p{Cc}<>]+$/u),
});

/**
 * The demo identity provider's HTTP face, shaped like Better Auth's: `GET /api/auth/jwks`, `GET /api/auth/token`
 * (a JWT for the signed-in session), `GET /api/auth/get-session`, `POST /api/auth/sign-out`, and a name-only
 * sign-in at `POST /api/auth/sign-in/name`.
 */
export function identityRoutes({ provider, siteOrigins, rateLimits, secureCookie }: IdentityRouteOptions): Router {
  const router = Router();
  const json = express.json({ limit: '1kb' });
  router.use('/api/auth', limitByIp(rateLimits, ANY_LIMIT));

  router.get('/api/auth/jwks', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(provider.jwks());
  });

  router.get('/api/auth/get-session', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const user = await provider.readSession(readCookie(req, SESSION_COOKIE));
    res.json(user ? { user } : null);
  });

  router.get('/api/auth/token', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const user = await provider.readSession(readCookie(req, SESSION_COOKIE));
    if (!user) return sendError(res, new HttpError(401, 'not_signed_in', 'Sign in first to get a token.'));
    res.json({ token: await provider.issueToken(user) });
  });

  router.post('/api/auth/sign-in/name', fromSiteOrigin(siteOrigins), limitByIp(rateLimits, SIGN_IN_LIMIT), requireJson, json, async (req, res) => {
    const parsed = signInBody.safeParse(req.body);
    if (!parsed.success)
      return sendError(res, new HttpError(400, 'invalid_name', 'Give a name of 1 to 40 characters, without < or >.'));
    const user = provider.userFor(parsed.data.name);
    setSessionCookie(res, await provider.createSession(user), SESSION_LIFETIME_SECONDS, secureCookie);
    res.json({ user });
  });

  router.post('/api/auth/sign-out', fromSiteOrigin(siteOrigins), (_req, res) => {
    setSessionCookie(res, '', 0, secureCookie);
    res.json({ success: true });
  });

  return router;
}

/** Cookie-changing requests must come from the demo's own pages: an `Origin` from elsewhere is refused. */
function fromSiteOrigin(siteOrigins: readonly string[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    if (origin && !siteOrigins.includes(origin))
      return sendError(res, new HttpError(403, 'origin_not_allowed', 'This origin may not sign in here.'));
    next();
  };
}

/** A JSON content type also forces a CORS preflight, which other origins cannot pass. */
function requireJson(req: Request, res: Response, next: NextFunction) {
  if (req.is('application/json')) return next();
  sendError(res, new HttpError(415, 'unsupported_media_type', 'Send the sign-in as application/json.'));
}

function limitByIp(rateLimits: RateLimitStore, { name, requests }: { name: string; requests: number }) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const result = await rateLimits.consume(`${name}:${req.socket.remoteAddress}`, requests, MINUTE_MS);
    if (result.allowed) return next();
    sendError(
      res,
      new HttpError(429, 'rate_limited', 'Too many requests to the demo sign-in; try again shortly.', { 'Retry-After': String(result.retryAfterSeconds) }),
    );
  };
}

function setSessionCookie(res: Response, value: string, maxAgeSeconds: number, secure: boolean): void {
  res.cookie(SESSION_COOKIE, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/api/auth',
    maxAge: maxAgeSeconds * 1000,
  });
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      return undefined; // a malformed cookie is no session
    }
  }
  return undefined;
}
