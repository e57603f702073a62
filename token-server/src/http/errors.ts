import type { ErrorRequestHandler, Response } from 'express';
import type {} from './logging.js';
import { StoreUnavailableError } from '../stores/store.js';
import { requestIdOf } from './request-id.js';

/**
 * An error a client may see. Every error answer has the shape
 * `{ "error": { "code": "<stable_snake_case>", "message": "<human text>", "request_id": "<X-Request-Id>" } }`;
 * the message must never hold a secret or an upstream body.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function sendError(res: Response, error: HttpError): void {
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.status).json({ error: { code: error.code, message: error.message, request_id: requestIdOf(res) } });
}

/** The answer while Redis or the database cannot be reached: fail closed, and say when to try again. */
const storeUnavailable = () =>
  new HttpError(503, 'store_unavailable', 'The server cannot reach its storage right now; try again shortly.', { 'Retry-After': '5' });

/** Maps errors thrown by body parsing and handlers onto the uniform JSON shape; never HTML, never a stack. */
export const jsonErrorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof HttpError) return sendError(res, err);
  if (err instanceof StoreUnavailableError) {
    req.log?.warn({ req: { method: req.method }, store: err.store }, 'store unavailable');
    return sendError(res, storeUnavailable());
  }
  const e = err as { type?: string; status?: number; code?: string };
  // body-parser errors carry the raw body; only their type is used, so nothing of it reaches a log or the client.
  if (e.type === 'entity.too.large') return sendError(res, new HttpError(413, 'body_too_large', 'The request body is too large.'));
  if (e.type === 'entity.parse.failed') return sendError(res, new HttpError(400, 'invalid_json', 'The request body is not valid JSON.'));
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported')
    return sendError(res, new HttpError(415, 'unsupported_encoding', 'The request body encoding is not supported.'));
  // zlib's codes (Z_DATA_ERROR, Z_BUF_ERROR, ...): a gzip/deflate/br body that does not decompress.
  if (e.status === 400 && /^Z_/.test(e.code ?? ''))
    return sendError(res, new HttpError(400, 'invalid_json', 'The request body could not be decompressed as its Content-Encoding says.'));
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500)
    return sendError(res, new HttpError(e.status, 'bad_request', 'The request could not be read.'));
  req.log?.error({ req: { method: req.method }, err: { name: (err as Error)?.name, message: (err as Error)?.message } }, 'unhandled error');
  sendError(res, new HttpError(500, 'internal_error', 'Something went wrong on the server.'));
};
