/**
 * The server's real entry points in processes of their own, started the way operators start them, on an
 * ephemeral port in a directory of their own (so a developer's .env or ./data is never read or written):
 *
 *   const server = startServerProcess(ENTRY_POINTS.serve, { LOG_LEVEL: 'info' }, { cwd });
 *   const url = await server.url;          // from the "listening" line on stdout
 *   server.stallStdout();                  // stop reading its stdout, as a stalled log collector would
 *   server.child.kill('SIGTERM'); await server.exited;
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WIDGET_LOADER = join(ROOT, 'dist/widget/chat-kit-widget.js');

export interface EntryPoint {
  name: string;
  args: string[];
  /** The stdout line that says where it listens; its first group is the URL. */
  listening: RegExp;
  /** Variables it needs on top of the test's (the demo's second origin). */
  env?: Record<string, string>;
}

const tsx = () => ['--import', import.meta.resolve('tsx')];
export const ENTRY_POINTS = {
  server: { name: 'npm run server (source under tsx)', args: [...tsx(), join(ROOT, 'token-server/src/server.ts')], listening: /listening on (http:\/\/\S+)/ },
  serve: { name: 'npm run serve (production build on bare node)', args: ['--enable-source-maps', join(ROOT, 'dist/server/server.js')], listening: /listening on (http:\/\/\S+)/ },
  demo: { name: 'npm start (the demo)', args: [...tsx(), join(ROOT, 'demo/server.ts')], listening: /demo: open (http:\/\/\S+)/, env: { DEMO_SECOND_ORIGIN_PORT: '0' } },
} satisfies Record<string, EntryPoint>;

/** The production build, always fresh, and the widget when it was never built. */
export function buildServer(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-server.mjs')], { cwd: ROOT });
  if (!existsSync(WIDGET_LOADER)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
}

export interface ServerProcess {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  exited: Promise<number | null>;
  /** The URL from the listening line (`localhost` spelled 127.0.0.1); rejects when the process exits first. */
  url: Promise<string>;
  /** Stops reading stdout: the pipe and this side's buffer fill, then the server's writes find it full. */
  stallStdout(): void;
  resumeStdout(): void;
  /** Resident memory in bytes, from /proc. */
  rss(): number;
}

/** Every server still running is killed when the test process ends, even after a test timed out mid-way. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** `signal`: the test's (`t.signal`), aborted when it times out; the server is killed then. */
export function startServerProcess(entry: EntryPoint, env: Record<string, string>, { cwd, signal }: { cwd: string; signal?: AbortSignal }): ServerProcess {
  const child = spawn(process.execPath, entry.args, {
    cwd,
    env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'warn', DATA_DIR: join(cwd, 'data'), ...entry.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const kill = () => child.kill('SIGKILL');
  signal?.addEventListener('abort', kill, { once: true });
  child.on('exit', () => {
    running.delete(child);
    signal?.removeEventListener('abort', kill);
  });
  let stdout = '';
  let stderr = '';
  const onStdout = (chunk: Buffer) => (stdout += chunk);
  child.stdout!.on('data', onStdout);
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const check = () => {
      const found = entry.listening.exec(stdout)?.[1];
      if (found) return resolve(found.replace('//localhost:', '//127.0.0.1:'));
      if (child.exitCode !== null) return reject(new Error(`exited ${child.exitCode} before listening: ${stderr}`));
      setTimeout(check, 20);
    };
    check();
  });
  url.catch(() => {}); // a test that expects a failed start never awaits it
  return {
    child,
    output: () => ({ stdout, stderr }),
    exited,
    url,
    stallStdout() {
      child.stdout!.off('data', onStdout);
      child.stdout!.pause();
    },
    resumeStdout() {
      child.stdout!.on('data', onStdout);
      child.stdout!.resume();
    },
    rss() {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
      return Number(kb) * 1024;
    },
  };
}

/** Polls `get` until it returns a value. */
export async function waitFor<T>(get: () => T | undefined): Promise<T> {
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}
