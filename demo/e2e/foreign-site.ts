/**
 * A site nobody configured: a page on its own loopback origin that pastes the demo's snippet anyway, as a copycat
 * site would. The token server must refuse it.
 */
import { createServer, type Server } from 'node:http';
import { listenOnLoopback, type LoopbackServer } from '../../token-server/test-support/loopback-server.js';

export type ForeignSite = LoopbackServer;

export async function startForeignSite(tokenServerUrl: string, chatkitScriptSrc: string): Promise<ForeignSite> {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Copycat</title>
<script src="${tokenServerUrl}/chat-kit-widget.js" defer></script></head>
<body><h1>A site that was never allowed</h1><chat-kit-widget public-key="pk_demo" script-src="${chatkitScriptSrc}"></chat-kit-widget></body></html>`;
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  return listenOnLoopback(server);
}
