/** Small statistics over samples the bench collects itself (autocannon keeps its own histograms). */

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const median = (samples: number[]) => percentile(samples, 50);

export const MiB = 2 ** 20;

/**
 * Runs `task` `count` times with at most `concurrency` in flight, stopping early at `deadline` (ms since epoch).
 * Answers how many ran.
 */
export async function runConcurrently(count: number, concurrency: number, deadline: number, task: (index: number) => Promise<void>): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < count && Date.now() < deadline) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return next;
}
