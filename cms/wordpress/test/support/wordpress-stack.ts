/**
 * Everything the WordPress tests need, real and on loopback: the OpenAI mock with a scripted model, our token
 * server (`createApp`) configured for the WordPress site (its origin in PUBLIC_KEYS and ALLOWED_ORIGINS, the
 * shared HS256 secret as AUTH_JWT_SECRET), the ChatKit stand-in script, WordPress in Playground, and Debian's
 * Chromium driven by playwright-core.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { serveStandIn } from '../../../../demo/e2e/demo-stack.js';
import { CHROMIUM_ARGS, ensureChromium } from '../../../../scripts/chromium.mjs';
import { scriptedModel } from '../../../../token-server/test-support/openai-mock-model.js';
import { startOpenAIMock, type OpenAIMock } from '../../../../token-server/test-support/openai-mock.js';
import { MOCK_OPENAI_API_KEY } from '../../../../token-server/test-support/openai-mock-sessions.js';
import { startTestApp, type TestServer } from '../../../../token-server/test-support/start-app.js';
import { unusedPort } from '../../../../widget/test-support/server/test-backends.js';
import { startWordPress, type WordPress } from './playground.js';
import { testMuPlugin } from './test-mu-plugin.js';

const PROJECT_DIR = fileURLToPath(new URL('../../../../', import.meta.url));
export const SCREENSHOT_DIR = join(PROJECT_DIR, 'test-results', 'screenshots');
export const PLUGIN_ZIP = join(PROJECT_DIR, 'dist', 'wordpress', 'chat-kit-widget-0.1.0.zip');
export const PUBLIC_KEY = 'pk_wordpress';
export const SCRIPTED_ANSWER = 'Hello from the scripted model!';
// Generous: PHP runs as WebAssembly, and a shared 2-core machine can be slow to answer.
const ACTION_TIMEOUT_MS = 60_000;

export interface WordPressStack {
  wordpress: WordPress;
  tokenServer: TestServer;
  openai: OpenAIMock;
  /** The HS256 secret the token server verifies WordPress users' tokens with. */
  secret: string;
  /** A fresh browser context (a visitor of their own) and a page in it. */
  newPage(): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export async function startWordPressStack(): Promise<WordPressStack> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const port = await unusedPort();
  const site = `http://127.0.0.1:${port}`;
  const secret = randomBytes(32).toString('base64url');
  const model = scriptedModel({ deltas: ['Hello ', 'from the ', 'scripted model!'] });
  const openai = await startOpenAIMock(model.routes);
  const standIn = await serveStandIn();
  const tokenServer = await startTestApp({
    env: {
      LOG_LEVEL: 'silent',
      PUBLIC_KEYS: `${PUBLIC_KEY}=${site}`,
      ALLOWED_ORIGINS: site,
      AUTH_JWT_SECRET: secret,
      AUTH_ISSUER: site,
      OPENAI_API_KEY: MOCK_OPENAI_API_KEY,
      OPENAI_BASE_URL: openai.baseURL,
    },
  });
  let wordpress: WordPress | undefined;
  let browser: Browser | undefined;
  try {
    wordpress = await startWordPress({ port, files: { 'wp-content/mu-plugins/ckw-test.php': testMuPlugin(standIn.url) } });
    browser = await chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS });
  } catch (error) {
    await Promise.all([wordpress?.stop(), tokenServer.close(), openai.close(), closeServer(standIn.server)]);
    throw error;
  }
  const started = { wordpress, browser };
  return {
    wordpress,
    tokenServer,
    openai,
    secret,
    async newPage() {
      const context = await started.browser.newContext();
      context.setDefaultTimeout(ACTION_TIMEOUT_MS);
      return { context, page: await context.newPage() };
    },
    async close() {
      await started.browser.close();
      await Promise.all([started.wordpress.stop(), tokenServer.close(), openai.close(), closeServer(standIn.server)]);
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
