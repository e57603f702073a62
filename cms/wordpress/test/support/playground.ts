/**
 * Real WordPress for the tests: `@wp-playground/cli` (PHP 8.2 compiled to WebAssembly, SQLite) serving a fresh
 * copy of Debian's WordPress files on 127.0.0.1, installed from those files (nothing is downloaded). Started as a
 * child process and stopped by its pid. Its own package (cms/wordpress/test/package.json) holds Playground, since
 * it is about 580 MB: `.ci/run` installs it (and the tests do when it is missing), the root `npm install` never does.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshSite } from './wordpress-files.js';

const TEST_PACKAGE = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(TEST_PACKAGE, 'node_modules', '@wp-playground', 'cli', 'wp-playground.js');
const STARTUP_TIMEOUT_MS = 240_000;
const STOP_TIMEOUT_MS = 10_000;
/** What Playground's installer makes the first user. */
export const ADMIN = { user: 'admin', password: 'password' };

export interface WordPress {
  url: string;
  /** The site's folder (wp-content/ and its debug.log are in it). */
  dir: string;
  /** What PHP wrote to wp-content/debug.log so far. */
  debugLog(): string;
  /** What Playground printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export interface WordPressOptions {
  port: number;
  /** Files to put into the site before it starts: path inside the site → content. */
  files?: Record<string, string>;
}

/** Installs the test package when it is missing (as .ci/run does), so `npm install && npm test` is all a machine needs. */
function ensurePlayground(): void {
  if (existsSync(CLI)) return;
  console.error('WordPress Playground is not installed: running `npm ci --prefix cms/wordpress/test` (about 580 MB)...');
  execFileSync('npm', ['ci', '--prefix', TEST_PACKAGE, '--no-audit', '--no-fund'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (!existsSync(CLI)) throw new Error('WordPress Playground is still missing after `npm ci --prefix cms/wordpress/test`.');
}

export async function startWordPress({ port, files = {} }: WordPressOptions): Promise<WordPress> {
  ensurePlayground();
  const dir = freshSite();
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [
      CLI,
      'server',
      `--port=${port}`,
      `--site-url=${url}`,
      `--mount-before-install=${dir}:/wordpress`,
      '--wordpress-install-mode=install-from-existing-files',
      '--php=8.2',
      // Only loopback traffic, and no background work: WordPress's update checks would wait on hosts that cannot be
      // reached, and WP-Cron's loopback request to itself can leave a request waiting behind the database lock.
      '--define-bool',
      'WP_HTTP_BLOCK_EXTERNAL',
      'true',
      '--define-bool',
      'DISABLE_WP_CRON',
      'true',
      // Playground's recommended minimum: with fewer, a request can wait forever on a file lock another one holds.
      '--workers=6',
      '--verbosity=normal',
    ],
    { cwd: TEST_PACKAGE, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`WordPress did not start within ${STARTUP_TIMEOUT_MS / 1000} s:\n${output}`)), STARTUP_TIMEOUT_MS);
    const ready = () => {
      if (!/Ready! WordPress is running/.test(output)) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on('data', ready);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`WordPress Playground exited (${code}) before it was ready:\n${output}`));
    });
  });
  return {
    url,
    dir,
    output: () => output,
    debugLog: () => {
      const log = join(dir, 'wp-content', 'debug.log');
      return existsSync(log) ? readFileSync(log, 'utf8') : '';
    },
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
