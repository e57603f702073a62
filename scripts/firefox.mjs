// Finds a Firefox for the browser tests (driven by puppeteer-core over WebDriver BiDi): FIREFOX_PATH, then
// Debian's firefox-esr, then other usual places. Where there is none it installs Debian's firefox-esr when it can
// (root with apt-get), else it stops with one line.
import { pathToFileURL } from 'node:url';
import { ensureBrowser, findBrowser } from './find-browser.mjs';

const FIREFOX = {
  name: 'Firefox',
  envVar: 'FIREFOX_PATH',
  candidates: ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/snap/bin/firefox', '/Applications/Firefox.app/Contents/MacOS/firefox'],
  aptPackage: 'firefox-esr',
};

/**
 * Preferences for a quiet test profile: no update checks, telemetry or remote settings (nothing beyond loopback
 * is reachable here), and no first-run pages.
 */
export const FIREFOX_PREFS = {
  'app.update.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'network.captive-portal-service.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
};

export const findFirefox = () => findBrowser(FIREFOX);

export const ensureFirefox = () => ensureBrowser(FIREFOX);

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(ensureFirefox());
