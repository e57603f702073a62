/**
 * `X-Request-Id` on every response: an incoming id is kept when it is sane (what a proxy or load balancer
 * would have set), anything else is replaced by a fresh UUID, since the id is echoed into logs and error bodies.
 * The id is also the request's async context, so every log line written while serving it carries it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Letters, digits and `-_.:` only, at most 128 characters: covers UUIDs, ULIDs and proxies' trace ids. */
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const context = new AsyncLocalStorage<string>();

/** The id of the request being served in this async context, if any. */
export function currentRequestId(): string | undefined {
  return context.getStore();
}

/** The id `requestId()` gave this response (for error bodies). */
export function requestIdOf(res: Response): string | undefined {
  const id = res.locals.requestId;
  return typeof id === 'string' ? id : undefined;
}

export function requestId(): RequestHandler {
  return (req, res, next) => {
    // An app mounted inside another (the demo) keeps the id the outer one gave.
    const given = requestIdOf(res);
    if (given) return next();
    const incoming = req.get(REQUEST_ID_HEADER);
    const id = incoming && SANE_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    context.run(id, next);
  };
}
