/**
 * Custom-backend figures: `threads.create` with the scripted streaming reply at 1, 50 and 200 concurrent streams
 * (time to the first event, to the first reply text, and to the end), beside bare Express writing the same events;
 * then server CPU per reply and RSS before and after many replies, and reply throughput at 8 concurrent clients beside
 * OpenAI's Python ChatKit server streaming the same reply.
 */
import type { BenchFlags } from '../harness/args.js';
import type { Report } from '../harness/report.js';
import type { Host } from '../harness/hosts.js';
import type { ProbeSample } from '../harness/ipc.js';
import { createIdentity, userTokens } from '../harness/identity.js';
import { THREADS_CREATE } from '../harness/scripted-reply.js';
import { streamingAgent, timeStream, type StreamTiming } from '../harness/sse-client.js';
import { profileTokenServer } from '../harness/profiled-server.js';
import { startChatKitPython } from '../harness/chatkit-python.js';
import { startComparedServer, startHello, startMock, startTokenServer } from '../harness/stack.js';
import { median, MiB, percentile, runConcurrently } from '../harness/stats.js';

const LEVELS: { concurrency: number; count: number }[] = [
  { concurrency: 1, count: 50 },
  { concurrency: 50, count: 500 },
  { concurrency: 200, count: 1_000 },
];
const LEVEL_TIME_LIMIT_MS = 20_000;
const VOLUME_CONCURRENCY = 50;
const VOLUME_TIME_LIMIT_MS = 120_000;
/** The long run's CPU per reply is also read per slice of this many replies (the first against the last). */
const VOLUME_SLICE = 1_000;
/** CPU per reply beyond this multiple of bare Express gets a CPU profile. */
const PROFILE_ABOVE = 5;
const PROFILED_REPLIES = 1_000;
const THROUGHPUT_CONCURRENCY = 8;
const THROUGHPUT_REPLIES = 1_500;
const THROUGHPUT_TIME_LIMIT_MS = 30_000;
/** `--compare-server`: alternating rounds of this many replies per build, at each of these concurrencies. */
const COMPARE_ROUNDS = 8;
const COMPARE_BATCH = 200;
const COMPARE_LEVELS = [VOLUME_CONCURRENCY, THROUGHPUT_CONCURRENCY];
const WARM_UP_REPLIES = 100;

/**
 * Every reply of the suite carries a token of its own (a different user, verified in full: the server remembers
 * tokens it has verified), so per-user reply limits never trigger either. This counts them, phase by phase.
 */
function repliesOfSuite(flags: BenchFlags): number {
  const levels = LEVELS.reduce((sum, level) => sum + level.count, 0);
  const compared = flags.compareServer ? WARM_UP_REPLIES + COMPARE_ROUNDS * COMPARE_BATCH * 2 * COMPARE_LEVELS.length : 0;
  const profiled = WARM_UP_REPLIES + PROFILED_REPLIES;
  return 1 + WARM_UP_REPLIES + levels + flags.replies + WARM_UP_REPLIES + THROUGHPUT_REPLIES + compared + profiled;
}

export interface StreamRun {
  timings: StreamTiming[];
  failures: number;
  firstFailure?: string;
}

export interface Target {
  url: string;
  headers(index: number): Record<string, string>;
}

/** `onReply` is called as each stream ends, with the number ended so far. */
export async function runStreams(target: Target, concurrency: number, count: number, timeLimitMs: number, onReply?: (ended: number) => void): Promise<StreamRun> {
  const agent = streamingAgent(concurrency);
  const run: StreamRun = { timings: [], failures: 0 };
  try {
    await runConcurrently(count, concurrency, Date.now() + timeLimitMs, async (index) => {
      const timing = await timeStream(target.url, THREADS_CREATE, target.headers(index), agent);
      if (timing.failure) {
        run.failures++;
        run.firstFailure ??= timing.failure;
      } else run.timings.push(timing);
      onReply?.(run.timings.length + run.failures);
    });
  } finally {
    agent.destroy();
  }
  return run;
}

export function failureNote(run: StreamRun, wanted: number): string {
  const done = run.timings.length + run.failures;
  const parts = [`${run.timings.length} replies`];
  if (done < wanted) parts.push(`stopped at the time limit (${wanted} wanted)`);
  if (run.failures) parts.push(`${run.failures} failed, first: ${run.firstFailure}`);
  return parts.join('; ');
}

