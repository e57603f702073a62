/**
 * What an upload's bytes must be: exactly the declared length (never past the limit), and what their type says:
 * the signature ("magic number") of PNG, JPEG, GIF, WebP and PDF, valid UTF-8 for text. Checked while the bytes
 * stream through, so nothing is buffered beyond a chunk and a bad file fails before it is stored.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { HttpError } from '../../http/errors.js';

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));
/** Bytes at offsets; `undefined` matches any byte. */
const SIGNATURES: Record<string, (number | undefined)[]> = {
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/gif': ascii('GIF8'),
  'image/webp': [...ascii('RIFF'), undefined, undefined, undefined, undefined, ...ascii('WEBP')],
  'application/pdf': ascii('%PDF-'),
};
const TEXT_TYPES = new Set(['application/json', 'application/xml', 'image/svg+xml']);

/** The types this server knows how to check; `attachments.create` refuses an image or PDF type not among them. */
export function contentRule(mimeType: string): 'signature' | 'utf8' | 'none' | 'unknown' {
  if (Object.hasOwn(SIGNATURES, mimeType)) return 'signature';
  if (mimeType.startsWith('text/') || TEXT_TYPES.has(mimeType)) return 'utf8';
  if (mimeType.startsWith('image/') || mimeType === 'application/pdf') return 'unknown';
  return 'none';
}

const wrongBytes = (mimeType: string) => new HttpError(415, 'content_mismatch', `The file's bytes are not a ${mimeType} file.`);

/** A pass-through that fails with a clear HttpError as soon as the bytes break a rule. */
export function checkedContent(mimeType: string, declaredSize: number): Transform {
  const rule = contentRule(mimeType);
  const signature = SIGNATURES[mimeType] ?? [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let seen = 0;
  let head = Buffer.alloc(0);
  const headChecked = () => head.length >= signature.length;
  const checkHead = () => signature.every((byte, i) => byte === undefined || head[i] === byte);

  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      seen += chunk.length;
      if (seen > declaredSize)
        return done(new HttpError(413, 'upload_too_large', `The file is larger than the ${declaredSize} bytes announced for it.`));
      if (rule === 'signature' && !headChecked()) {
        head = Buffer.concat([head, chunk.subarray(0, signature.length - head.length)]);
        if (headChecked() && !checkHead()) return done(wrongBytes(mimeType));
      }
      if (rule === 'utf8') {
        try {
          decoder.decode(chunk, { stream: true });
        } catch {
          return done(new HttpError(415, 'content_mismatch', 'The text file is not valid UTF-8.'));
        }
      }
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      if (seen !== declaredSize)
        return done(new HttpError(400, 'upload_size_mismatch', `The file has ${seen} bytes; ${declaredSize} were announced for it.`));
      if (rule === 'signature' && !(headChecked() && checkHead())) return done(wrongBytes(mimeType));
      if (rule === 'utf8') {
        try {
          decoder.decode();
        } catch {
          return done(new HttpError(415, 'content_mismatch', 'The text file is not valid UTF-8.'));
        }
      }
      done();
    },
  });
}
