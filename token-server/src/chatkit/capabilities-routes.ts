/**
 * `GET /api/chatkit/capabilities`: the same answer for everyone, so it needs no token and may be cached (five
 * minutes, with an ETag for a cheap 304 after that). CORS and the per-IP rate limit are the `/api` ones.
 */
import { createHash } from 'node:crypto';
import express from 'express';
import type { Capabilities } from './capabilities.js';

export const CAPABILITIES_PATH = '/api/chatkit/capabilities';
const MAX_AGE_SECONDS = 300;

export function capabilitiesRoutes(capabilities: Capabilities): express.Router {
  const body = JSON.stringify(capabilities);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const router = express.Router();
  router.get(CAPABILITIES_PATH, (req, res) => {
    res.setHeader('Cache-Control', `public, max-age=${MAX_AGE_SECONDS}`);
    res.setHeader('ETag', etag);
    const known = req.get('if-none-match')?.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
    if (known?.includes(etag)) {
      res.status(304).end();
      return;
    }
    res.type('application/json').send(body);
  });
  return router;
}
