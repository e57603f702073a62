/**
 * The demo's main origin: the demo identity provider and the demo pages in front of the token server, composed
 * without touching it (anything the demo does not serve falls through to the token server's own routes).
 */
import express, { type Express, type Router } from 'express';
import { jsonErrorHandler } from '../token-server/src/http/errors.js';
import { requestId } from '../token-server/src/http/request-id.js';
import { sendPage } from './page-headers.js';
import type { RenderedSite } from './site/render-site.js';

export interface DemoAppOptions {
  site: RenderedSite;
  /** The Content-Security-Policy for the demo pages. */
  csp: string;
  identity: Router;
  tokenServer: Express;
}

export function createDemoApp({ site, csp, identity, tokenServer }: DemoAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // The demo's own pages and sign-in carry X-Request-Id too; the token server keeps the id given here.
  app.use(requestId());
  app.use(identity);
  for (const [path, html] of site.pages) app.get(path, (_req, res) => sendPage(res, html, csp));
  app.get('/demo-assets/:name', (req, res, next) => {
    const asset = site.assets.get(req.params.name);
    if (!asset) return next();
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-cache');
    res.type(asset.contentType).send(asset.body);
  });
  app.use(tokenServer);
  // Errors from the demo's own routes (the token server answers its own).
  app.use(jsonErrorHandler);
  return app;
}
