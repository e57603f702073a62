/**
 * `GET /healthz` (the process answers) and `GET /readyz`: whether the server can do its work, which
 * features are on, and for each one that is off, what to set to turn it on.
 */
import { Router } from 'express';

export interface Feature {
  on: boolean;
  /** Set when off: the variables that turn it on. */
  enable?: string;
}

export interface ReadinessChecks {
  features: Record<string, Feature>;
  /** Named checks that must pass for the server to be ready (stores, key sources). */
  checks: Record<string, () => Promise<boolean>>;
  /** Named reports shown with the answer that do not decide readiness (e.g. each MCP server's state). */
  details?: Record<string, () => unknown>;
}

export function healthRoutes({ features, checks, details = {} }: ReadinessChecks): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    const results: Record<string, 'ok' | 'failing'> = {};
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        results[name] = (await check().catch(() => false)) ? 'ok' : 'failing';
      }),
    );
    const ready = Object.values(results).every((r) => r === 'ok');
    const reports = Object.fromEntries(Object.entries(details).map(([name, report]) => [name, report()]));
    res.status(ready ? 200 : 503).json({ ready, checks: results, features, ...reports });
  });
  return router;
}
