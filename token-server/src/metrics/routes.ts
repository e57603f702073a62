/**
 * `GET /metrics` in Prometheus text format. With a token it answers only `Authorization: Bearer <METRICS_TOKEN>`;
 * on a listener of its own (`METRICS_HOST:METRICS_PORT`) the address is the guard, and the token too when set.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { Router, type Express } from 'express';
import { HttpError, jsonErrorHandler, sendError } from '../http/errors.js';
import { requestId } from '../http/request-id.js';
import type { MetricsRegistry } from './metrics.js';

export const METRICS_PATH = '/metrics';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compares digests, so neither the token's length nor its prefix can be learned from timing. */
function bearerMatches(authorization: string | undefined, token: string): boolean {
  const given = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

export function metricsRoutes(metrics: MetricsRegistry, token: string | undefined): Router {
  const router = Router();
  router.get(METRICS_PATH, async (req, res) => {
    if (token && !bearerMatches(req.headers.authorization, token))
      throw new HttpError(401, 'metrics_unauthorized', 'Send "Authorization: Bearer <METRICS_TOKEN>" to read the metrics.', { 'WWW-Authenticate': 'Bearer' });
    res.setHeader('Cache-Control', 'no-store');
    res.type(metrics.contentType).send(await metrics.text());
  });
  return router;
}

/** The app behind `METRICS_HOST:METRICS_PORT`: the metrics and nothing else. */
export function metricsApp(metrics: MetricsRegistry, token: string | undefined): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestId());
  app.use(metricsRoutes(metrics, token));
  app.use((_req, res) => sendError(res, new HttpError(404, 'not_found', 'Only /metrics is served here.')));
  app.use(jsonErrorHandler);
  return app;
}
