import type { z } from 'zod';
import { HttpError } from './errors.js';

/** Parses a request body with a strict schema; a mismatch is 400 `invalid_body` naming the field, never echoing values. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? `"${issue.path.join('.')}"` : 'the body';
  const problem = issue?.code === 'unrecognized_keys' ? `has unknown fields (${issue.keys.map((k) => `"${k}"`).join(', ')})` : 'is missing or has the wrong type';
  throw new HttpError(400, 'invalid_body', `In the request body, ${field} ${problem}.`);
}
