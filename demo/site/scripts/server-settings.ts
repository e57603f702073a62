/** What the running token server allows, as the demo server rendered it into the page (see render-site.ts). */
import type { ServerSettings } from './embed-snippet.js';

export function readServerSettings(): ServerSettings {
  const data = document.getElementById('server-settings')?.textContent;
  if (!data) throw new Error('the page has no #server-settings');
  return JSON.parse(data) as ServerSettings;
}
