/**
 * The headers every demo page is served with: a strict Content-Security-Policy (no inline scripts or styles)
 * that allows exactly what the widget needs, as the CSP recipe in docs/csp.md tells site owners to.
 */
import type { Response } from 'express';

export const CHATKIT_ORIGIN = 'https://cdn.platform.openai.com';

export interface PagePolicy {
  /** Origins scripts may come from besides the page's own (the widget's server, a ChatKit script stand-in). */
  scriptOrigins: string[];
  /** Origins the page may call besides its own (the token server, when it lives elsewhere). */
  connectOrigins: string[];
}

function unique(values: string[]): string {
  return [...new Set(values)].join(' ');
}

export function contentSecurityPolicy({ scriptOrigins, connectOrigins }: PagePolicy): string {
  return [
    "default-src 'self'",
    `script-src ${unique(["'self'", CHATKIT_ORIGIN, ...scriptOrigins])}`,
    // ChatKit's UI is an iframe from OpenAI's CDN.
    `frame-src ${CHATKIT_ORIGIN}`,
    `connect-src ${unique(["'self'", ...connectOrigins])}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** No Cross-Origin-Embedder-Policy: `require-corp` would stop ChatKit's iframe from loading. */
export function sendPage(res: Response, html: string, csp: string): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
  res.setHeader('Cache-Control', 'no-cache');
  res.type('html').send(html);
}
