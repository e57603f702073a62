/** Messages between the bench (parent) and the processes it starts (hosts). */

export interface ProbeSample {
  /** Event-loop delay since the previous sample, from `perf_hooks.monitorEventLoopDelay`. */
  eventLoopP50Ms: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Heap V8 has reserved (used or not); V8 seldom gives it back, so RSS follows the peak of this. */
  heapTotalBytes: number;
  /** V8's young generation as reserved: it grows (up to a fixed cap) under a burst of allocation, apart from what stays live. */
  newSpaceBytes: number;
  /** Memory outside the JS heap that V8 knows of (Buffers, ArrayBuffers); the rest of RSS is native (e.g. SQLite, malloc). */
  externalBytes: number;
  /** Cumulative user + system CPU time of the process. */
  cpuUs: number;
  /** Cumulative time in V8's garbage collector (pauses on the main thread), in ms: young-generation scavenges and full mark-compacts. */
  gcMs: { minor: number; major: number };
  /** When the sample was taken, on the monotonic clock CPU profiles use, in microseconds. */
  monotonicUs: number;
}

export type ParentMessage = { type: 'probe' } | { type: 'gc' } | { type: 'exit' } | { type: 'latency'; ms: number };

export type HostMessage = { type: 'listening'; url: string } | { type: 'probe'; sample: ProbeSample };

/** Called by a host entry once its server listens. */
export function announceListening(url: string): void {
  process.send?.({ type: 'listening', url } satisfies HostMessage);
}
