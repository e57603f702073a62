/**
 * Structured logs (pino). Requests are logged by method, matched route (never the URL), status and
 * timing only; headers and bodies are never serialized, and the redact list below is a second line of
 * defence for anything a handler logs by mistake. Every line written while serving a request carries its
 * `request_id`. Lines go to stdout through a bounded backlog that drops rather than blocks.
 */
import type { RequestHandler } from 'express';
import { pino, type DestinationStream, type Logger } from 'pino';
import { boundedDestination } from './log-destination.js';
import { matchedRoute } from './matched-route.js';
import { currentRequestId, requestIdOf } from './request-id.js';

const REDACT = [
  'authorization',
  'cookie',
  'token',
  'client_secret',
  'clientSecret',
  'currentClientSecret',
  'visitor_token',
  'secret',
  'apiKey',
  'body',
  'req.headers',
  '*.authorization',
  '*.cookie',
  '*.token',
  '*.client_secret',
  '*.currentClientSecret',
  '*.visitor_token',
  '*.secret',
  '*.apiKey',
  '*.body',
];

export interface LoggerOptions {
  /** Where lines go instead of stdout (tests capture them). */
  destination?: DestinationStream;
  /** Told about each line dropped because stdout was not keeping up (metrics). */
  onDroppedLine?: () => void;
}

export function createLogger(level: string, { destination, onDroppedLine }: LoggerOptions = {}): Logger {
  const output =
    destination ??
    boundedDestination({
      onDrop: onDroppedLine,
      onDrained: (count) => logger.warn({ dropped_lines: count }, 'log lines were dropped while stdout was not being read'),
    });
  const logger: Logger = pino(
    {
      level,
      redact: { paths: REDACT, censor: '[redacted]' },
      base: undefined,
      mixin: () => {
        const id = currentRequestId();
        return id ? { request_id: id } : {};
      },
    },
    output,
  );
  return logger;
}

declare module 'node:http' {
  interface IncomingMessage {
    /** The app's logger, for lines about this request (its id comes from the async context). */
    log?: Logger;
  }
}

type Level = 'info' | 'warn' | 'error';

/** 503 is a feature switched off (or OpenAI limiting us): worth a warning, not an error of this server. */
const levelOf = (status: number, err: Error | undefined): Level =>
  err || (status >= 500 && status !== 503) ? 'error' : status >= 400 ? 'warn' : 'info';

/**
 * One line per request once it is over: `request completed` (or `request aborted` when the client went away first,
 * `request errored` for a 5xx or a failed response) with the method, the matched route pattern (never the URL: paths
 * and query strings are client text and may hold a secret), the status, the time taken and the request id.
 */
export function requestLogger(logger: Logger): RequestHandler {
  // Every field of the line is built below from the method, the route pattern, the status, a number and the sane
  // request id, so it cannot hold a secret: it skips the redact pass, which would cost more than the line itself.
  // `err` is already the `{ message }` the line shows, not an Error for pino's serializer.
  const lines = logger.child({}, { redact: [], serializers: { err: (err: { message: string }) => err } });
  return (req, res, next) => {
    const startedAt = Date.now();
    req.log = logger;
    const done = (err?: Error) => {
      res.removeListener('close', done);
      res.removeListener('finish', done);
      res.removeListener('error', done);
      const status = res.statusCode;
      const line = {
        req: { method: req.method },
        route: matchedRoute(req),
        // Named explicitly: 'close' may come from a socket event outside the request's async context.
        request_id: requestIdOf(res),
        res: { statusCode: status },
        ...((err || status >= 500) && { err: { message: err ? err.message : `failed with status code ${status}` } }),
        responseTime: Date.now() - startedAt,
      };
      const message = err || status >= 500 ? 'request errored' : !req.readableAborted && res.writableEnded ? 'request completed' : 'request aborted';
      lines[levelOf(status, err)](line, message);
    };
    res.on('close', done);
    res.on('finish', done);
    res.on('error', done);
    next();
  };
}
