/**
 * Memory figures: the token server's RSS after issuing many client secrets (the bounded secret store fills up and
 * must stay bounded), then after a mixed load of every endpoint, ChatKit replies included, for `--soak`.
 */
import type autocannon from 'autocannon';
import type { BenchFlags } from '../harness/args.js';
import type { Report } from '../harness/report.js';
import type { Host } from '../harness/hosts.js';
import type { ProbeSample } from '../harness/ipc.js';
import { createIdentity, userTokens } from '../harness/identity.js';
import { describeUnexpected, runLoad } from '../harness/load.js';
import { THREADS_CREATE } from '../harness/scripted-reply.js';
import { startMock, startTokenServer } from '../harness/stack.js';
import { MiB } from '../harness/stats.js';
import { tokenScenarios } from '../harness/token-scenarios.js';

const CONNECTIONS = 100;
/**
 * Issuing secrets is bounded by the upstream call path (a few hundred per second on one core), so this phase
 * gets what is left of the run's deadline once the soak and this margin are set aside.
 */
const RESERVED_MS = 20_000;
const SAMPLE_EVERY_MS = 10_000;
const SOAK_USERS = 2_000;

export async function memorySuite(report: Report, flags: BenchFlags): Promise<void> {
  const identity = await createIdentity();
  const mock = await startMock(identity);
  // --expose-gc only lets the bench ask for a collection before a heap reading (what is really retained).
  const server = await startTokenServer(mock, 'token-server', ['--expose-gc']);
  try {
    const started = await server.probe();
    const [start, ...others] = await tokenScenarios(identity);
    const load = (requests: autocannon.Request[], durationMs: number, maxRequests?: number) =>
      runLoad({ url: server.url, connections: CONNECTIONS, expectedStatus: 200, requests, durationMs, ...(maxRequests && { maxRequests }) });

    await load([start!.request], 60_000, 1_000);
    const idle = await server.probe();
    const secretsTimeLimitMs = Math.max(10_000, flags.deadlineAt - Date.now() - flags.soakMs - RESERVED_MS);
    const issued = await load([start!.request], secretsTimeLimitMs, flags.secrets);
    const full = await server.probe();
    report.add({
      suite: 'memory',
      name: `token server RSS after ${issued.expected} secrets`,
      value: full.rssBytes / MiB,
      unit: 'MiB',
      baseline: { name: 'same server after 1000', value: idle.rssBytes / MiB },
      note: [
        issued.expected < flags.secrets ? `stopped at ${(secretsTimeLimitMs / 1000).toFixed(0)} s to keep the run's deadline, before ${flags.secrets}` : '',
        describeUnexpected(issued) ?? '',
        `heap ${(full.heapUsedBytes / MiB).toFixed(0)} MiB; ${(started.rssBytes / MiB).toFixed(0)} MiB idle at start; store cap 100 000 bindings`,
      ].filter(Boolean).join('; '),
    });

    const tokens = await userTokens(identity, SOAK_USERS);
    let next = 0;
    // Each reply for another user, so per-user reply limits stay out of the picture.
    const reply: autocannon.Request = {
      method: 'POST',
      path: '/api/chatkit',
      body: THREADS_CREATE,
      setupRequest: (req) => ({ ...req, headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[next++ % SOAK_USERS]}` } }),
    };
    await soak(report, flags, server, [start!.request, ...others.map((s) => s.request), reply], full);
  } finally {
    await server.stop();
    await mock.stop();
  }
}

/** A reading right after a full collection: the heap figure is what stays reachable. */
function retained(server: Host): Promise<ProbeSample> {
  server.send({ type: 'gc' });
  return server.probe();
}

/**
 * Runs the mixed load for `--soak`, sampling RSS; the figures are RSS and the heap retained after a collection at
 * the end, each against the start. A heap that keeps growing under steady load is a leak.
 */
async function soak(report: Report, flags: BenchFlags, server: Host, requests: autocannon.Request[], before: ProbeSample): Promise<void> {
  const heapBefore = await retained(server);
  const samples: ProbeSample[] = [before];
  const sampler = setInterval(() => void server.probe().then((s) => samples.push(s), () => undefined), SAMPLE_EVERY_MS);
  let result;
  try {
    result = await runLoad({ url: server.url, connections: CONNECTIONS / 2, expectedStatus: 200, requests, durationMs: flags.soakMs });
  } finally {
    clearInterval(sampler);
  }
  const after = await server.probe();
  const heapAfter = await retained(server);
  samples.push(after);
  const peak = Math.max(...samples.map((s) => s.rssBytes));
  const halfway = samples[Math.floor(samples.length / 2)]!;
  // The 401 scenario is expected to fail; every other non-200 is worth a look.
  const { 401: expectedRejections, ...unexpected } = result.unexpected;
  const odd = Object.entries(unexpected).map(([k, n]) => `${k} x${n}`).join(', ');
  report.add({
    suite: 'memory',
    name: `token server RSS after ${Math.round(flags.soakMs / 1000)} s mixed load`,
    value: after.rssBytes / MiB,
    unit: 'MiB',
    baseline: { name: 'same server at soak start', value: before.rssBytes / MiB },
    note: [
      `${result.total} requests (start, refresh, public, 401, threads.create)`,
      `peak ${(peak / MiB).toFixed(0)} MiB, ${((after.rssBytes - halfway.rssBytes) / MiB).toFixed(0)} MiB change over the second half`,
      `${expectedRejections ?? 0} expected 401s`,
      odd ? `unexpected: ${odd}` : '',
    ].filter(Boolean).join('; '),
  });
  report.add({
    suite: 'memory',
    name: `token server heap retained after ${Math.round(flags.soakMs / 1000)} s mixed load`,
    value: heapAfter.heapUsedBytes / MiB,
    unit: 'MiB',
    baseline: { name: 'same at soak start', value: heapBefore.heapUsedBytes / MiB },
    note: `after a full GC; heap reserved ${(heapAfter.heapTotalBytes / MiB).toFixed(0)} MiB (RSS follows it)`,
  });
}
