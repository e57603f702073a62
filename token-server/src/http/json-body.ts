/**
 * Request bodies: JSON only, size-capped, and checked for shapes that hurt servers (deep nesting,
 * prototype keys) before any handler sees them. Errors carry stable codes; nothing of the raw body
 * is kept on the error, so it cannot reach a log.
 */
import express, { type RequestHandler } from 'express';
import { HttpError } from './errors.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Rejects a POST/PUT/PATCH whose non-empty body is not `application/json` (415). */
const requireJson: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.is('application/json')) {
    return next(new HttpError(415, 'unsupported_media_type', 'Send the request body as application/json.'));
  }
  next();
};

/** Depth of nested objects/arrays, walked without recursion so a hostile body cannot blow the stack. */
function checkShape(value: unknown, maxDepth: number): HttpError | undefined {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= maxDepth) return new HttpError(400, 'body_too_deep', `The request body is nested more than ${maxDepth} levels deep.`);
    for (const key of Object.keys(node)) {
      if (FORBIDDEN_KEYS.has(key)) return new HttpError(400, 'forbidden_key', `The request body may not contain the key "${key}".`);
      stack.push({ node: (node as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return undefined;
}

export function jsonBody({ limitBytes, maxDepth }: { limitBytes: number; maxDepth: number }): RequestHandler[] {
  return [
    requireJson,
    express.json({ limit: limitBytes, strict: true, type: 'application/json' }),
    (req, _res, next) => next(checkShape(req.body, maxDepth)),
  ];
}
