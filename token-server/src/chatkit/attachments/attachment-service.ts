/**
 * Attachments for one server: `attachments.create` (checks, a record, an upload URL), the upload itself (single use,
 * streamed through the content check into the storage), the direct upload, deletion, the previews, and the records a
 * user message carries. Every lookup is by user: another user's attachment id is "no such attachment" everywhere.
 */
import type { Readable } from 'node:stream';
import type { Clock } from '../../clock.js';
import { HttpError } from '../../http/errors.js';
import { newId } from '../ids.js';
import type { Attachment, AttachmentUploadDescriptor } from '../protocol/types.js';
import type { AttachmentRecord, ThreadStore } from '../store/thread-store.js';
import { acceptsType, type AttachmentConfig } from './attachment-config.js';
import type { AttachmentStorage } from './attachment-storage.js';
import type { AttachmentGrant, AttachmentTokens } from './attachment-tokens.js';
import { checkedContent, contentRule } from './content-check.js';

export const ATTACHMENTS_PATH = '/api/chatkit/attachments';
export const UPLOAD_PATH = `${ATTACHMENTS_PATH}/upload`;
export const PREVIEW_PATH = `${ATTACHMENTS_PATH}/preview`;
export const DIRECT_UPLOAD_PATH = `${ATTACHMENTS_PATH}/direct`;

/** Types shown inline as images (and given to models as images); anything else, SVG included, is a file. */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const NAME_MAX_CHARS = 255;

export const notFound = () => new HttpError(404, 'attachment_not_found', 'No such attachment.');

export function isImageType(mimeType: string): boolean {
  return IMAGE_TYPES.has(mimeType);
}

/** A file name as shown to people: no path parts, no control characters, bounded. */
function checkName(name: string): string {
  const trimmed = name.trim();
  // eslint-disable-next-line no-control-regex
  if (!trimmed || trimmed.length > NAME_MAX_CHARS || /[/\\\u0000-\u001f\u007f]/.test(trimmed) || trimmed === '.' || trimmed === '..')
    throw new HttpError(400, 'invalid_attachment_name', `A file name must be 1 to ${NAME_MAX_CHARS} characters, without slashes or control characters.`);
  return trimmed;
}

export interface AttachmentServiceDeps {
  config: AttachmentConfig;
  store: ThreadStore;
  storage: AttachmentStorage;
  tokens: AttachmentTokens;
  clock: Clock;
  /** The user's budget for attachments, apart from the message quota: declared sizes of everything they keep. */
  maxAttachmentBytesPerUser: number;
}

export class AttachmentService {
  constructor(private readonly deps: AttachmentServiceDeps) {}

  get maxCount(): number {
    return this.deps.config.maxCount;
  }

  /** Checks what `attachments.create` (or a direct upload) declares; the normalised name and type. */
  private async checkDeclared(userId: string, params: { name: string; size?: number; mime_type: string }) {
    const { config, store } = this.deps;
    const name = checkName(params.name);
    const mimeType = params.mime_type.trim().toLowerCase().split(';')[0]!.trim();
    // SVG can carry script: only when named on its own, never through image/*.
    const svgRefused = mimeType === 'image/svg+xml' && !config.accept.includes(mimeType);
    if (!acceptsType(config.accept, mimeType) || svgRefused || contentRule(mimeType) === 'unknown')
      throw new HttpError(415, 'attachment_type_not_accepted', `Files of type "${mimeType}" are not accepted here; accepted: ${config.accept.join(', ')}.`);
    if (params.size !== undefined) {
      if (params.size <= 0) throw new HttpError(400, 'empty_attachment', 'The file is empty.');
      if (params.size > config.maxBytes)
        throw new HttpError(413, 'attachment_too_large', `Files may be at most ${config.maxBytes} bytes; this one has ${params.size}.`);
    }
    if ((await store.usage(userId)).attachmentBytes + (params.size ?? config.maxBytes) > this.deps.maxAttachmentBytesPerUser)
      throw new HttpError(409, 'attachment_quota_exceeded', 'Your files have used all the storage this chat allows; delete conversations with files to add more.');
    return { name, mimeType };
  }

  async create(userId: string, params: { name: string; size: number; mime_type: string }, baseUrl: string): Promise<Attachment> {
    const { name, mimeType } = await this.checkDeclared(userId, params);
    const record: AttachmentRecord = { id: newId('attachment'), name, mimeType, size: params.size, status: 'pending', createdAtMs: this.deps.clock.now() };
    await this.deps.store.saveAttachment(userId, record);
    const token = await this.deps.tokens.issue('upload', { userId, attachmentId: record.id });
    return this.toWire(userId, record, baseUrl, { url: `${baseUrl}${UPLOAD_PATH}/${token}`, method: 'PUT', headers: { 'Content-Type': mimeType } });
  }

  /** Who and what an upload URL's token is for; 403 when it is invalid or expired. */
  async uploadGrant(token: string): Promise<AttachmentGrant> {
    const grant = await this.deps.tokens.read('upload', token);
    if (!grant) throw new HttpError(403, 'upload_url_invalid', 'This upload URL is invalid or has expired; add the file again.');
    return grant;
  }

  /** The two-phase upload, once per URL. */
  async upload(grant: AttachmentGrant, body: Readable, baseUrl: string): Promise<Attachment> {
    const record = await this.deps.store.getAttachment(grant.userId, grant.attachmentId);
    if (!record) throw notFound();
    if (!(await this.deps.store.setAttachmentStatus(grant.userId, record.id, 'pending', 'uploading')))
      throw new HttpError(409, 'upload_url_used', 'This upload URL was already used.');
    await this.store(grant.userId, record, body);
    return this.toWire(grant.userId, { ...record, status: 'ready' }, baseUrl);
  }

