/**
 * The pages the widget figures load, and the loopback server that serves them with the built widget (through the
 * token server's own widget-files route behind its request id, so every header a widget file costs is the
 * product's: createApp sends the same ones, widget-files.test.ts lists them), the direct React bundle, the ChatKit
 * stand-in and the custom backend's capabilities (the token server's own route too). Each page writes
 * `__bench.start` just before its script tag; the other marks (`defined`, `setOptions`) come from the page and the
 * stand-in.
 */
import type { Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { capabilitiesRoutes } from '../../token-server/src/chatkit/capabilities-routes.js';
import { jsonErrorHandler } from '../../token-server/src/http/errors.js';
import { requestId } from '../../token-server/src/http/request-id.js';
import { widgetFileRoutes } from '../../token-server/src/widget-files/routes.js';

export type WidgetPage = 'direct-react' | 'inline' | 'launcher-open' | 'launcher-closed' | 'inline-compared' | 'launcher-open-compared';

const STAND_IN = readFileSync(new URL('./chatkit-stand-in.js', import.meta.url));
// A static, unsigned user JWT: these pages measure loading, and the stand-in never calls the backend. JWT-shaped, as
// `auth-token` is: the widget reads its `sub` (the persisted thread's owner), and a token that is not one would
// send it through a caught JSON error.
const TOKEN = [{ alg: 'EdDSA', typ: 'JWT' }, { sub: 'bench-user' }].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + '.unsigned';
const HEAD = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>
<style>body{margin:0;font:16px system-ui}#root,.chat,chat-kit-widget{display:block;height:600px}</style>`;

function widgetPage(display: 'inline' | 'launcher', open: boolean, loader: string, dir = 'widget'): string {
  // A closed launcher is timed from the visitor's pointer reaching it (hover, then the click).
  const pointer = open || display === 'inline' ? '' : `
<script>addEventListener('pointermove', () => { window.__bench.opened ??= performance.now(); }, { capture: true, once: true });</script>`;
  return `${HEAD}
<script>window.__bench = { start: performance.now() };</script>${pointer}
<script src="/${dir}/${loader}" defer></script>
<script>customElements.whenDefined('chat-kit-widget').then(() => { window.__bench.defined = performance.now(); });</script>
</head><body>
<chat-kit-widget auth-mode="custom-fetch" auth-token="${TOKEN}" domain-key="local-dev" script-src="/chatkit-stand-in.js"
  display="${display}"${open ? ' open' : ''}></chat-kit-widget>
</body></html>`;
}

function directReactPage(): string {
  // As ChatKit's React docs say: the page loads ChatKit's script itself, then mounts the component.
  return `${HEAD}
<script>window.__bench = { start: performance.now() };</script>
<script src="/chatkit-stand-in.js" async></script>
<script type="module" src="/direct-react.js"></script>
</head><body data-token="${TOKEN}"><div id="root"></div></body></html>`;
}

export interface PageServer {
  url(page: WidgetPage): string;
  close(): Promise<void>;
}

/**
 * Serves the pages; `widgetDir` is the rollup output folder (with its `.br` and `.gz` siblings), `directReact` the
 * esbuild bundle of the baseline page, `comparedDir` another build served at /widget-compared/ for the `-compared` pages.
 */
export async function servePages(widgetDir: string, loader: string, directReact: Uint8Array, comparedDir?: string): Promise<PageServer> {
  const pages: Record<WidgetPage, string> = {
    'direct-react': directReactPage(),
    inline: widgetPage('inline', false, loader),
    'launcher-open': widgetPage('launcher', true, loader),
    'launcher-closed': widgetPage('launcher', false, loader),
    'inline-compared': widgetPage('inline', false, loader, 'widget-compared'),
    'launcher-open-compared': widgetPage('launcher', true, loader, 'widget-compared'),
  };
  const app = express();
  app.disable('x-powered-by');
  // The one header createApp's middleware before the widget files adds (its X-Request-Id, on every answer).
  app.use(requestId());
  app.use('/widget', widgetFileRoutes(widgetDir));
  // The widget asks its custom backend what the composer offers, as the token server answers it (here: nothing
  // turned on). Without the route its 404 would send the widget down its failure path: a console warning, which
  // with the bench's CDP session enabled also captures a stack trace.
  app.use(capabilitiesRoutes({ attachments: { enabled: false, accept: [], max_size: 0, max_count: 0 }, dictation: { enabled: false }, models: [], tools: [] }));
  if (comparedDir) app.use('/widget-compared', widgetFileRoutes(comparedDir));
  app.use((req, res, next) => {
    const send = (type: string, body: string | Uint8Array) => res.set({ 'content-type': type, 'cache-control': 'no-store' }).end(body);
    const page = pages[req.path.slice(1).replace(/\.html$/, '') as WidgetPage];
    if (page) return send('text/html; charset=utf-8', page);
    if (req.path === '/favicon.ico') return void res.status(204).end();
    if (req.path === '/chatkit-stand-in.js') return send('text/javascript', STAND_IN);
    if (req.path === '/direct-react.js') return send('text/javascript', directReact);
    next();
  });
  app.use((_req, res) => void res.status(404).json({ error: { code: 'not_found', message: 'not found' } }));
  app.use(jsonErrorHandler);
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (page) => `${base}/${page}.html`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
