/**
 * "Someone else's site": a page on another origin that embeds the widget with nothing but the script tag
 * pointing at the token server, the way a site owner or a CMS block would.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { sendPage } from '../page-headers.js';
import { fillTemplate, scriptSrcAttribute } from '../site/render-site.js';

export interface SecondOriginValues {
  /** The token server's base URL (where the script tag points). */
  server: string;
  publicKey: string;
  /** This site's own origin, shown on the page. */
  siteOrigin: string;
  /** The demo's main site, linked back to. */
  demoUrl: string;
  chatkitScriptSrc?: string;
  csp: string;
}

const DIR = fileURLToPath(new URL('.', import.meta.url));

export async function createSecondOriginApp({ csp, chatkitScriptSrc, ...text }: SecondOriginValues): Promise<Express> {
  const html = fillTemplate(await readFile(`${DIR}index.html`, 'utf8'), text, { scriptSrcAttribute: scriptSrcAttribute(chatkitScriptSrc) });
  const css = await readFile(`${DIR}site.css`);
  const app = express();
  app.disable('x-powered-by');
  app.get('/', (_req, res) => sendPage(res, html, csp));
  app.get('/site.css', (_req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.type('css').send(css);
  });
  app.use((_req, res) => {
    res.status(404).type('text').send('Not found.');
  });
  return app;
}
