/**
 * A site nobody configured: a page on its own loopback origin that pastes the demo's snippet anyway, as a copycat
 * site would. The token server must refuse it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ForeignSite {
  url: string;
  close(): Promise<void>;
}

export async function startForeignSite(tokenServerUrl: string, chatkitScriptSrc: string): Promise<ForeignSite> {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Copycat</title>
<script src="${tokenServerUrl}/chat-kit-widget.js" defer></script></head>
<body><h1>A site that was never allowed</h1><chat-kit-widget public-key="pk_demo" script-src="${chatkitScriptSrc}"></chat-kit-widget></body></html>`;
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
