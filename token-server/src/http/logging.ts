/**
 * Structured logs (pino). Requests are logged by method, path (never the query string), status and
 * timing only; headers and bodies are never serialized, and the redact list below is a second line of
 * defence for anything a handler logs by mistake.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
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
      req: (req: IncomingMessage & { id?: unknown; raw?: IncomingMessage }) => ({
        id: req.id,
        method: req.method,
        path: (req.url ?? '').split('?')[0],
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      err: (err: Error) => ({ type: err.name, message: err.message }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
  });
}