export async function backendSuite(report: Report, flags: BenchFlags, resultsDir: string): Promise<void> {
  const identity = await createIdentity();
  const tokens = await userTokens(identity, repliesOfSuite(flags));
  let used = 0;
  const mock = await startMock(identity);
  const hello = await startHello(mock);
  const server = await startTokenServer(mock);
  const backend: Target = { url: `${server.url}/api/chatkit`, headers: () => ({ authorization: `Bearer ${tokens[used++ % tokens.length]}` }) };
  const bare: Target = { url: `${hello.url}/stream`, headers: () => ({}) };
  try {
    const check = await runStreams(backend, 1, 1, 10_000);
    if (check.failures) throw new Error(`threads.create does not stream a reply: ${check.firstFailure}`);
    await runStreams(backend, 10, WARM_UP_REPLIES, 10_000);
    await runStreams(bare, 10, WARM_UP_REPLIES, 10_000);

    for (const { concurrency, count } of LEVELS) {
      const base = await runStreams(bare, concurrency, count, LEVEL_TIME_LIMIT_MS);
      const run = await runStreams(backend, concurrency, count, LEVEL_TIME_LIMIT_MS);
      const note = failureNote(run, count);
      const add = (figure: string, pick: (t: StreamTiming) => number, p: number) =>
        report.add({
          suite: 'backend',
          name: `threads.create x${concurrency}: ${figure} p${p}`,
          value: percentile(run.timings.map(pick), p),
          unit: 'ms',
          baseline: { name: 'bare Express SSE', value: percentile(base.timings.map(pick), p) },
          note,
        });
      add('first event', (t) => t.firstEventMs, 50);
      add('first reply text', (t) => t.firstDeltaMs, 50);
      add('total', (t) => t.totalMs, 50);
      add('total', (t) => t.totalMs, 99);
    }
    const cpuRatio = await measureVolume(report, flags, backend, server, bare, hello);
    await measureThroughput(report, backend, server);
    if (flags.compareServer) await compareBuilds(report, flags.compareServer, mock, backend, server);
    await server.stop();
    if (cpuRatio > PROFILE_ABOVE) {
      const profile = await profileTokenServer(mock, resultsDir, 'backend-threads-create', `token server streaming ${PROFILED_REPLIES} replies (${VOLUME_CONCURRENCY} concurrent)`, async (profiled, measuredFromHere) => {
        const target: Target = { ...backend, url: `${profiled.url}/api/chatkit` };
        await runStreams(target, 10, WARM_UP_REPLIES, 10_000);
        await measuredFromHere();
        await runStreams(target, VOLUME_CONCURRENCY, PROFILED_REPLIES, VOLUME_TIME_LIMIT_MS);
      });
      report.profiles.push(profile);
      report.warn(`backend: CPU per reply over ${PROFILE_ABOVE}x bare Express; profile summary below (results/${profile.file})`);
    }
  } finally {
    await server.stop();
    await hello.stop();
    await mock.stop();
  }
}

/**
 * CPU per reply and memory growth over `flags.replies` replies, beside bare Express streaming the same count. The
 * server is also probed every `VOLUME_SLICE` replies (without pausing the load), so the note can say whether the
 * cost per reply moves during the run (first slice against last), and how much of it was GC.
 * Answers the CPU ratio.
 */
async function measureVolume(report: Report, flags: BenchFlags, backend: Target, server: Host, bare: Target, hello: Host): Promise<number> {
  const measureOne = async (target: Target, host: Host) => {
    const before = await host.probe();
    const slices: Promise<ProbeSample>[] = [];
    const run = await runStreams(target, VOLUME_CONCURRENCY, flags.replies, VOLUME_TIME_LIMIT_MS, (ended) => {
      if (ended % VOLUME_SLICE === 0) slices.push(host.probe());
    });
    const after = await host.probe();
    return { run, before, after, slices: await Promise.all(slices), cpuMsPerReply: (after.cpuUs - before.cpuUs) / 1000 / Math.max(1, run.timings.length) };
  };
  const base = await measureOne(bare, hello);
  const real = await measureOne(backend, server);
  const note = failureNote(real.run, flags.replies);
  const replies = Math.max(1, real.run.timings.length);
  const gc = `GC pauses ${((real.after.gcMs.minor - real.before.gcMs.minor) / replies).toFixed(2)} ms per reply in scavenges, ${((real.after.gcMs.major - real.before.gcMs.major) / replies).toFixed(2)} in full collections`;
  report.add({
    suite: 'backend',
    name: 'server CPU per reply',
    value: real.cpuMsPerReply,
    unit: 'ms',
    baseline: { name: 'bare Express SSE', value: base.cpuMsPerReply },
    note: `${VOLUME_CONCURRENCY} concurrent; ${note}; ${sliceNote([real.before, ...real.slices])}; ${gc}`,
  });
  report.add({
    suite: 'backend',
    name: `server RSS after ${real.run.timings.length} replies`,
    value: real.after.rssBytes / MiB,
    unit: 'MiB',
    baseline: { name: 'same server before', value: real.before.rssBytes / MiB },
    note: `heap ${(real.after.heapUsedBytes / MiB).toFixed(0)} MiB after; SQLite file in a temp DATA_DIR`,
  });
  return real.cpuMsPerReply / base.cpuMsPerReply;
}

