/**
 * Attachments in an S3-compatible bucket (`S3_BUCKET`, `S3_ENDPOINT`, `S3_REGION`; credentials from the AWS SDK's own
 * variables): key `attachments/<hash of user>/<attachment id>`. An upload is one PutObject streamed with its declared
 * length, so memory does not grow with the file, and a PUT that fails midway stores no object. `@aws-sdk/client-s3` is
 * an optional peer dependency, loaded only here: a server without `S3_BUCKET` never needs it.
 */
import type { Readable } from 'node:stream';
import type { AttachmentStorageConfig } from './attachment-config.js';
import { fileName, userSpace, type AttachmentStorage } from './attachment-storage.js';

const REQUEST_TIMEOUT_MS = 30_000;

export async function openS3Storage(config: Extract<AttachmentStorageConfig, { kind: 's3' }>): Promise<AttachmentStorage> {
  let sdk: typeof import('@aws-sdk/client-s3');
  try {
    sdk = await import('@aws-sdk/client-s3');
  } catch {
    throw new Error('S3_BUCKET is set but @aws-sdk/client-s3 is not installed: run `npm install @aws-sdk/client-s3` (or unset S3_BUCKET to keep attachments in DATA_DIR).');
  }
  const { S3Client, PutObjectCommand, GetObjectCommand, DeleteObjectCommand, ListObjectsV2Command } = sdk;
  const client = new S3Client({
    region: config.region,
    ...(config.endpoint && { endpoint: config.endpoint, forcePathStyle: true }),
    // Checksums only where S3 requires them: compatible servers (and streamed bodies of known length) need no trailer.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 2,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: 5_000 },
  });
  const prefixOf = (userId: string) => `attachments/${userSpace(userId)}/`;
  const keyOf = (userId: string, attachmentId: string) => `${prefixOf(userId)}${fileName(attachmentId)}`;

  return {
    kind: 's3',
    async write(userId, attachmentId, body, size, mimeType) {
      const abort = new AbortController();
      // A failing body (too long, wrong bytes) must end the PUT too, or S3 would wait for the missing bytes.
      body.on('error', (err) => abort.abort(err));
      await client.send(
        new PutObjectCommand({ Bucket: config.bucket, Key: keyOf(userId, attachmentId), Body: body, ContentLength: size, ContentType: mimeType }),
        { abortSignal: abort.signal },
      ).catch((err: unknown) => {
        throw abort.signal.aborted ? abort.signal.reason : err;
      });
    },
    async read(userId, attachmentId) {
      const answer = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: keyOf(userId, attachmentId) }));
      return answer.Body as Readable;
    },
    async remove(userId, attachmentId) {
      await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: keyOf(userId, attachmentId) }));
    },
    async removeUser(userId) {
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: config.bucket, Prefix: prefixOf(userId), ContinuationToken: token }));
        for (const entry of page.Contents ?? []) if (entry.Key) await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: entry.Key }));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
  };
}
