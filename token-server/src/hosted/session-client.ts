/**
 * Hosted ChatKit sessions through the `openai` SDK, with the limits a token endpoint needs: a short
 * per-request timeout, at most one retry, a capped total deadline, and the answer's shape checked.
 * Upstream failures become stable client-facing errors; the upstream body is never passed on.
 */
import OpenAI, { type ClientOptions } from 'openai';
import type { Logger } from 'pino';
import { z } from 'zod';
import { HttpError } from '../http/errors.js';
import type { Metrics } from '../metrics/metrics.js';
import { upstreamErrorKind } from '../metrics/upstream-error-kind.js';

export interface HostedSession {
  id: string;
  client_secret: string;
  /** Unix seconds. */
  expires_at: number;
}

export interface SessionClient {
  create(user: string): Promise<HostedSession>;
  /** Never throws: a failed cancel is logged, since the session expires by itself. */
  cancel(sessionId: string): Promise<void>;
}

export interface SessionClientOptions {
  apiKey: string;
  baseURL?: string;
  workflowId: string;
  ttlSeconds: number;
  logger: Logger;
  metrics: Metrics;
  /** Overrides for the SDK client (tests point `fetch` or shorten timeouts). */
  clientOptions?: Partial<ClientOptions>;
  /** Total time allowed for one call, retries included. */
  deadlineMs?: number;
}

const sessionAnswer = z.object({
  id: z.string().min(1).max(200),
  client_secret: z.string().min(1).max(4096),
  expires_at: z.number().int().positive(),
});

/** The longest Retry-After the SDK may sleep on before its one retry. */
const MAX_RETRY_WAIT_MS = 1_000;

/** Milliseconds an answer asks the client to wait (`retry-after-ms`, or `retry-after` in seconds or as a date). */
function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (!Number.isNaN(ms)) return ms;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (!Number.isNaN(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : date - Date.now();
}

/**
 * The SDK sleeps for as long as Retry-After says before retrying (uncapped in 6.x). A token endpoint cannot
 * make a browser wait that long, so an answer asking for a longer wait is marked not to be retried.
 */
function withoutLongRetryWaits(fetchImpl: typeof fetch): typeof fetch {
  return async (input, init) => {
    const res = await fetchImpl(input, init);
    // An answer that succeeded is never retried: its headers need no look.
    if (res.ok) return res;
    const wait = retryAfterMs(res.headers);
    if (wait === undefined || wait <= MAX_RETRY_WAIT_MS) return res;
    const headers = new Headers(res.headers);
    headers.set('x-should-retry', 'false');
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  };
}

/**
 * The SDK client, holding each call (its retry included) to a total deadline through the SDK's per-attempt `timeout`:
 * every attempt gets at most what is left, and a retry due after the deadline ends the call as a timeout instead.
 * A deadline signal per call costs more: the SDK composes it with its own (`AbortSignal.any`, about 28 µs a call).
 * With the defaults the deadline can only cut the retry: 5 s for the first attempt and at most 1 s of waiting start
 * it within 6 s of the 8.
 */
class DeadlineClient extends OpenAI {
  /** Per call: the options object the SDK passes to every attempt of that call. */
  private readonly deadlines = new WeakMap<object, { at: number; attemptMs: number }>();

  constructor(
    options: ClientOptions,
    private readonly deadlineMs: number,
  ) {
    super(options);
  }

  protected override async prepareOptions(options: Parameters<OpenAI['prepareOptions']>[0]): Promise<void> {
    await super.prepareOptions(options);
    let deadline = this.deadlines.get(options);
    if (!deadline) {
      deadline = { at: Date.now() + this.deadlineMs, attemptMs: options.timeout ?? this.timeout };
      this.deadlines.set(options, deadline);
    }
    const leftMs = deadline.at - Date.now();
    if (leftMs <= 0) throw new OpenAI.APIConnectionTimeoutError();
    options.timeout = Math.min(deadline.attemptMs, Math.ceil(leftMs));
  }
}

function upstreamError(err: unknown, { logger, metrics }: SessionClientOptions, what: string): HttpError {
  metrics.upstreamError('hosted_sessions', upstreamErrorKind(err));
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    logger.warn({ upstream: what }, 'OpenAI did not answer in time');
    return new HttpError(504, 'upstream_timeout', 'OpenAI did not answer in time; try again.');
  }
  if (err instanceof OpenAI.RateLimitError) {
    logger.warn({ upstream: what, status: 429 }, 'OpenAI rate limited the request');
    const seconds = Math.min(60, Math.max(1, Math.ceil((retryAfterMs(err.headers) ?? 10_000) / 1000)));
    return new HttpError(503, 'upstream_rate_limited', 'OpenAI is rate limiting this server; try again shortly.', { 'Retry-After': String(seconds) });
  }
  if (err instanceof OpenAI.APIError) {
    // Only the status is logged: an upstream error body may echo request data.
    logger.error({ upstream: what, status: err.status ?? 'no answer' }, 'OpenAI request failed');
    return new HttpError(502, 'upstream_error', 'OpenAI could not create a chat session.');
  }
  logger.error({ upstream: what, reason: (err as Error)?.message }, 'OpenAI answer not usable');
  return new HttpError(502, 'upstream_error', 'OpenAI gave an answer this server cannot use.');
}

export function createSessionClient(options: SessionClientOptions): SessionClient {
  const { workflowId, ttlSeconds, deadlineMs = 8_000 } = options;
  const client = new DeadlineClient(
    {
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      timeout: 5_000,
      maxRetries: 1,
      ...options.clientOptions,
      fetch: withoutLongRetryWaits(options.clientOptions?.fetch ?? fetch),
    },
    deadlineMs,
  );

  return {
    async create(user) {
      try {
        const answer = await client.beta.chatkit.sessions.create({
          user,
          workflow: { id: workflowId },
          expires_after: { anchor: 'created_at', seconds: ttlSeconds },
        });
        const parsed = sessionAnswer.safeParse(answer);
        if (!parsed.success) throw new Error(`unexpected session shape at ${parsed.error.issues[0]?.path.join('.') || 'top level'}`);
        return parsed.data;
      } catch (err) {
        throw upstreamError(err, options, 'chatkit.sessions.create');
      }
    },
    async cancel(sessionId) {
      try {
        await client.beta.chatkit.sessions.cancel(sessionId, { maxRetries: 0 });
      } catch (err) {
        upstreamError(err, options, 'chatkit.sessions.cancel');
      }
    },
  };
}
