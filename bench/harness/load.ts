/** Runs autocannon against one route for a bounded time and reduces its result to the figures the table shows. */
import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  /** Responses with the status the scenario expects (e.g. 200, or 401 for the bad-signature path). */
  expected: number;
  /** Everything else, by status, plus connection errors and timeouts. */
  unexpected: Record<string, number>;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationMs: number;
  expectedStatus: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Per-request setup (e.g. a different user, or the secret the previous answer gave this connection). */
  requests?: autocannon.Request[];
  timeoutSeconds?: number;
  /** Stop after this many requests (the duration still caps the run). */
  maxRequests?: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationMs / 1000,
    method: options.method ?? 'POST',
    headers: options.headers,
    body: options.body,
    requests: options.requests,
    timeout: options.timeoutSeconds ?? 10,
    ...(options.maxRequests !== undefined && { maxOverallRequests: options.maxRequests }),
  });
  const unexpected: Record<string, number> = {};
  let expected = 0;
  for (const [status, stat] of Object.entries(result.statusCodeStats ?? {})) {
    if (Number(status) === options.expectedStatus) expected += stat.count ?? 0;
    else unexpected[status] = stat.count ?? 0;
  }
  if (result.errors) unexpected.errors = result.errors;
  if (result.timeouts) unexpected.timeouts = result.timeouts;
  const total = result.requests.total;
  return {
    requestsPerSecond: expected / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total,
    expected,
    unexpected,
  };
}

/** A short note when some answers were not the expected status, e.g. `429 x12`. */
export function describeUnexpected(result: LoadResult): string | undefined {
  const parts = Object.entries(result.unexpected).map(([k, n]) => `${k} x${n}`);
  return parts.length ? `unexpected: ${parts.join(', ')}` : undefined;
}
