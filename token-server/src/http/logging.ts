/**
 * Structured logs (pino). Requests are logged by method, matched route (never the URL), status and
 * timing only; headers and bodies are never serialized, and the redact list below is a second line of
 * defence for anything a handler logs by mistake. Every line written while serving a request carries its
 * `request_id`. Lines go to stdout through a bounded backlog that drops rather than blocks.
 */
import type { ServerResponse } from 'node:http';
import type { Request } from 'express';
import { pino, type DestinationStream, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { boundedDestination } from './log-destination.js';
import { matchedRoute } from './matched-route.js';
import { currentRequestId } from './request-id.js';

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

export function requestLogger(logger: Logger) {
  // The id comes from the request-id middleware (req.id); the completion line names it explicitly, as it may be
  // written from a socket event outside the request's async context.
  const withRequestId = (req: { id?: unknown }, value: object) => ({ ...value, request_id: req.id });
  return pinoHttp({
    logger,
    serializers: {
      req: (req: { method?: string }) => ({ method: req.method }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      err: (err: Error) => ({ type: err.name, message: err.message }),
    },
    customSuccessObject: (req, _res, value) => withRequestId(req, value),
    customErrorObject: (req, _res, _err, value) => withRequestId(req, value),
    // The matched route pattern instead of the URL: paths and query strings are client text and may hold a
    // secret. Only known once the answer is sent (this is also called, with nothing to add, at the start).
    customProps: (req, res) => (res.headersSent ? { route: matchedRoute(req as Request) } : {}),
    // 503 is a feature switched off (or OpenAI limiting us): worth a warning, not an error of this server.
    customLogLevel: (_req, res, err) => (err || (res.statusCode >= 500 && res.statusCode !== 503) ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
  });
}
