/**
 * The peer baseline: OpenAI's Python ChatKit server (the public openai/chatkit-python repository) behind our own
 * small HTTP wrapper (`bench/peers/chatkit-python/server.py`: in-memory store, the same scripted reply). The
 * checkout is not part of this repository: `CHATKIT_PYTHON_DIR` names a work tree (with `chatkit/server.py`) or a
 * git directory, by default the mirror the `fetch` tool makes; from a git directory the `chatkit` package is
 * exported into `bench/results/peers/`. Without either the figure says "peer not available".
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adoptHost, pinningEnabled } from './hosts.js';
import { REPLY_DELTAS } from './scripted-reply.js';

const DEFAULT_CHECKOUT = '/work/.mirror/openai+chatkit-python/repo';
const WRAPPER = fileURLToPath(new URL('../peers/chatkit-python/server.py', import.meta.url));
const EXPORT_DIR = fileURLToPath(new URL('../results/peers/chatkit-python/', import.meta.url));

export interface PeerServer {
  url: string;
  /** User + system CPU time of the Python process so far, in µs (from /proc). */
  cpuUs(): number;
  stop(): void;
}

/** A directory holding the `chatkit` package, or why there is none. */
function locateCheckout(): { dir: string } | { missing: string } {
  const given = process.env.CHATKIT_PYTHON_DIR ?? DEFAULT_CHECKOUT;
  if (existsSync(join(given, 'chatkit', 'server.py'))) return { dir: given };
  if (!existsSync(given)) return { missing: `no checkout at ${given} (set CHATKIT_PYTHON_DIR)` };
  rmSync(EXPORT_DIR, { recursive: true, force: true });
  mkdirSync(EXPORT_DIR, { recursive: true });
  const archive = spawnSync('git', ['--git-dir', existsSync(join(given, '.git')) ? join(given, '.git') : given, 'archive', 'HEAD', 'chatkit'], { maxBuffer: 64 * 2 ** 20 });
  if (archive.status !== 0) return { missing: `${given} is neither a chatkit-python work tree nor its git directory` };
  const untar = spawnSync('tar', ['-x', '-C', EXPORT_DIR], { input: archive.stdout });
  return untar.status === 0 ? { dir: EXPORT_DIR } : { missing: `could not unpack chatkit from ${given}` };
}

/** Starts the wrapper pinned to `cpu` like the other hosts; answers why not when the peer cannot run here. */
export async function startChatKitPython(cpu: number): Promise<PeerServer | { missing: string }> {
  const checkout = locateCheckout();
  if ('missing' in checkout) return checkout;
  const python = ['python3', WRAPPER];
  const [command, ...args] = pinningEnabled() ? ['taskset', '-c', String(cpu), ...python] : python;
  const child = spawn(command!, args, {
    env: { ...process.env, CHATKIT_PYTHON_DIR: checkout.dir, BENCH_REPLY_DELTAS: JSON.stringify(REPLY_DELTAS) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  adoptHost(child);
  let output = '';
  const url = await new Promise<string | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 20_000);
    const read = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4_000);
      const match = /listening (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', () => resolve(undefined));
  });
  if (!url) {
    child.kill('SIGKILL');
    return { missing: `the wrapper did not start: ${output.trim().split('\n').slice(-1)[0] ?? 'no output'}` };
  }
  const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim()) || 100;
  return {
    url,
    cpuUs: () => {
      // /proc/<pid>/stat: utime and stime are fields 14 and 15, after the parenthesised command name.
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1e6;
    },
    stop: () => child.kill('SIGKILL'),
  };
}
