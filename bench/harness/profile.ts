/**
 * Reads a V8 CPU profile (`node --cpu-prof`, or Chromium's profiler, same format) and says where the time went:
 * self time per package or project file, and the hottest functions.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  /** Monotonic clock, in microseconds (the same clock as `process.hrtime`). */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/jose/...` → `jose`, `token-server/src/x.ts` → that path, `node:internal/deps/undici/undici` as is. */
function owner(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith('node:')) return url;
  const project = /\/((?:token-server|widget|bench|dist)\/.*)$/.exec(url);
  return project ? project[1]! : url.replace(/^file:\/\//, '');
}

function top(map: Map<string, number>, total: number, count: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
}

/** `fromUs`: only samples taken after this moment of the monotonic clock (e.g. once start-up is over). */
export function summarizeProfile(file: string, fromUs = 0, count = 10): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    at += us;
    if (at < fromUs || !node || node.callFrame.functionName === '(idle)') return;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const who = owner(url, functionName);
    byOwner.set(who, (byOwner.get(who) ?? 0) + us);
    const fn = `${functionName || '(anonymous)'} ${who}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  });
  if (total === 0) return ['(no busy samples)'];
  return [
    `busy time ${(total / 1000).toFixed(0)} ms; self time by package or file:`,
    ...top(byOwner, total, count),
    'hottest functions (self time):',
    ...top(byFunction, total, count),
  ];
}
