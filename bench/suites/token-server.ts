/**
 * Token-server figures: requests/s and p50/p99 latency of `/start`, `/refresh`, `/public` and the 401 path against
 * the real server with a zero-latency OpenAI mock, each beside bare Express 5 measured just before it the same way
 * (and, for routes that call OpenAI, beside bare Express making the same `openai` SDK calls, in alternating rounds
 * that also give CPU per request; `/start` with a new JWT each time too, and `--compare-server`'s build beside);
 * then `/start` with a 300 ms upstream at 20 and 200 connections (throughput must scale; event-loop delay p99).
 * A route under 10% of bare Express is profiled with `node --cpu-prof`.
 */
import type { BenchFlags } from '../harness/args.js';
import type { Report } from '../harness/report.js';
import type { Host } from '../harness/hosts.js';
import { createIdentity, userTokens } from '../harness/identity.js';
import { describeUnexpected, runLoad, type LoadResult } from '../harness/load.js';
import { profileTokenServer } from '../harness/profiled-server.js';
import { startComparedServer, startHello, startMock, startTokenServer } from '../harness/stack.js';
import { median } from '../harness/stats.js';
import { startWithNewTokens, tokenScenarios, type Scenario } from '../harness/token-scenarios.js';

const CONNECTIONS = 50;
const WARMUP_MS = 1_000;
const UPSTREAM_LATENCY_MS = 300;
/** The bar: a route under this share of bare Express gets a CPU profile. */
const PROFILE_BELOW = 0.1;
/**
 * A route beside its upstream floor: this many rounds, alternating which side goes first, each an eighth of
 * `--duration` (at least 0.5 s). One window after the other would let a burst of someone else's load on a shared
 * machine land on one side only (the `/refresh` ratio swung 0.09-0.82x that way); the medians of rounds do not.
 */
const FLOOR_ROUNDS = 8;
/** Requests per second above what one core does for `/start`, for counting the JWTs to sign up front. */
const MAX_START_RATE = 2_500;

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
  const compared = flags.compareServer ? await startComparedServer(mock, flags.compareServer) : undefined;
  const scenarios = await tokenScenarios(identity);
  const comparedScenarios = compared && (await tokenScenarios(identity));
  const start = scenarios[0]!;
  const roundMs = Math.max(500, flags.durationMs / FLOOR_ROUNDS);
  const newTokens = startWithNewTokens(await userTokens(identity, Math.ceil(((2 * WARMUP_MS + FLOOR_ROUNDS * roundMs) / 1000) * MAX_START_RATE)));
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
        const theirs = comparedScenarios?.find((s) => s.name === scenario.name);
        await besideFloor(
          report,
          {
            route: { host: server, scenario },
            floor: { host: hello, scenario: { ...scenario, request: scenario.upstreamFloor } },
            ...(scenario === start && { newTokens: { host: server, scenario: newTokens } }),
            ...(compared && theirs && { compared: { host: compared, scenario: theirs } }),
          },
          roundMs,
          flags.durationMs,
        );
      }
      if (result.requestsPerSecond < PROFILE_BELOW * base.requestsPerSecond) slow.push(scenario);
      if (scenario === start) startCapacity = result.requestsPerSecond;
    }
    await measureSlowUpstream(report, flags, mock, server, start, startCapacity);
  } finally {
    await server.stop();
    await compared?.stop();
    await hello.stop();
  }
  try {
    for (const scenario of slow) await profileScenario(report, flags, mock, scenario, resultsDir);
  } finally {
    await mock.stop();
  }
}

interface Side {
  host: Host;
  scenario: Scenario;
}

/** What is measured beside a route that calls upstream: its floor, and where they apply, a new JWT each time and the compared build. */
interface Sides {
  route: Side;
  floor: Side;
  newTokens?: Side & { scenario: NewTokens };
  compared?: Side;
}

type NewTokens = ReturnType<typeof startWithNewTokens>;

interface SideResult {
  requestsPerSecond: number;
  cpuUsPerRequest: number;
  /** Round by round (CPU per request), for ratios of rounds measured side by side. */
  cpuUsRounds: number[];
  unexpected?: string;
}

/** The median of `a`'s rounds over `b`'s, round by round: steadier than a ratio of medians while the machine's load drifts. */
const pairedRatio = (a: number[], b: number[]) => median(a.map((value, i) => value / b[i]!));

/**
 * The sides in alternating rounds on warm servers (the order flips each round). Each side's throughput and CPU per
 * request (`process.cpuUsage()` of its server over the round) are the medians of the rounds.
 */
