/**
 * Starts the processes under measurement (token server, bare Express, OpenAI mock) as children with the probe
 * preloaded, pinned to one core with `taskset` where it exists, and stops every one of them on the way out.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { basename, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import type { HostMessage, ParentMessage, ProbeSample } from './ipc.js';

const PROBE = fileURLToPath(new URL('./probe.ts', import.meta.url));
const COMPILED_DIR = fileURLToPath(new URL('../results/hosts/', import.meta.url));
const live = new Set<ChildProcess>();

export interface HostOptions {
  name: string;
  /** Path of the entry file, relative to the repository root or absolute. */
  entry: string;
  env?: Record<string, string>;
  /** Core to pin the process to (ignored where pinning is unavailable). */
  cpu?: number;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Send stdout to /dev/null (request logs): the process still formats and writes them, nobody reads them. */
  discardStdout?: boolean;
  /**
   * Another checkout's root (with its own `node_modules` and a built `dist/server`): the host imports that build's
   * `chat-kit-widget/server` instead of this one's, for a before/after in one run (`--compare-server`).
   */
  serverRoot?: string;
}

export interface Host {
  name: string;
  url: string;
  pid: number;
  probe(): Promise<ProbeSample>;
  send(message: ParentMessage): void;
  /** Asks the process to exit (so profiles get written), then kills it after a deadline. */
  stop(): Promise<void>;
}

let pinning = false;

/** Enables `taskset` pinning for hosts started from now on, and pins this process (the load generator). */
export function enablePinning(selfCpus: string): void {
  pinning = true;
  pinSelf(selfCpus);
}

/** Whether hosts are pinned to cores (for processes started outside `startHost`). */
export const pinningEnabled = () => pinning;

/** Adds a process started outside `startHost` (the Python peer) to those `killAllHosts()` stops. */
export function adoptHost(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** Moves every thread of this process (and children started later) to the given cores, e.g. `1` or `0-1`. */
export function pinSelf(cpus: string): void {
  if (!pinning) return;
  spawnSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
}

/**
 * Compiles a host (and the probe) to plain JavaScript, so every measured process runs on bare `node` as production
 * does, with no TypeScript loader. npm packages, the production server build among them, stay external.
 */
async function compile(entry: string, serverRoot?: string): Promise<string> {
  const outfile = `${COMPILED_DIR}${basename(entry).replace(/\.ts$/, serverRoot ? '-compared.mjs' : '.mjs')}`;
  // Kept external (not bundled), so that build resolves its own packages from its own node_modules.
  const otherServer: Plugin = {
    name: 'compared-server',
    setup: (b) => b.onResolve({ filter: /^chat-kit-widget\/server$/ }, () => ({ path: pathToFileURL(resolve(serverRoot!, 'dist/server/index.js')).href, external: true })),
  };
  await build({ entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'node', target: 'node22.12', packages: 'external', logLevel: 'warning', plugins: serverRoot ? [otherServer] : [] });
  return outfile;
}

export async function startHost(options: HostOptions): Promise<Host> {
  const [probe, entry] = await Promise.all([compile(PROBE), compile(options.entry, options.serverRoot)]);
  const nodeArgs = ['--import', probe, ...(options.nodeArgs ?? []), entry];
  const [command, args] =
    pinning && options.cpu !== undefined
      ? ['taskset', ['-c', String(options.cpu), process.execPath, ...nodeArgs]]
      : [process.execPath, nodeArgs];
  const child = spawn(command as string, args as string[], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', options.discardStdout ? 'ignore' : 'pipe', 'pipe', 'ipc'],
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));

  // Keep the tail of the output for error messages; drain the rest so the child never blocks on a full pipe.
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 20));
  };
  child.stdout?.on('data', keep);
  child.stderr!.on('data', keep);

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${options.name} did not listen within 30 s`)), 30_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${err.message}\n${tail.join('\n')}`));
    };
    child.on('message', (message: HostMessage) => {
      if (message.type !== 'listening') return;
      clearTimeout(timer);
      resolve(message.url);
    });
    child.once('exit', (code) => fail(new Error(`${options.name} exited with code ${code} before listening`)));
  });

  const probes: ((sample: ProbeSample) => void)[] = [];
  child.on('message', (message: HostMessage) => {
    if (message.type === 'probe') probes.shift()?.(message.sample);
  });

  return {
    name: options.name,
    url,
    pid: child.pid!,
    send: (message) => child.send(message),
    probe: () =>
      new Promise<ProbeSample>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${options.name} did not answer a probe within 10 s`)), 10_000);
        probes.push((sample) => {
          clearTimeout(timer);
          resolve(sample);
        });
        child.send({ type: 'probe' } satisfies ParentMessage);
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'exit' } satisfies ParentMessage);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Last resort on a deadline or crash: kills every host still running. */
export function killAllHosts(): void {
  for (const child of live) child.kill('SIGKILL');
}
