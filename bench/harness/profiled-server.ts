/**
 * Profiles the token server under a given load: a fresh server started with `node --cpu-prof`, the load run
 * against it, then the profile's summary counting only what happened after the warm-up.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Host } from './hosts.js';
import { summarizeProfile } from './profile.js';
import type { ProfileReport } from './report.js';
import { startTokenServer } from './stack.js';

export async function profileTokenServer(
  mock: Host,
  resultsDir: string,
  slug: string,
  title: string,
  /** Runs the load; calls `measuredFromHere` once warm. */
  load: (server: Host, measuredFromHere: () => Promise<void>) => Promise<unknown>,
): Promise<ProfileReport> {
  const dir = join(resultsDir, 'profiles', slug);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const server = await startTokenServer(mock, `token-server (profiled)`, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  let fromUs = 0;
  try {
    await load(server, async () => {
      fromUs = (await server.probe()).monotonicUs;
    });
  } finally {
    await server.stop();
  }
  const file = mainThreadProfile(dir);
  return { title, file: relative(resultsDir, file), lines: summarizeProfile(file, fromUs) };
}

/** tsx's loader thread writes a profile too; the main thread's is the one with the load in it (the largest). */
function mainThreadProfile(dir: string): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f));
  if (files.length === 0) throw new Error(`no CPU profile was written to ${dir}`);
  return files.reduce((a, b) => (statSync(a).size >= statSync(b).size ? a : b));
}