async function alternate(sides: Record<string, Side | undefined>, roundMs: number, warmupMs: Record<string, number>): Promise<Record<string, SideResult | undefined>> {
  const entries = Object.entries(sides).filter((entry): entry is [string, Side] => entry[1] !== undefined);
  const samples = new Map(entries.map(([key]) => [key, { rps: [] as number[], cpuUs: [] as number[], unexpected: [] as string[] }]));
  const run = ({ host, scenario }: Side, durationMs: number) =>
    runLoad({ url: host.url, connections: CONNECTIONS, durationMs, expectedStatus: scenario.expectedStatus, requests: [scenario.request] });
  for (const [key, side] of entries) if (warmupMs[key]) await run(side, warmupMs[key]!);
  for (let round = 0; round < FLOOR_ROUNDS; round++) {
    for (const [key, side] of round % 2 ? [...entries].reverse() : entries) {
      const before = await side.host.probe();
      const result = await run(side, roundMs);
      const after = await side.host.probe();
      const sample = samples.get(key)!;
      sample.rps.push(result.requestsPerSecond);
      sample.cpuUs.push((after.cpuUs - before.cpuUs) / Math.max(1, result.expected));
      const unexpected = describeUnexpected(result);
      if (unexpected) sample.unexpected.push(unexpected);
    }
  }
  const results: Record<string, SideResult> = {};
  for (const [key, { rps, cpuUs, unexpected }] of samples) {
    results[key] = { requestsPerSecond: median(rps), cpuUsPerRequest: median(cpuUs), cpuUsRounds: cpuUs, ...(unexpected.length && { unexpected: unexpected.join('; ') }) };
  }
  return results;
}

/**
 * A route that calls upstream beside bare Express making the same SDK calls: throughput, and requests per CPU second
 * (one over the server's CPU per request, what one busy core would serve), in alternating rounds; the same for `/start`
 * with a new JWT each time, and this build beside `--compare-server`'s.
 */
async function besideFloor(report: Report, sides: Sides, roundMs: number, durationMs: number): Promise<void> {
  // The route has just had its measured run. Another process gets as much (a build half as warm read 0.6x); the
  // route with new JWTs runs on the same warm server and only needs its verification path warmed.
  const asWarm = WARMUP_MS + durationMs;
  const results = await alternate({ ...sides }, roundMs, { floor: asWarm, compared: asWarm, newTokens: 2 * WARMUP_MS });
  const route = results.route!;
  const floor = results.floor!;
  const rounds = `median of ${FLOOR_ROUNDS} alternating rounds of ${(roundMs / 1000).toFixed(1)} s`;
  const note = (result: SideResult, text: string) => [result.unexpected, floor.unexpected, rounds, text].filter(Boolean).join('; ');
  const cpu = (result: SideResult) => `${result.cpuUsPerRequest.toFixed(0)} µs`;
  const vsFloor = (name: string, result: SideResult, extra = '') => {
    const baseline = (value: number) => ({ name: 'bare Express + same openai SDK calls', value });
    report.add({ suite: 'token', name: `${name}: throughput vs upstream floor`, value: result.requestsPerSecond, unit: 'req/s', baseline: baseline(floor.requestsPerSecond), note: note(result, `the upstream floor: what the SDK calls alone cost${extra}`) });
    report.add({
      suite: 'token',
      name: `${name}: requests per CPU second vs upstream floor`,
      value: 1e6 / result.cpuUsPerRequest,
      unit: 'req/s',
      baseline: baseline(1e6 / floor.cpuUsPerRequest),
      note: note(result, `server CPU per request ${cpu(result)} vs ${cpu(floor)}, ${pairedRatio(floor.cpuUsRounds, result.cpuUsRounds).toFixed(2)}x round by round${extra}`),
    });
  };
  const name = sides.route.scenario.name;
  vsFloor(name, route);
  if (sides.newTokens && results.newTokens) {
    const { scenario } = sides.newTokens;
    vsFloor(scenario.name, results.newTokens, `; ${scenario.used()} requests for the JWTs signed up front, any beyond them found verified`);
  }
  if (sides.compared && results.compared) {
    const { compared } = results;
    const baseline = (value: number) => ({ name: 'compared build', value });
    const text = `compared build: ${sides.compared.host.name}`;
    const byRound = `${pairedRatio(route.cpuUsRounds, compared.cpuUsRounds).toFixed(2)}x round by round`;
    report.add({ suite: 'token', name: `${name}: CPU per request, this build vs compared`, value: route.cpuUsPerRequest, unit: 'µs', baseline: baseline(compared.cpuUsPerRequest), note: note(compared, `${byRound}; ${text}`) });
    report.add({ suite: 'token', name: `${name}: throughput, this build vs compared`, value: route.requestsPerSecond, unit: 'req/s', baseline: baseline(compared.requestsPerSecond), note: note(compared, text) });
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
