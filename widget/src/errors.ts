/**
 * The widget's one failure type. `code` is stable and public (it is the `ckw-error` detail's `code`); the
 * message is for people and never carries a token or secret. Loader and lazy chunk each bundle their own
 * copy of this module, so code across that boundary checks the shape (`isWidgetError`), never `instanceof`.
 */
export type WidgetErrorCode =
  | 'invalid_attribute'
  | 'chatkit_unavailable'
  | 'widget_unavailable'
  | 'network_error'
  | 'timeout'
  | 'unauthorized'
  | 'auth_required'
  | 'forbidden'
  | 'rate_limited'
  | 'quota_exceeded'
  | 'not_configured'
  | 'server_error'
  | 'bad_request'
  | 'invalid_response'
  | 'chatkit_error';

export interface WidgetErrorDetail {
  code: WidgetErrorCode;
  message: string;
  /** HTTP status, when the failure was an answer from the token server or backend. */
  status?: number;
  /** The server's own error code (e.g. `origin_not_allowed`), when it sent one. */
  reason?: string;
}

export class WidgetError extends Error {
  override readonly name = 'WidgetError';
  constructor(
    readonly code: WidgetErrorCode,
    message: string,
    readonly status?: number,
    readonly reason?: string,
  ) {
    super(message);
  }
}

export function isWidgetError(value: unknown): value is WidgetError {
  return value instanceof Error && value.name === 'WidgetError' && typeof (value as WidgetError).code === 'string';
}

export function errorDetail(error: WidgetError): WidgetErrorDetail {
  const detail: WidgetErrorDetail = { code: error.code, message: error.message };
  if (error.status !== undefined) detail.status = error.status;
  if (error.reason !== undefined) detail.reason = error.reason;
  return detail;
}

/** Failures a retry can fix (a fresh attempt may succeed); the others need a change to the page or server. */
export function isRetryable(code: WidgetErrorCode): boolean {
  return !['invalid_attribute', 'forbidden', 'not_configured', 'bad_request', 'quota_exceeded'].includes(code);
}
