/**
 * The attachment routes beside `POST /api/chatkit`:
 * - `PUT|POST /api/chatkit/attachments/upload/:token`: the two-phase upload `attachments.create` handed out (raw body
 *   for PUT, multipart field `file` for POST). Authorised by the signed, single-use URL: ChatKit sends no bearer here.
 * - `POST /api/chatkit/attachments/direct`: ChatKit's `direct` upload strategy, multipart `file`, with the user's
 *   bearer (site JWT or visitor access token); answers the attachment.
 * - `GET /api/chatkit/attachments/preview/:token`: an image's preview while its signed URL lasts.
 * Each is counted against the user's chat request limit. Bodies stream to storage; nothing is held in memory.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import express, { type Request, type Response } from 'express';
import type { Authenticate } from '../../auth/principal.js';
import { HttpError, jsonErrorHandler } from '../../http/errors.js';
import { requestBaseUrl } from '../../http/origin.js';
import type { AttachmentService } from './attachment-service.js';
import { DIRECT_UPLOAD_PATH, PREVIEW_PATH, UPLOAD_PATH } from './attachment-service.js';

interface UploadRouteDeps {
  service: AttachmentService;
  authenticate: Authenticate;
  /** Counts one request of this user (the chat endpoint's per-user limit); throws the 429. */
  limitUser: (userId: string) => Promise<void>;
  maxBytes: number;
  publicUrl?: string;
}

/** Calls `onFile` with the stream of the multipart field `file`; other fields and files are drained and ignored. */
function readMultipartFile<T>(req: Request, maxBytes: number, onFile: (file: Readable, info: { filename: string; mimeType: string }) => Promise<T>): Promise<T> {
  if (!req.is('multipart/form-data')) throw new HttpError(415, 'unsupported_media_type', 'Send the file as multipart/form-data with a "file" field.');
  return new Promise<T>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fields: 10, parts: 11, fileSize: maxBytes + 1, fieldSize: 1024 } });
    } catch {
      reject(new HttpError(400, 'invalid_multipart', 'The multipart body could not be read.'));
      return;
    }
    let handled = false;
    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || handled) return void stream.resume();
      handled = true;
      stream.once('limit', () => stream.destroy(new HttpError(413, 'attachment_too_large', `Files may be at most ${maxBytes} bytes.`)));
      onFile(stream, { filename: info.filename ?? '', mimeType: info.mimeType ?? '' }).then(resolve, reject);
    });
    parser.once('error', () => reject(new HttpError(400, 'invalid_multipart', 'The multipart body could not be read.')));
    parser.once('close', () => {
      if (!handled) reject(new HttpError(400, 'missing_file', 'The multipart body has no "file" field.'));
    });
    req.pipe(parser);
  });
}

/** RFC 6266 filename for any name (ASCII fallback plus the UTF-8 form). */
function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function attachmentRoutes({ service, authenticate, limitUser, maxBytes, publicUrl }: UploadRouteDeps): express.Router {
  const router = express.Router();
  const baseUrl = (req: Request) => requestBaseUrl(req, publicUrl);

  router.put(`${UPLOAD_PATH}/:token`, async (req: Request, res: Response) => {
    const grant = await service.uploadGrant(String(req.params.token));
    await limitUser(grant.userId);
    res.status(200).json(await service.upload(grant, req, baseUrl(req)));
  });
  router.post(`${UPLOAD_PATH}/:token`, async (req: Request, res: Response) => {
    const grant = await service.uploadGrant(String(req.params.token));
    await limitUser(grant.userId);
    res.status(200).json(await readMultipartFile(req, maxBytes, (file) => service.upload(grant, file, baseUrl(req))));
  });

  router.post(DIRECT_UPLOAD_PATH, async (req: Request, res: Response) => {
    const { userId } = await authenticate(req.headers.authorization);
    await limitUser(userId);
    // The size is known only at the end of a multipart part: spool it (bounded) to a private temp file first.
    const dir = await mkdtemp(join(tmpdir(), 'ckw-upload-'));
    try {
      const attachment = await readMultipartFile(req, maxBytes, async (file, info) => {
        const path = join(dir, 'file');
        await pipeline(file, createWriteStream(path, { mode: 0o600 }));
        const { size } = await stat(path);
        return service.direct(userId, { name: info.filename, mime_type: info.mimeType, size, body: createReadStream(path) }, baseUrl(req));
      });
      res.status(200).json(attachment);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  router.get(`${PREVIEW_PATH}/:token`, async (req: Request, res: Response) => {
    const { record, body } = await service.openPreview(String(req.params.token));
    res.setHeader('Content-Type', record.mimeType);
    res.setHeader('Content-Length', String(record.size));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Disposition', contentDisposition('inline', record.name));
    // Private to the one browser that holds the signed URL, and never a document that could run anything.
    res.setHeader('Cache-Control', 'private, max-age=300');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    // ChatKit draws previews in its own frame (another origin).
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    await pipeline(body, res);
  });

  router.use(jsonErrorHandler);
  return router;
}
