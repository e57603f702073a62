/**
 * Hosted ChatKit sessions through the `openai` SDK, with the limits a token endpoint needs: a short
 * per-request timeout, at most one retry, a capped total deadline, and the answer's shape checked.
 * Upstream failures become stable client-facing errors; the upstream body is never passed on.
 */
import OpenAI, { type ClientOptions } from 'openai';
import type { Logger } from 'pino';
import { z } from 'zod';
import { HttpError } from '../http/errors.js';

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

function upstreamError(err: unknown, logger: Logger, what: string): HttpError {
  if (err instanceof OpenAI.APIConnectionTimeoutError || err instanceof OpenAI.APIUserAbortError) {
    logger.warn({ upstream: what }, 'OpenAI did not answer in time');
    return new HttpError(504, 'upstream_timeout', 'OpenAI did not answer in time; try again.');
  }
  if (err instanceof OpenAI.RateLimitError) {
    logger.warn({ upstream: what, status: 429 }, 'OpenAI rate limited the request');
    return new HttpError(503, 'upstream_rate_limited', 'OpenAI is rate limiting this server; try again shortly.', { 'Retry-After': '10' });
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
  const { logger, workflowId, ttlSeconds, deadlineMs = 8_000 } = options;
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: 5_000,
    maxRetries: 1,
    ...options.clientOptions,
  });

  return {
    async create(user) {
      try {
        const answer = await client.beta.chatkit.sessions.create(
          { user, workflow: { id: workflowId }, expires_after: { anchor: 'created_at', seconds: ttlSeconds } },
          { signal: AbortSignal.timeout(deadlineMs) },
        );
        const parsed = sessionAnswer.safeParse(answer);
        if (!parsed.success) throw new Error(`unexpected session shape at ${parsed.error.issues[0]?.path.join('.') || 'top level'}`);
        return parsed.data;
      } catch (err) {
        throw upstreamError(err, logger, 'chatkit.sessions.create');
      }
    },
    async cancel(sessionId) {
      try {
        await client.beta.chatkit.sessions.cancel(sessionId, { signal: AbortSignal.timeout(deadlineMs), maxRetries: 0 });
      } catch (err) {
        upstreamError(err, logger, 'chatkit.sessions.cancel');
      }
    },
  };
}