  /** The direct upload: the file arrives with the user's own authentication and becomes an attachment at once. */
  async direct(userId: string, file: { name: string; mime_type: string; body: Readable; size: number }, baseUrl: string): Promise<Attachment> {
    const { name, mimeType } = await this.checkDeclared(userId, file);
    const record: AttachmentRecord = { id: newId('attachment'), name, mimeType, size: file.size, status: 'uploading', createdAtMs: this.deps.clock.now() };
    await this.deps.store.saveAttachment(userId, record);
    await this.store(userId, record, file.body);
    return this.toWire(userId, { ...record, status: 'ready' }, baseUrl);
  }

  /** Streams the bytes through the content check into storage; on failure the record returns to `pending` and no file stays. */
  private async store(userId: string, record: AttachmentRecord, body: Readable): Promise<void> {
    const checked = body.pipe(checkedContent(record.mimeType, record.size));
    body.once('error', (err) => checked.destroy(err));
    // The storage's write rejects with the check's error; this keeps a late repeat of it from being uncaught.
    checked.on('error', () => undefined);
    try {
      await this.deps.storage.write(userId, record.id, checked, record.size, record.mimeType);
    } catch (err) {
      await this.deps.storage.remove(userId, record.id).catch(() => undefined);
      await this.deps.store.setAttachmentStatus(userId, record.id, 'uploading', 'pending');
      throw err instanceof HttpError ? err : new HttpError(400, 'upload_failed', 'The upload did not complete; add the file again.');
    }
    await this.deps.store.setAttachmentStatus(userId, record.id, 'uploading', 'ready');
  }

  async remove(userId: string, attachmentId: string): Promise<void> {
    const record = await this.deps.store.getAttachment(userId, attachmentId);
    if (!record) throw notFound();
    await this.deps.storage.remove(userId, record.id);
    await this.deps.store.deleteAttachment(userId, record.id);
  }

  /** Ready attachments of this user that no other thread has: what a new message may carry (400/404 otherwise). */
  async checkForMessage(userId: string, attachmentIds: string[], threadId?: string): Promise<AttachmentRecord[]> {
    if (attachmentIds.length > this.maxCount)
      throw new HttpError(400, 'too_many_attachments', `A message may carry at most ${this.maxCount} files.`);
    const records: AttachmentRecord[] = [];
    for (const id of new Set(attachmentIds)) {
      const record = await this.deps.store.getAttachment(userId, id);
      if (!record || (record.threadId && record.threadId !== threadId)) throw notFound();
      if (record.status !== 'ready') throw new HttpError(409, 'attachment_not_uploaded', `"${record.name}" has not finished uploading.`);
      records.push(record);
    }
    return records;
  }

  /** Puts the checked attachments into the thread; the message's `attachments` (chatkit-python sets `thread_id`). */
  async attach(userId: string, records: AttachmentRecord[], threadId: string, baseUrl: string): Promise<Attachment[]> {
    if (records.length === 0) return [];
    if (!(await this.deps.store.attachToThread(userId, records.map((record) => record.id), threadId))) throw notFound();
    return Promise.all(records.map((record) => this.toWire(userId, { ...record, threadId }, baseUrl)));
  }

  /** A stored message's attachments with preview URLs valid from now (the stored ones expire). */
  async refreshPreviews(userId: string, attachments: Attachment[], baseUrl: string): Promise<Attachment[]> {
    return Promise.all(
      attachments.map(async (attachment) =>
        attachment.type === 'image' ? { ...attachment, preview_url: await this.previewUrl(userId, attachment.id, baseUrl) } : attachment,
      ),
    );
  }

  /** The preview behind a preview URL: the record and its bytes; 404 for a bad, expired or foreign token. */
  async openPreview(token: string): Promise<{ record: AttachmentRecord; body: Readable }> {
    const grant = await this.deps.tokens.read('preview', token);
    const record = grant && (await this.deps.store.getAttachment(grant.userId, grant.attachmentId));
    if (!grant || !record || record.status !== 'ready' || !isImageType(record.mimeType)) throw notFound();
    return { record, body: await this.deps.storage.read(grant.userId, record.id) };
  }

  /** The bytes of a ready attachment, for the model. */
  async readBytes(userId: string, attachmentId: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.deps.storage.read(userId, attachmentId)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** Removes the files of a thread's attachments (their records go with the thread). */
  async removeFiles(userId: string, records: AttachmentRecord[]): Promise<void> {
    for (const record of records) await this.deps.storage.remove(userId, record.id);
  }

  private async previewUrl(userId: string, attachmentId: string, baseUrl: string): Promise<string> {
    return `${baseUrl}${PREVIEW_PATH}/${await this.deps.tokens.issue('preview', { userId, attachmentId })}`;
  }

  /** The wire shape, in chatkit-python's field order. */
  private async toWire(userId: string, record: AttachmentRecord, baseUrl: string, upload?: AttachmentUploadDescriptor): Promise<Attachment> {
    const base = {
      id: record.id,
      name: record.name,
      mime_type: record.mimeType,
      ...(upload && { upload_descriptor: upload }),
      ...(record.threadId && { thread_id: record.threadId }),
    };
    if (!isImageType(record.mimeType)) return { ...base, type: 'file' };
    return { ...base, type: 'image', preview_url: await this.previewUrl(userId, record.id, baseUrl) };
  }
}
