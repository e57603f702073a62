import type { RequestHandler } from 'express';
import { matchedRoute } from '../http/matched-route.js';
import type { Metrics } from './metrics.js';

/** Counts every answer by matched route and status once it is over (finished, or cut off by the client). */
export function countRequests(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    res.once('close', () => {
      const route = matchedRoute(req);
      metrics.httpRequest(route, res.statusCode);
      if (res.statusCode === 429) metrics.rateLimited(route);
    });
    next();
  };
}
