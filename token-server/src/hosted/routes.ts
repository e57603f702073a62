/**
 * `POST /api/chatkit/start` and `POST /api/chatkit/refresh`: hosted ChatKit client secrets for the
 * signed-in user named by the JWT's `sub`.
 */
import { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Authenticate, Principal } from '../auth/principal.js';
import { rateLimit, type RateLimitRule } from '../http/rate-limit.js';
import { parseBody } from '../http/validate.js';
import type { RateLimitStore } from '../stores/store.js';
import { hostedNotConfigured, type HostedSessions } from './hosted-sessions.js';

export interface HostedRoutesOptions {
  /** Absent when hosted sessions are not configured. */
  sessions?: HostedSessions;
  authenticateUser: Authenticate;
  rateLimits: RateLimitStore;
  perUser: RateLimitRule;
  checkOrigin: RequestHandler;
}

/** The signed-in endpoints of hosted sessions (they check `Origin` before anything else). */
export const HOSTED_START_PATH = '/api/chatkit/start';
export const HOSTED_REFRESH_PATH = '/api/chatkit/refresh';

const startBody = z.object({}).strict();
const refreshBody = z.object({ currentClientSecret: z.string().min(1).max(4096) }).strict();

export function hostedRoutes({ sessions, authenticateUser, rateLimits, perUser, checkOrigin }: HostedRoutesOptions): Router {
  const router = Router();
  const requireHosted: RequestHandler = (_req, _res, next) =>
    next(sessions ? undefined : hostedNotConfigured());
  const requireUser: RequestHandler = async (req, res, next) => {
    res.locals.principal = await authenticateUser(req.get('authorization'));
    next();
  };
  const userId = (res: Response) => (res.locals.principal as Principal).userId;
  const guards = [requireHosted, checkOrigin, requireUser, rateLimit(rateLimits, perUser, (_req, res) => userId(res))];

  router.post(HOSTED_START_PATH, ...guards, async (req, res) => {
    parseBody(startBody, req.body);
    res.json(await sessions!.start(userId(res)));
  });
  router.post(HOSTED_REFRESH_PATH, ...guards, async (req, res) => {
    const { currentClientSecret } = parseBody(refreshBody, req.body);
    res.json(await sessions!.refresh(userId(res), currentClientSecret));
  });
  return router;
}
