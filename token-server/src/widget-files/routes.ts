/**
 * Serves the built widget (`dist/widget/chat-kit-widget*.js` and source maps) at the root path, to any
 * origin. The loader keeps a short cache so sites pick up new releases; hashed chunks are immutable.
 */
import { existsSync } from 'node:fs';
import { Router } from 'express';
import { HttpError } from '../http/errors.js';

const WIDGET_FILE = /^\/(chat-kit-widget[A-Za-z0-9_.-]*\.js(?:\.map)?)$/;
const LOADER = /^chat-kit-widget\.js(?:\.map)?$/;

export function widgetFileRoutes(widgetDir: string): Router {
  const router = Router();
  router.get(WIDGET_FILE, (req, res, next) => {
    const name = WIDGET_FILE.exec(req.path)![1]!;
    if (name.includes('..')) return next();
    // Only a file that was found is cacheable (the `headers` below replace this then): a missing chunk (an old
    // page after a deploy) or a server not yet built must not be kept by a CDN or browser.
    res.setHeader('Cache-Control', 'no-store');
    if (!existsSync(widgetDir)) {
      throw new HttpError(503, 'widget_not_built', 'The widget is not built; run `npm run build` and restart the server.');
    }
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    const headers = {
      'Cache-Control': LOADER.test(name) ? 'public, max-age=300' : 'public, max-age=31536000, immutable',
      'Content-Type': `${name.endsWith('.map') ? 'application/json' : 'text/javascript'}; charset=utf-8`,
    };
    res.sendFile(name, { root: widgetDir, dotfiles: 'deny', cacheControl: false, headers }, (err) => {
      if (err && !res.headersSent) next(new HttpError(404, 'not_found', `No widget file named ${name}.`));
    });
  });
  return router;
}
