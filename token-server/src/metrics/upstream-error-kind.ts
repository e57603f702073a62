import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { UpstreamErrorKind } from './metrics.js';

/** What kind of failure an OpenAI SDK call ended in, for `Metrics.upstreamError`; a deadline of our own is a timeout. */
export function upstreamErrorKind(err: unknown, { timedOut = false } = {}): UpstreamErrorKind {
  if (timedOut || err instanceof APIConnectionTimeoutError || (err as Error)?.name === 'TimeoutError') return 'timeout';
  if (err instanceof APIConnectionError) return 'connection';
  if (err instanceof APIError && err.status !== undefined) {
    if (err.status === 429) return 'rate_limited';
    return err.status >= 500 ? 'http_5xx' : 'http_4xx';
  }
  if (err instanceof APIError) return 'stream';
  return 'bad_answer';
}
