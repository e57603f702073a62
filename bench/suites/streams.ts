/**
 * Many open streams: 2,000 concurrent replies held open by a slow model (the mock pauses before each chunk), a
 * different user each. Resident memory per open stream (RSS with all of them open, less RSS after a warm-up) and the
 * server's event-loop delay p99 while they stream.
 */
import type { BenchFlags } from '../harness/args.js';
import { createIdentity, userTokens } from '../harness/identity.js';
import type { Report } from '../harness/report.js';
import { REPLY_DELTAS, THREADS_CREATE } from '../harness/scripted-reply.js';
import { streamingAgent, timeStream, type StreamTiming } from '../harness/sse-client.js';
import { startMock, startTokenServer } from '../harness/stack.js';
import { runConcurrently } from '../harness/stats.js';

const STREAMS = 2_000;
/** The model's pause before each of the reply's chunks: the whole reply takes about 12 x this. */
const DELTA_DELAY_MS = 2_500;
const KiB = 1024;
const MiB = 2 ** 20;

export async function streamsSuite(report: Report, _flags: BenchFlags): Promise<void> {
  const identity = await createIdentity();
  const tokens = await userTokens(identity, STREAMS);
  const mock = await startMock(identity, DELTA_DELAY_MS);
  // --expose-gc only lets the bench ask for a full GC after the readings: what each open stream keeps reachable.
  const server = await startTokenServer(mock, 'token-server', ['--expose-gc']);
  const url = `${server.url}/api/chatkit`;
  const agent = streamingAgent(STREAMS);
  try {
    // Warm-up: the code paths run, the store is open; then the reading every open stream is measured against.
    await runConcurrently(20, 20, Date.now() + 60_000, async (i) => void (await timeStream(url, THREADS_CREATE, { authorization: `Bearer ${tokens[i]}` }, agent)));
    const idle = await server.probe();
    server.send({ type: 'gc' });
    const idleRetained = await server.probe();

    // Every stream has either its first event or has failed before it: a stream that fails to open must not leave the
    // reading waiting until the others have ended (it would then measure an idle server).
    let opened = 0;
    let failedBeforeOpen = 0;
    let endedAfterOpen = 0;
    let allOpen!: () => void;
    const everyOneOpen = new Promise<void>((resolve) => (allOpen = resolve));
    const started = performance.now();
    const replies = Promise.all(
      tokens.map(async (token) => {
        const timing = await timeStream(url, THREADS_CREATE, { authorization: `Bearer ${token}` }, agent, () => {
          if (++opened + failedBeforeOpen === STREAMS) allOpen();
        });
        if (!Number.isNaN(timing.firstEventMs)) endedAfterOpen++;
        else if (opened + ++failedBeforeOpen === STREAMS) allOpen();
        return timing;
      }),
    );
    // Once every stream has its first event, the rest of the reply is the model's slow chunks.
    const openedInTime = await Promise.race([everyOneOpen.then(() => true), replies.then(() => false)]);
    const openMs = performance.now() - started;
    const openNow = opened;
    const ramp = await server.probe();
    await new Promise((resolve) => setTimeout(resolve, 2 * DELTA_DELAY_MS));
    const held = await server.probe();
    // A slow opening (a loaded machine) can let the first replies end before this reading: the note says so.
    const openAtReading = opened - endedAfterOpen;
    server.send({ type: 'gc' });
    const heldRetained = await server.probe();
    const timings: StreamTiming[] = await replies;
    const failures = timings.filter((t) => t.failure);
    const note = [
      `${STREAMS - failures.length} of ${STREAMS} replies complete, ${REPLY_DELTAS.length} chunks ${DELTA_DELAY_MS} ms apart`,
      openedInTime ? `${openNow} open after ${(openMs / 1000).toFixed(1)} s` : 'not all were open at once',
      ...(failedBeforeOpen ? [`${failedBeforeOpen} failed before their first event`] : []),
      ...(openAtReading < openNow ? [`only ${openAtReading} still open at the reading`] : []),
      ...(failures.length ? [`first failure: ${failures[0]!.failure}`] : []),
    ].join('; ');
    report.add({
      suite: 'streams',
      name: `RSS per open stream, ${STREAMS} open`,
      value: (held.rssBytes - idle.rssBytes) / openNow / KiB,
      unit: 'KB',
      baseline: { name: 'goal', value: 64 },
      note: `RSS ${(idle.rssBytes / MiB).toFixed(0)} -> ${(held.rssBytes / MiB).toFixed(0)} MiB, heap ${(held.heapUsedBytes / MiB).toFixed(0)} MiB, of which V8's young generation grew ${(idle.newSpaceBytes / MiB).toFixed(0)} -> ${(held.newSpaceBytes / MiB).toFixed(0)} MiB; ${note}`,
    });
    report.add({
      suite: 'streams',
      name: `heap retained per open stream, ${STREAMS} open`,
      value: (heldRetained.heapUsedBytes - idleRetained.heapUsedBytes) / openNow / KiB,
      unit: 'KB',
      note: `heap used after a full GC, ${(idleRetained.heapUsedBytes / MiB).toFixed(0)} -> ${(heldRetained.heapUsedBytes / MiB).toFixed(0)} MiB: what each open reply keeps reachable (RSS also holds garbage not yet collected and V8's reserve)`,
    });
    report.add({
      suite: 'streams',
      name: `event-loop delay p99, ${STREAMS} streams open`,
      value: held.eventLoopP99Ms,
      unit: 'ms',
      baseline: { name: 'goal', value: 50 },
      note: `over ${((2 * DELTA_DELAY_MS) / 1000).toFixed(0)} s with all open (max ${held.eventLoopMaxMs.toFixed(0)} ms); while opening them: p99 ${ramp.eventLoopP99Ms.toFixed(0)} ms`,
    });
  } finally {
    agent.destroy();
    await server.stop();
    await mock.stop();
  }
}
