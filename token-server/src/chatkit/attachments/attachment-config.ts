/**
 * What `CHATKIT_ATTACHMENTS`, `CHATKIT_ATTACHMENT_MAX_BYTES`, `CHATKIT_ATTACHMENT_MAX_COUNT` and `S3_*` mean:
 * the accepted types, the bounds, and where the bytes live. Attachments are off when `CHATKIT_ATTACHMENTS` is unset.
 */

export type AttachmentStorageConfig =
  | { kind: 'disk' }
  /** Credentials come from the AWS SDK's own variables (AWS_ACCESS_KEY_ID, ...), never from our config. */
  | { kind: 's3'; bucket: string; endpoint?: string; region: string };

export interface AttachmentConfig {
  /** MIME types (`image/png`) or families (`image/*`), lower case. */
  accept: string[];
  maxBytes: number;
  /** Files per message. */
  maxCount: number;
  storage: AttachmentStorageConfig;
}

export const DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_ATTACHMENT_MAX_COUNT = 5;

const MIME_PATTERN = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/;

/** `image/*,application/pdf,text/plain` -> the list; throws a one-line reason for anything else. */
export function parseAcceptList(raw: string): string[] {
  const items = raw.split(',').map((item) => item.trim().toLowerCase()).filter(Boolean);
  if (items.length === 0) throw new Error('must be a comma list of MIME types or type/* (e.g. image/*,application/pdf,text/plain).');
  for (const item of items) {
    if (item === '*/*' || item === '*') throw new Error('must name the types to accept; "*/*" would take any file (list them, e.g. image/*,application/pdf).');
    if (!MIME_PATTERN.test(item)) throw new Error(`must be a comma list of MIME types or type/*; "${item}" is not one.`);
  }
  return [...new Set(items)];
}

/** Whether `mimeType` is one of the accepted types (`image/*` covers `image/png`). */
export function acceptsType(accept: readonly string[], mimeType: string): boolean {
  const type = mimeType.toLowerCase();
  const family = type.split('/')[0];
  return accept.some((item) => item === type || item === `${family}/*`);
}
