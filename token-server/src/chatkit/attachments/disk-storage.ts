/**
 * Attachments on disk: `DATA_DIR/attachments/<hash of user>/<attachment id>`, owner-only directories and 0600 files.
 * A file is written under a temporary name and renamed when complete, so a failed upload leaves nothing readable,
 * and the temporary file is removed.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { ensurePrivateDir } from '../../private-files.js';
import { fileName, userSpace, type AttachmentStorage } from './attachment-storage.js';

export function openDiskStorage(dataDir: string): AttachmentStorage {
  const root = join(dataDir, 'attachments');
  ensurePrivateDir(root);
  const dirOf = (userId: string) => join(root, userSpace(userId));
  const pathOf = (userId: string, attachmentId: string) => join(dirOf(userId), fileName(attachmentId));

  return {
    kind: 'disk',
    async write(userId, attachmentId, body) {
      const target = pathOf(userId, attachmentId);
      await mkdir(dirOf(userId), { recursive: true, mode: 0o700 });
      const partial = `${target}.${randomBytes(6).toString('hex')}.part`;
      try {
        await pipeline(body, createWriteStream(partial, { flags: 'wx', mode: 0o600 }));
        await rename(partial, target);
      } catch (err) {
        await unlink(partial).catch(() => undefined);
        throw err;
      }
    },
    async read(userId, attachmentId) {
      const stream = createReadStream(pathOf(userId, attachmentId));
      // Opening fails (no such file) before any byte is sent, so the caller can still answer 404.
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', reject);
      });
      return stream;
    },
    async remove(userId, attachmentId) {
      await rm(pathOf(userId, attachmentId), { force: true });
    },
    async removeUser(userId) {
      await rm(dirOf(userId), { recursive: true, force: true });
    },
  };
}
