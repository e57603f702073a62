// Browser tests for <chat-kit-widget>: headless Chromium (Debian's, found by scripts/chromium.mjs), or with
// CKW_BROWSER=firefox headless Firefox ESR (Debian's, scripts/firefox.mjs) driven by puppeteer-core over WebDriver
// BiDi; test files as TypeScript through esbuild, React pre-bundled to ES modules, and real token servers
// (createApp) started in this process. Run through `npm run test:widget`, which runs this once per browser, one
// after the other (the tests share token servers and switch faults on them), under `node --import tsx` because
// the server-side test support is TypeScript from token-server/.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import * as puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, ensureChromium } from './scripts/chromium.mjs';
import { FIREFOX_PREFS, ensureFirefox } from './scripts/firefox.mjs';
import { reactPrebundlePlugin } from './widget/test-support/server/react-prebundle.ts';
import { backendsPlugin, unusedPort } from './widget/test-support/server/test-backends.ts';
import { failingBackend, testRoutesPlugin } from './widget/test-support/server/test-routes.ts';

// The page origin must be known before the token servers start: their allowed origins name it.
const port = await unusedPort();
const site = `http://localhost:${port}`;

const BROWSERS = {
  chromium: () => chromeLauncher({ launchOptions: { executablePath: ensureChromium(), headless: true, args: CHROMIUM_ARGS } }),
  // The same launcher with puppeteer-core's own launch, which speaks WebDriver BiDi to Firefox.
  firefox: () =>
    chromeLauncher({
      puppeteer,
      launchOptions: { browser: 'firefox', executablePath: ensureFirefox(), headless: true, extraPrefsFirefox: FIREFOX_PREFS },
    }),
};
const browser = process.env.CKW_BROWSER ?? 'chromium';
if (!Object.hasOwn(BROWSERS, browser)) throw new Error(`CKW_BROWSER must be ${Object.keys(BROWSERS).join(' or ')}, not "${browser}"`);

export default {
  files: ['widget/test/**/*.test.ts'],
  hostname: 'localhost',
  port,
  // Lit's production build, as users get it: the dev server would pick the `development` export (and every
  // test would print "Lit is in dev mode").
  nodeResolve: { exportConditions: ['production'] },
  // One page at a time: the tests share token servers and switch faults on them.
  concurrency: 1,
  browsers: [BROWSERS[browser]()],
  middleware: [failingBackend],
  plugins: [
    reactPrebundlePlugin(),
    testRoutesPlugin(),
    backendsPlugin(site),
    esbuildPlugin({ ts: true, tsx: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
  ],
  testFramework: { config: { timeout: 10_000 } },
};
