// Finds a Chromium for the browser tests: CHROME_PATH, then /usr/bin/chromium, then other usual places.
// Where there is none it installs Debian's package when it can (root with apt-get), else it stops with one line.
import { pathToFileURL } from 'node:url';
import { ensureBrowser, findBrowser } from './find-browser.mjs';

const CHROMIUM = {
  name: 'Chromium',
  envVar: 'CHROME_PATH',
  candidates: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ],
  aptPackage: 'chromium',
};

/** Flags that make Debian's Chromium behave headless, as root, on a machine with no network but loopback. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const findChromium = () => findBrowser(CHROMIUM);

export const ensureChromium = () => ensureBrowser(CHROMIUM);

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(ensureChromium());
