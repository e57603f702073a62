// Browser tests for <chat-kit-widget>: headless Chromium (Debian's, found by scripts/chromium.mjs), test files
// as TypeScript through esbuild, React pre-bundled to ES modules, and real token servers (createApp) started
// in this process. Run through `npm run test:widget`, which runs this under `node --import tsx` because the
// server-side test support is TypeScript from token-server/.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_ARGS, ensureChromium } from './scripts/chromium.mjs';
import { reactPrebundlePlugin } from './widget/test-support/server/react-prebundle.ts';
import { backendsPlugin, unusedPort } from './widget/test-support/server/test-backends.ts';
import { failingBackend, testRoutesPlugin } from './widget/test-support/server/test-routes.ts';

// The page origin must be known before the token servers start: their allowed origins name it.
const port = await unusedPort();
const site = `http://localhost:${port}`;

export default {
  files: ['widget/test/**/*.test.ts'],
  hostname: 'localhost',
  port,
  nodeResolve: true,
  // One page at a time: the tests share token servers and switch faults on them.
  concurrency: 1,
  browsers: [chromeLauncher({ launchOptions: { executablePath: ensureChromium(), headless: true, args: CHROMIUM_ARGS } })],
  middleware: [failingBackend],
  plugins: [
    reactPrebundlePlugin(),
    testRoutesPlugin(),
    backendsPlugin(site),
    esbuildPlugin({ ts: true, tsx: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
  ],
  testFramework: { config: { timeout: 10_000 } },
};
