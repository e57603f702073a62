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
    if (!existsSync(widgetDir)) {
      throw new HttpError(503, 'widget_not_built', 'The widget is not built; run `npm run build` and restart the server.');
    }
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Cache-Control', LOADER.test(name) ? 'public, max-age=300' : 'public, max-age=31536000, immutable');
    res.type(name.endsWith('.map') ? 'application/json' : 'text/javascript');
    res.sendFile(name, { root: widgetDir, dotfiles: 'deny', cacheControl: false }, (err) => {
      if (err && !res.headersSent) next(new HttpError(404, 'not_found', `No widget file named ${name}.`));
    });
  });
  return router;
}
