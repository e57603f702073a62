/**
 * Where attachment bytes live: one interface, on disk under `DATA_DIR/attachments` by default or in an S3-compatible
 * bucket when `S3_BUCKET` is set. Files are addressed by their owner and attachment id only (never by a client's file
 * name), so no name can reach outside its user's space.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { AttachmentStorageConfig } from './attachment-config.js';

export interface AttachmentStorage {
  kind: 'disk' | 's3';
  /**
   * Stores `body` (exactly `size` bytes) as this user's attachment. When `body` fails (too long, wrong bytes, the
   * client left) it rejects and nothing is left behind.
   */
  write(userId: string, attachmentId: string, body: Readable, size: number, mimeType: string): Promise<void>;
  /** The stored bytes as a stream; rejects when there are none. */
  read(userId: string, attachmentId: string): Promise<Readable>;
  /** Removes one file; a missing one is not an error. */
  remove(userId: string, attachmentId: string): Promise<void>;
  /** Removes every file of a user (retention deleted them). */
  removeUser(userId: string): Promise<void>;
}

/** Ids this server generates (`atc_` + hex); anything else never reaches a path or key. */
const ATTACHMENT_ID = /^atc_[a-f0-9]{16}$/;

export function isAttachmentId(id: string): boolean {
  return ATTACHMENT_ID.test(id);
}

/** A user's folder or key prefix: a hash of the id, so any id (`anon_…`, an email, `../x`) is a safe name. */
export function userSpace(userId: string): string {
  return createHash('sha256').update(userId).digest('hex').slice(0, 40);
}

export function fileName(attachmentId: string): string {
  if (!isAttachmentId(attachmentId)) throw new Error('not an attachment id');
  return attachmentId;
}

/** Disk by default; the S3 code (and the AWS SDK) loads only when the bucket is configured. */
export async function openAttachmentStorage(config: AttachmentStorageConfig, dataDir: string): Promise<AttachmentStorage> {
  if (config.kind === 's3') {
    const { openS3Storage } = await import('./s3-storage.js');
    return openS3Storage(config);
  }
  const { openDiskStorage } = await import('./disk-storage.js');
  return openDiskStorage(dataDir);
}
