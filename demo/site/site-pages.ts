/** The demo's pages: where each is served, its title and navigation label, and the script that drives it. */
export interface SitePage {
  path: string;
  /** The content fragment under `demo/site/pages/`. */
  file: string;
  title: string;
  navLabel: string;
  /** Entry under `demo/site/scripts/`, without extension. */
  script: string;
}

export const SITE_PAGES: readonly SitePage[] = [
  { path: '/', file: 'index.html', title: 'Overview', navLabel: 'Overview', script: 'index-page' },
  { path: '/direct-token', file: 'direct-token.html', title: 'Public visitor', navLabel: 'Public', script: 'chat-page' },
  { path: '/custom-fetch', file: 'custom-fetch.html', title: 'Signed-in user', navLabel: 'Signed in', script: 'signed-in-page' },
  { path: '/client-secret', file: 'client-secret.html', title: 'Hosted session', navLabel: 'Hosted', script: 'signed-in-page' },
  { path: '/launcher', file: 'launcher.html', title: 'Launcher', navLabel: 'Launcher', script: 'launcher-page' },
  { path: '/builder', file: 'builder.html', title: 'Embed builder', navLabel: 'Builder', script: 'builder-page' },
];
