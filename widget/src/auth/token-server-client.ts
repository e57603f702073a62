/**
 * JSON calls to the token server, with a timeout, and every failure turned into a `WidgetError` whose code
 * says what a user can do about it. Server error bodies follow `{ error: { code, message } }`; their
 * messages are written for people and hold no secrets, so they are passed on.
 */
import { WidgetError, type WidgetErrorCode } from '../errors.js';

export const REQUEST_TIMEOUT_MS = 15_000;

export interface JsonRequest {
  url: string;
  body?: unknown;
  bearer?: string;
  credentials: RequestCredentials;
}

export function codeForStatus(status: number): WidgetErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'not_configured';
  if (status >= 500) return 'server_error';
  return 'bad_request';
}

/** The backend's codes for a user who has stored all they may: only deleting conversations helps. */
const QUOTA_REASONS = new Set(['quota_exceeded', 'too_many_threads', 'thread_full']);

/** A `WidgetError` for a non-2xx answer, keeping the server's own code as `reason`. */
export async function errorFromResponse(response: Response, what: string): Promise<WidgetError> {
  let reason: string | undefined;
  let message: string | undefined;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') reason = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not our JSON error shape (a proxy's HTML page, say): the status alone tells the story.
  }
  const code = reason && QUOTA_REASONS.has(reason) ? 'quota_exceeded' : codeForStatus(response.status);
  return new WidgetError(code, message ?? `${what} answered HTTP ${response.status}.`, response.status, reason);
}

/** The error for a fetch that threw: our timeout, or the network (offline, DNS, CORS refusal). */
export function errorFromFetchFailure(error: unknown, what: string): WidgetError {
  if (error instanceof DOMException && error.name === 'TimeoutError')
    return new WidgetError('timeout', `${what} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s.`);
  return new WidgetError('network_error', `${what} cannot be reached.`);
}

export async function postJson<T>(request: JsonRequest): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (request.bearer) headers.authorization = `Bearer ${request.bearer}`;
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(request.body ?? {}),
      credentials: request.credentials,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw errorFromFetchFailure(error, 'The token server');
  }
  if (!response.ok) throw await errorFromResponse(response, 'The token server');
  try {
    return (await response.json()) as T;
  } catch {
    throw new WidgetError('invalid_response', 'The token server answered with something other than JSON.', response.status);
  }
}
