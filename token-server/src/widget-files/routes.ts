/**
 * Serves the built widget (`dist/widget/chat-kit-widget*.js` and source maps) at the root path, to any
 * origin. The loader keeps a short cache so sites pick up new releases; hashed chunks are immutable.
 * The build writes Brotli (`.br`) and gzip (`.gz`) siblings of each file; a request gets the best one its
 * `Accept-Encoding` allows (see encoding.ts), the file as it is when the sibling is missing. Nothing is
 * compressed per request.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Router } from 'express';
import { HttpError } from '../http/errors.js';
import { PRECOMPRESSED, preferredEncoding } from './encoding.js';

const WIDGET_FILE = /^\/(chat-kit-widget[A-Za-z0-9_.-]*\.js(?:\.map)?)$/;
const LOADER = /^chat-kit-widget\.js(?:\.map)?$/;

export function widgetFileRoutes(widgetDir: string): Router {
  const router = Router();
  router.get(WIDGET_FILE, (req, res, next) => {
    const name = WIDGET_FILE.exec(req.path)![1]!;
    if (name.includes('..')) return next();
    // Served without helmet's document headers (app.ts), so the one that matters for a script is set here.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Only a file that was found is cacheable (the `headers` below replace this then): a missing chunk (an old
    // page after a deploy) or a server not yet built must not be kept by a CDN or browser.
    res.setHeader('Cache-Control', 'no-store');
    if (!existsSync(widgetDir)) {
      throw new HttpError(503, 'widget_not_built', 'The widget is not built; run `npm run build` and restart the server.');
    }
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    // Every answer depends on Accept-Encoding, also the plain one: a shared cache must key on it.
    res.setHeader('Vary', 'Accept-Encoding');
    const headers: Record<string, string> = {
      'Cache-Control': LOADER.test(name) ? 'public, max-age=300' : 'public, max-age=31536000, immutable',
      'Content-Type': `${name.endsWith('.map') ? 'application/json' : 'text/javascript'}; charset=utf-8`,
    };
    const encoding = preferredEncoding(req.get('accept-encoding'), (coding) => existsSync(join(widgetDir, name + PRECOMPRESSED[coding])));
    if (encoding) headers['Content-Encoding'] = encoding;
    // Each encoding is its own file, so `send` gives each its own ETag and Content-Length, and ranges count
    // bytes of what is sent (RFC 9110 §14.1.2). The ETag is the validator: Last-Modified would only repeat it in
    // 46 more bytes on every answer (a client that has the ETag revalidates with If-None-Match, which wins).
    const file = encoding ? name + PRECOMPRESSED[encoding] : name;
    res.sendFile(file, { root: widgetDir, dotfiles: 'deny', cacheControl: false, lastModified: false, headers }, (err) => {
      if (!err || res.headersSent) return;
      if ((err as { status?: number }).status === 416) {
        // `send` set the file's headers before it found the range outside the file: the JSON error has none of them.
        const range = { 'Content-Range': String(res.getHeader('Content-Range')), 'Cache-Control': 'no-store' };
        for (const header of ['Content-Encoding', 'Content-Type', 'ETag']) res.removeHeader(header);
        return next(new HttpError(416, 'range_not_satisfiable', `The range asked for is outside ${name}.`, range));
      }
      next(new HttpError(404, 'not_found', `No widget file named ${name}.`));
    });
  });
  return router;
}
