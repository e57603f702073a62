/**
 * Everything an end-to-end test needs, real and on loopback: the scripted OpenAI mock (hosted sessions and model
 * streams), the ChatKit stand-in script on a static server of its own, the demo server as `npm start` runs it (a
 * child process on free ports with a fresh DATA_DIR), and Debian's Chromium driven by playwright-core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from '../../scripts/chromium.mjs';
import { startOpenAIMock, type OpenAIMock } from '../../token-server/test-support/openai-mock.js';
import { scriptedModel, type ScriptedModel } from '../../token-server/test-support/openai-mock-model.js';
import { MOCK_OPENAI_API_KEY, mockChatKitSessions, type ChatKitSessionsMock } from '../../token-server/test-support/openai-mock-sessions.js';

const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOT_DIR = join(PROJECT_DIR, 'test-results', 'screenshots');
export const E2E_WORKFLOW_ID = 'wf_demo_e2e';
const STARTUP_TIMEOUT_MS = 20_000;
const ACTION_TIMEOUT_MS = 15_000;

/** Saves a full-page screenshot under test-results/screenshots/, seen from the top as a person arriving would. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

export interface DemoStackOptions {
  /** Start without OPENAI_API_KEY (and without OPENAI_BASE_URL): what a newcomer without a key sees. */
  withoutOpenAI?: boolean;
  /** More environment for the demo server, as a site owner would put in `.env` (read when the stack starts). */
  env?: Record<string, string>;
  /** Host names the browser resolves to 127.0.0.1: sites on "real" hosts, served by a test on loopback. */
  loopbackHosts?: string[];
}

export interface DemoStack {
  siteUrl: string;
  secondOriginUrl: string;
  /** The ChatKit stand-in script's URL (what the demo pages' `script-src` points at). */
  chatkitScriptSrc: string;
  openai: OpenAIMock;
  model: ScriptedModel;
  sessions: ChatKitSessionsMock;
  /** A fresh browser context (its own storage and cookies: a different visitor) and a page in it. */
  newPage(options?: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page }>;
  /** What the demo server wrote to stderr so far (for failure messages). */
  serverLog(): string;
  close(): Promise<void>;
}

/** The ChatKit stand-in script on a static server of its own (also used by the WordPress plugin's tests). */
export async function serveStandIn(): Promise<{ server: Server; url: string }> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./openai-chatkit-stand-in.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  const server = createServer((req, res) => {
    if (req.url !== '/openai-chatkit-stand-in.js') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/javascript', 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
    res.end(script);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/openai-chatkit-stand-in.js` };
}

/** Starts `demo/server.ts` the way `npm start` does and waits for the two URLs it prints. */
async function startDemoServer(env: Record<string, string>, cwd: string): Promise<{ child: ChildProcess; siteUrl: string; secondOriginUrl: string; log: () => string }> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(PROJECT_DIR, 'demo', 'server.ts')], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const urls = await new Promise<{ siteUrl: string; secondOriginUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo server did not start within ${STARTUP_TIMEOUT_MS} ms:\n${stdout}${stderr}`)), STARTUP_TIMEOUT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const site = /open (http:\/\/\S+)/.exec(stdout)?.[1];
      const second = /another site embedding it: (http:\/\/\S+)/.exec(stdout)?.[1];
      if (site && second) {
        clearTimeout(timer);
        resolve({ siteUrl: site, secondOriginUrl: second });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo server exited with ${code} before it was ready:\n${stdout}${stderr}`));
    });
  });
  return { child, ...urls, log: () => stderr };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function startDemoStack(options: DemoStackOptions = {}): Promise<DemoStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ckw-demo-e2e-'));
  const model = scriptedModel({ deltas: ['Hello ', 'from the ', 'scripted model!'] });
  const sessions = mockChatKitSessions();
  const openai = await startOpenAIMock([...sessions.routes, ...model.routes]);
  const standIn = await serveStandIn();

  // A clean environment: nothing from the developer's shell or .env (the server runs in the empty temp dir).
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dataDir,
    PORT: '0',
    DEMO_SECOND_ORIGIN_PORT: '0',
    DATA_DIR: join(dataDir, 'data'),
    LOG_LEVEL: 'warn',
    DEMO_CHATKIT_SCRIPT_SRC: standIn.url,
    ...(options.withoutOpenAI ? {} : { OPENAI_API_KEY: MOCK_OPENAI_API_KEY, OPENAI_BASE_URL: openai.baseURL, CHATKIT_WORKFLOW_ID: E2E_WORKFLOW_ID }),
    ...options.env,
  };
  const server = await startDemoServer(env, dataDir);
  const hostRules = (options.loopbackHosts ?? []).map((host) => `MAP ${host} 127.0.0.1`).join(', ');
  const browser: Browser = await chromium.launch({
    executablePath: ensureChromium(),
    args: hostRules ? [...CHROMIUM_ARGS, `--host-resolver-rules=${hostRules}`] : CHROMIUM_ARGS,
  });
  await mkdir(SCREENSHOT_DIR, { recursive: true });

  return {
    siteUrl: server.siteUrl,
    secondOriginUrl: server.secondOriginUrl,
    chatkitScriptSrc: standIn.url,
    openai,
    model,
    sessions,
    async newPage(contextOptions = {}) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...contextOptions });
      // Anything a person would notice happens within seconds here; a stuck step should fail, not hang.
      context.setDefaultTimeout(ACTION_TIMEOUT_MS);
      return { context, page: await context.newPage() };
    },
    serverLog: server.log,
    async close() {
      await browser.close();
      await stopChild(server.child);
      await openai.close();
      await new Promise<void>((resolve) => standIn.server.close(() => resolve()));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** One stack for the enclosing `describe`, started before its tests and stopped after them. */
export function demoStackPerSuite(options: DemoStackOptions = {}): () => DemoStack {
  let stack: DemoStack | undefined;
  before(async () => {
    stack = await startDemoStack(options);
  });
  after(() => stack?.close());
  return () => {
    if (!stack) throw new Error('the demo stack is only there inside the tests of its describe');
    return stack;
  };
}