/** CPU per reply of the first and the last slice of the long run (probes taken every `VOLUME_SLICE` replies). */
function sliceNote(probes: ProbeSample[]): string {
  if (probes.length < 3) return 'too few replies for slices';
  const perReply = (from: ProbeSample, to: ProbeSample) => ((to.cpuUs - from.cpuUs) / 1000 / VOLUME_SLICE).toFixed(2);
  const last = probes.length - 1;
  return `first ${VOLUME_SLICE} replies ${perReply(probes[0]!, probes[1]!)} ms each, last ${VOLUME_SLICE} ${perReply(probes[last - 1]!, probes[last]!)}`;
}

/** Replies per second at 8 concurrent clients, beside chatkit-python's server (pinned to the same core) on the same reply. */
async function measureThroughput(report: Report, backend: Target, server: Host): Promise<void> {
  const timed = async (target: Target, cpuUs: () => Promise<number>) => {
    await runStreams(target, THROUGHPUT_CONCURRENCY, WARM_UP_REPLIES, 10_000);
    const cpuBefore = await cpuUs();
    const started = performance.now();
    const run = await runStreams(target, THROUGHPUT_CONCURRENCY, THROUGHPUT_REPLIES, THROUGHPUT_TIME_LIMIT_MS);
    const seconds = (performance.now() - started) / 1000;
    const cpuMs = ((await cpuUs()) - cpuBefore) / 1000 / Math.max(1, run.timings.length);
    return { run, perSecond: run.timings.length / seconds, cpuMs };
  };
  const ours = await timed(backend, async () => (await server.probe()).cpuUs);
  const name = `reply throughput, ${THROUGHPUT_CONCURRENCY} concurrent clients`;
  const peer = await startChatKitPython(0);
  if ('missing' in peer) {
    report.add({ suite: 'backend', name, value: ours.perSecond, unit: 'replies/s', note: `chatkit-python: peer not available (${peer.missing}); ${failureNote(ours.run, THROUGHPUT_REPLIES)}` });
    return;
  }
  try {
    const theirs = await timed({ url: `${peer.url}/chatkit`, headers: () => ({}) }, async () => peer.cpuUs());
    const peerNote = theirs.run.failures ? `; chatkit-python: ${failureNote(theirs.run, THROUGHPUT_REPLIES)}` : '';
    report.add({
      suite: 'backend',
      name,
      value: ours.perSecond,
      unit: 'replies/s',
      baseline: { name: 'chatkit-python ChatKitServer', value: theirs.perSecond },
      note: `CPU per reply ${ours.cpuMs.toFixed(2)} ms vs ${theirs.cpuMs.toFixed(2)} ms; ours verifies a JWT and stores in SQLite, the peer has no auth and an in-memory store; ${failureNote(ours.run, THROUGHPUT_REPLIES)}${peerNote}`,
    });
  } finally {
    peer.stop();
  }
}

/**
 * `--compare-server`: another checkout's build beside this one on the same mock and core, fed alternating rounds
 * of replies (so a burst of load from elsewhere lands on both alike); medians of the rounds' CPU per reply and
 * replies per second.
 */
async function compareBuilds(report: Report, root: string, mock: Host, backend: Target, server: Host): Promise<void> {
  const other = await startComparedServer(mock, root);
  const theirs: Target = { ...backend, url: `${other.url}/api/chatkit` };
  try {
    await runStreams(theirs, 10, WARM_UP_REPLIES, 10_000);
    for (const concurrency of COMPARE_LEVELS) {
      const sides = [
        { target: backend, host: server, cpuMs: [] as number[], perSecond: [] as number[] },
        { target: theirs, host: other, cpuMs: [] as number[], perSecond: [] as number[] },
      ];
      for (let round = 0; round < COMPARE_ROUNDS; round++) {
        for (const side of round % 2 ? [...sides].reverse() : sides) {
          const cpuBefore = (await side.host.probe()).cpuUs;
          const started = performance.now();
          const run = await runStreams(side.target, concurrency, COMPARE_BATCH, THROUGHPUT_TIME_LIMIT_MS);
          if (run.failures) throw new Error(`--compare-server: ${side.host.name}: ${failureNote(run, COMPARE_BATCH)}`);
          side.perSecond.push(run.timings.length / ((performance.now() - started) / 1000));
          side.cpuMs.push(((await side.host.probe()).cpuUs - cpuBefore) / 1000 / run.timings.length);
        }
      }
      const [ours, compared] = sides as [(typeof sides)[0], (typeof sides)[0]];
      const note = `${concurrency} concurrent; median of ${COMPARE_ROUNDS} alternating rounds of ${COMPARE_BATCH} replies; compared build: ${root}`;
      report.add({ suite: 'backend', name: `server CPU per reply x${concurrency}: this build vs compared`, value: median(ours.cpuMs), unit: 'ms', baseline: { name: 'compared build', value: median(compared.cpuMs) }, note });
      report.add({ suite: 'backend', name: `replies/s x${concurrency}: this build vs compared`, value: median(ours.perSecond), unit: 'replies/s', baseline: { name: 'compared build', value: median(compared.perSecond) }, note });
    }
  } finally {
    await other.stop();
  }
}
