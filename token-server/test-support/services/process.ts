/**
 * What the service helpers share: a free loopback port, a child process that can be stopped by its own pid
 * (gracefully, or with kill -9) and waited for, and bounded polling.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** A port that was free a moment ago (the OS picks it; the service binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The path of a program the tests need, or an error saying how to install it (never a skipped test). */
export function requireProgram(path: string, install: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: ${install} (.ci/run installs it)`);
  return path;
}

export interface ChildService {
  child: ChildProcess;
  /** Everything the process printed so far (for failure messages). */
  output(): string;
  /** Sends `signal` to the pid and resolves once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnService(command: string, args: string[], options: SpawnOptions = {}): ChildService {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // A test process that ends without stopping its services (a crash, a failed hook) must not leave them running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.off('exit', killOnExit);
      resolve();
    }),
  );
  return {
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Calls `check` until it resolves true (errors count as "not yet"), at most `attempts` times `intervalMs` apart. */
export async function waitFor(what: string, check: () => Promise<boolean>, { attempts = 300, intervalMs = 100 } = {}): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${what} did not happen in time`);
}
