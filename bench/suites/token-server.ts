/**
 * Token-server figures: requests/s and p50/p99 latency of `/start`, `/refresh`, `/public` and the 401 path against
 * the real server with a zero-latency OpenAI mock, each beside bare Express 5 measured just before it the same way
 * (and, for routes that call OpenAI, beside bare Express making the same `openai` SDK calls);
 * then `/start` with a 300 ms upstream at 20 and 200 connections (throughput must scale; event-loop delay p99).
 * A route under 10% of bare Express is profiled with `node --cpu-prof`.
 */
import type { BenchFlags } from '../harness/args.js';
import type { Report } from '../harness/report.js';
import type { Host } from '../harness/hosts.js';
import { createIdentity } from '../harness/identity.js';
import { describeUnexpected, runLoad, type LoadResult } from '../harness/load.js';
import { profileTokenServer } from '../harness/profiled-server.js';
import { startHello, startMock, startTokenServer } from '../harness/stack.js';
import { tokenScenarios, type Scenario } from '../harness/token-scenarios.js';

const CONNECTIONS = 50;
const WARMUP_MS = 1_000;
const UPSTREAM_LATENCY_MS = 300;
/** The bar: a route under this share of bare Express gets a CPU profile. */
const PROFILE_BELOW = 0.1;

/** A warm-up, then the measured run; `afterWarmup` marks where the measured part begins (probes, profiles). */
async function measure(host: Host, scenario: Scenario, connections: number, durationMs: number, afterWarmup?: () => Promise<unknown>): Promise<LoadResult> {
  const options = { url: host.url, connections, expectedStatus: scenario.expectedStatus, requests: [scenario.request] };
  await runLoad({ ...options, durationMs: WARMUP_MS });
  await afterWarmup?.();
  return runLoad({ ...options, durationMs });
}

const HELLO: Scenario = { name: 'bare Express hello', expectedStatus: 200, request: { method: 'POST', path: '/hello' } };

export async function tokenServerSuite(report: Report, flags: BenchFlags, resultsDir: string): Promise<void> {
  const identity = await createIdentity();
  const mock = await startMock(identity);
  const hello = await startHello(mock);
  const server = await startTokenServer(mock);
  const scenarios = await tokenScenarios(identity);
  const start = scenarios[0]!;
  const slow: Scenario[] = [];
  let startCapacity = Infinity;
  try {
    for (const scenario of scenarios) {
      const base = await measure(hello, HELLO, CONNECTIONS, flags.durationMs);
      const result = await measure(server, scenario, CONNECTIONS, flags.durationMs);
      const note = describeUnexpected(result) ?? `${CONNECTIONS} connections`;
      const add = (figure: string, value: number, baseline: number, unit: string) =>
        report.add({ suite: 'token', name: `${scenario.name}: ${figure}`, value, unit, baseline: { name: 'bare Express', value: baseline }, note });
      add('throughput', result.requestsPerSecond, base.requestsPerSecond, 'req/s');
      add('p50 latency', result.p50Ms, base.p50Ms, 'ms');
      add('p99 latency', result.p99Ms, base.p99Ms, 'ms');
      if (scenario.upstreamFloor) {
        const floor = await measure(hello, { ...HELLO, request: scenario.upstreamFloor }, CONNECTIONS, flags.durationMs);
        report.add({
          suite: 'token',
          name: `${scenario.name}: throughput vs upstream floor`,
          value: result.requestsPerSecond,
          unit: 'req/s',
          baseline: { name: 'bare Express + same openai SDK calls', value: floor.requestsPerSecond },
          note: describeUnexpected(floor) ?? 'the upstream floor: what the SDK call alone costs',
        });
      }
      if (result.requestsPerSecond < PROFILE_BELOW * base.requestsPerSecond) slow.push(scenario);
      if (scenario === start) startCapacity = result.requestsPerSecond;
    }
    await measureSlowUpstream(report, flags, mock, server, start, startCapacity);
  } finally {
    await server.stop();
    await hello.stop();
  }
  try {
    for (const scenario of slow) await profileScenario(report, flags, mock, scenario, resultsDir);
  } finally {
    await mock.stop();
  }
}

/**
 * `/start` with a slow upstream: the server must keep many sessions in flight, so throughput grows with
 * connections (ideal: connections / latency) until one core is busy (`capacity`, `/start`'s zero-latency rate).
 */
async function measureSlowUpstream(report: Report, flags: BenchFlags, mock: Host, server: Host, start: Scenario, capacity: number): Promise<void> {
  mock.send({ type: 'latency', ms: UPSTREAM_LATENCY_MS });
  let quieterLoopP99: number | undefined;
  try {
    for (const connections of [20, 200]) {
      // Each probe starts a fresh event-loop window.
      const result = await measure(server, start, connections, flags.durationMs, () => server.probe());
      const loop = await server.probe();
      const ideal = connections / (UPSTREAM_LATENCY_MS / 1000);
      const note = describeUnexpected(result) ?? `${connections} connections, ${UPSTREAM_LATENCY_MS} ms upstream`;
      const name = `/start, ${UPSTREAM_LATENCY_MS} ms upstream, ${connections} conns`;
      report.add({
        suite: 'token',
        name: `${name}: throughput`,
        value: result.requestsPerSecond,
        unit: 'req/s',
        baseline: { name: 'ideal: conns / latency', value: ideal },
        note: ideal > capacity ? `${note}; the ideal is above one core's zero-latency /start rate (${capacity.toFixed(0)} req/s)` : note,
      });
      report.add({ suite: 'token', name: `${name}: p99 latency`, value: result.p99Ms, unit: 'ms', baseline: { name: 'upstream latency', value: UPSTREAM_LATENCY_MS }, note });
      report.add({
        suite: 'token',
        name: `${name}: event-loop delay p99`,
        value: loop.eventLoopP99Ms,
        unit: 'ms',
        ...(quieterLoopP99 !== undefined && { baseline: { name: 'same at 20 conns', value: quieterLoopP99 } }),
        note: `max ${loop.eventLoopMaxMs.toFixed(1)} ms; perf_hooks monitor, 10 ms resolution`,
      });
      quieterLoopP99 = loop.eventLoopP99Ms;
    }
  } finally {
    mock.send({ type: 'latency', ms: 0 });
  }
}

/** Runs the scenario against a fresh server started with `--cpu-prof`, then says where its CPU time went. */
async function profileScenario(report: Report, flags: BenchFlags, mock: Host, scenario: Scenario, resultsDir: string): Promise<void> {
  const slug = `token-${scenario.name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}`;
  const profile = await profileTokenServer(mock, resultsDir, slug, `token server under ${scenario.name} load (${CONNECTIONS} connections)`, (server, measuredFromHere) =>
    measure(server, scenario, CONNECTIONS, flags.durationMs, measuredFromHere),
  );
  report.profiles.push(profile);
  report.warn(`${scenario.name}: under ${PROFILE_BELOW * 100}% of bare Express; profile summary below (results/${profile.file})`);
}
