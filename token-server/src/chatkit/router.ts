/**
 * `POST /api/chatkit`: authenticate (401 before any work), rate-limit per user, read and validate the body, then
 * answer JSON or a ChatKit event stream. Every failure before the stream starts is the uniform JSON error.
 *
 * `POST /api/chatkit/stop` `{ "thread_id" }` (same authentication and limits): stops the reply running in one of the
 * caller's threads on whichever instance runs it, as the client closing its stream would; answers `{ stopped }`.
 * ChatKit's own stop button closes the stream; this is for a stop that cannot reach the instance holding it.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { Authenticate, Principal } from '../auth/principal.js';
import { HttpError, jsonErrorHandler } from '../http/errors.js';
import { requestBaseUrl } from '../http/origin.js';
import { parseBody } from '../http/validate.js';
import type { Metrics } from '../metrics/metrics.js';
import type { RateLimitStore } from '../stores/store.js';
import type { ChatKitHandlers } from './handlers.js';
import type { ChatKitLimits } from './limits.js';
import { isStreamingRequest, parseChatKitRequest, readJsonBody } from './protocol/parse-request.js';
import { openEventStream } from './protocol/sse.js';
import { SHUTDOWN_REASON } from './reply/reply-runner.js';

export const CHATKIT_PATH = '/api/chatkit';
export const STOP_PATH = `${CHATKIT_PATH}/stop`;

const stopBody = z.object({ thread_id: z.string().min(1).max(200) }).strict();

interface RouterDeps {
  authenticate: Authenticate;
  rateLimits: RateLimitStore;
  handlers: ChatKitHandlers;
  limits: ChatKitLimits;
  logger: Logger;
  /** The client's per-IP rate-limit key (IPv6 grouped by prefix). */
  clientAddress: (req: Request) => string;
  metrics: Metrics;
  /** Aborted when the server shuts down: running replies stop as if the client had left, then say so. */
  shuttingDown: AbortSignal;
  /** `PUBLIC_URL`, for the absolute URLs answers hold (attachments); else the request's own host. */
  publicUrl?: string;
  /** Largest `input.transcribe` body (a base64 recording); 0 when dictation is off. Every other type keeps `maxBodyBytes`. */
  audioBodyBytes?: number;
}

const MINUTE_MS = 60_000;

type Locals = { principal: Principal };

export function createChatKitRouter({
  authenticate,
  rateLimits,
  handlers,
  limits,
  logger,
  clientAddress,
  metrics,
  shuttingDown,
  publicUrl,
  audioBodyBytes = 0,
}: RouterDeps): express.Router {
  const router = express.Router();

  const limit = async (key: string, max: number) => {
    const result = await rateLimits.consume(key, max, MINUTE_MS);
    if (!result.allowed)
      throw new HttpError(429, 'rate_limited', 'Too many chat requests; wait a moment and try again.', {
        'Retry-After': String(Math.max(1, Math.ceil(result.retryAfterSeconds))),
      });
  };

  const authenticateRequest = async (req: Request, res: Response<unknown, Locals>, next: NextFunction) => {
    // Threads are private: no answer of this endpoint may be cached (streams say `no-cache`, as ChatKit expects).
    res.setHeader('Cache-Control', 'no-store');
    res.locals.principal = await authenticate(req.headers.authorization);
    await limit(`chatkit:req:${res.locals.principal.userId}`, limits.requestsPerMinute);
    // text/plain is what a browser labels a string body with; it is read as JSON too (the bearer token, not
    // the content type, is what keeps other sites out).
    if (!req.is(['application/json', 'text/plain']))
      throw new HttpError(415, 'unsupported_media_type', 'Send the ChatKit request as Content-Type: application/json.');
    next();
  };

  const handle = async (req: Request, res: Response<unknown, Locals>) => {
    const request = parseChatKitRequest(readJsonBody(req.body));
    // Only a recording may use the larger body limit.
    if (request.type !== 'input.transcribe' && Buffer.isBuffer(req.body) && req.body.length > limits.maxBodyBytes)
      throw new HttpError(413, 'body_too_large', 'The request body is too large.');
    const { userId } = res.locals.principal;
    const baseUrl = () => requestBaseUrl(req, publicUrl);
    if (!isStreamingRequest(request)) {
      res.json(await handlers.json(userId, request, baseUrl));
      return;
    }
    if (res.locals.principal.kind === 'visitor') {
      // New visitor ids cost one request each, so visitors' replies are also counted per client address.
      await limit(`chatkit:visitor-reply:${userId}`, limits.visitorRepliesPerMinute);
      await limit(`chatkit:visitor-reply-ip:${clientAddress(req)}`, limits.visitorRepliesPerIpPerMinute);
    } else {
      await limit(`chatkit:reply:${userId}`, limits.repliesPerMinute);
    }
    const run = await handlers.prepareStream(userId, request, baseUrl);
    const clientGone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) clientGone.abort();
    });
    // A shutdown stops the reply through the same path as a client that left, so its partial answer is kept.
    const interrupt = () => clientGone.abort(SHUTDOWN_REASON);
    if (shuttingDown.aborted) interrupt();
    else shuttingDown.addEventListener('abort', interrupt, { once: true });
    res.once('close', metrics.streamOpened());
    const sink = openEventStream(res);
    try {
      await run(sink, clientGone.signal);
      if (clientGone.signal.reason === SHUTDOWN_REASON)
        sink.send({ type: 'error', code: 'custom', message: 'The server is restarting; please try again.', allow_retry: true });
    } catch (err) {
      // Storage failed mid-stream: the client still gets a well-formed end to its stream.
      logger.error({ err: { name: (err as Error)?.name, message: (err as Error)?.message }, type: request.type }, 'chatkit stream failed');
      sink.send({ type: 'error', code: 'stream.error', allow_retry: true });
    } finally {
      shuttingDown.removeEventListener('abort', interrupt);
    }
    sink.end();
  };

  const stop = async (req: Request, res: Response<unknown, Locals>) => {
    const { thread_id } = parseBody(stopBody, readJsonBody(req.body));
    res.json({ stopped: await handlers.stop(res.locals.principal.userId, thread_id) });
  };

  const rawBody = express.raw({ type: () => true, limit: limits.maxBodyBytes });
  const chatKitBody = express.raw({ type: () => true, limit: Math.max(limits.maxBodyBytes, audioBodyBytes) });
  router.post(STOP_PATH, authenticateRequest, rawBody, stop);
  router.post(
    CHATKIT_PATH,
    authenticateRequest,
    // Raw bytes with a size limit (skipped when an outer middleware already read the body); JSON parsing and
    // the depth check happen in `handle`, with this endpoint's error codes.
    chatKitBody,
    handle,
  );
  // Without a path: mounted at CHATKIT_PATH it would make the request log's route "/api/chatkit/api/chatkit".
  router.use(jsonErrorHandler);
  return router;
}
