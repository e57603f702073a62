/**
 * Bench-only preload (`--import ./bench/harness/probe.ts`) for every process the bench starts: it answers the
 * parent's IPC questions about event-loop delay, memory and CPU, so no route is added to the product. It also
 * exits on request (which lets `--cpu-prof` write its profile) and when the parent goes away.
 */
import { constants, monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import type { ProbeSample, ParentMessage } from './ipc.js';

if (process.send) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const ms = (ns: number) => ns / 1e6;
  const gcMs = { minor: 0, major: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) {
      if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) gcMs.minor += entry.duration;
      else gcMs.major += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });

  process.on('message', (message: ParentMessage) => {
    if (message.type === 'exit') process.exit(0);
    // Only where the process was started with --expose-gc: lets a reading show what is really retained.
    if (message.type === 'gc') (globalThis as { gc?: () => void }).gc?.();
    if (message.type !== 'probe') return;
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const sample: ProbeSample = {
      eventLoopP50Ms: ms(delay.percentile(50)),
      eventLoopP99Ms: ms(delay.percentile(99)),
      eventLoopMaxMs: ms(delay.max),
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      newSpaceBytes: getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0,
      externalBytes: memory.external,
      cpuUs: cpu.user + cpu.system,
      gcMs: { ...gcMs },
      monotonicUs: Number(process.hrtime.bigint() / 1000n),
    };
    // Each reading covers the time since the previous one.
    delay.reset();
    process.send!({ type: 'probe', sample });
  });
  // The parent is gone (crashed or killed): nobody will ask for a profile, and an orderly exit can hang when the
  // parent's end of the stdout pipe is gone, so leave at once.
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}
