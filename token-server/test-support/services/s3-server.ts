/**
 * A fake S3 (`s3rver`, from npm, a devDependency) for a test: its own process on 127.0.0.1 and a free port, one
 * bucket, data in a temporary directory, stopped by its pid. Credentials are s3rver's fixed test pair.
 *
 *   const s3 = await startS3();  s3.endpoint;  s3.bucket;  await s3.stop();
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, spawnService, waitFor } from './process.js';

export interface S3Server {
  endpoint: string;
  bucket: string;
  region: string;
  /** The directory s3rver keeps objects in (tests look there to see what was stored). */
  directory: string;
  stop(): Promise<void>;
}

/** s3rver accepts any signature made with this pair. */
export const S3RVER_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

export async function startS3(bucket = 'ckw-test'): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'ckw-s3-'));
  const port = await freePort();
  const bin = join(dirname(createRequire(import.meta.url).resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const service = spawnService(process.execPath, [bin, '-d', directory, '-a', '127.0.0.1', '-p', String(port), '--silent', '--configure-bucket', bucket]);
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor(`s3rver on ${endpoint}`, async () => (await fetch(`${endpoint}/${bucket}`)).ok).catch((err: Error) => {
    throw new Error(`${err.message}\n${service.output()}`);
  });
  return {
    endpoint,
    bucket,
    region: 'us-east-1',
    directory,
    async stop() {
      await service.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
