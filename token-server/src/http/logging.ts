/**
 * Structured logs (pino). Requests are logged by method, matched route (never the URL), status and
 * timing only; headers and bodies are never serialized, and the redact list below is a second line of
 * defence for anything a handler logs by mistake.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Request } from 'express';
import { pino, type DestinationStream, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

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

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined }, destination ?? pino.destination(1));
}

export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: () => randomUUID(),
    serializers: {
      req: (req: { id?: unknown; method?: string }) => ({ id: req.id, method: req.method }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      err: (err: Error) => ({ type: err.name, message: err.message }),
    },
    // The matched route pattern instead of the URL: paths and query strings are client text and may hold a
    // secret. Only known once the answer is sent (this is also called, with nothing to add, at the start).
    customProps: (req, res) => (res.headersSent ? { route: (req as Request).route ? `${(req as Request).baseUrl}${String((req as Request).route.path)}` : 'unmatched' } : {}),
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
  });
}
