/** The demo's pages: where each is served, its title and navigation label, and the script that drives it. */
import type { EmbedChoices } from './scripts/embed-snippet.js';

export interface SitePage {
  path: string;
  /** The content fragment under `demo/site/pages/`. */
  file: string;
  title: string;
  navLabel: string;
  /** Entry under `demo/site/scripts/`, without extension. */
  script: string;
  /** The snippet the page shows (`{{snippet}}`), written by the builder's code from these choices. */
  snippet?: Pick<EmbedChoices, 'authMode' | 'display'>;
}

export const SITE_PAGES: readonly SitePage[] = [
  { path: '/', file: 'index.html', title: 'Overview', navLabel: 'Overview', script: 'index-page' },
  { path: '/direct-token', file: 'direct-token.html', title: 'Public visitor', navLabel: 'Public', script: 'chat-page', snippet: { authMode: 'direct-token', display: 'inline' } },
  { path: '/custom-fetch', file: 'custom-fetch.html', title: 'Signed-in user', navLabel: 'Signed in', script: 'signed-in-page', snippet: { authMode: 'custom-fetch', display: 'inline' } },
  { path: '/client-secret', file: 'client-secret.html', title: 'Hosted session', navLabel: 'Hosted', script: 'signed-in-page', snippet: { authMode: 'client-secret', display: 'inline' } },
  { path: '/launcher', file: 'launcher.html', title: 'Launcher', navLabel: 'Launcher', script: 'launcher-page', snippet: { authMode: 'direct-token', display: 'launcher' } },
  { path: '/builder', file: 'builder.html', title: 'Embed builder', navLabel: 'Builder', script: 'builder-page' },
];
