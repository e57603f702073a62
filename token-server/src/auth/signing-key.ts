/**
 * The server's own HMAC key for visitor and access tokens: `SIGNING_KEY` when set, otherwise a random
 * key generated into `DATA_DIR/signing-key` on first start (owner-only permissions) and reused after,
 * so visitors keep their ids across restarts.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config.js';
import { ensurePrivateDir, keepPrivate, PRIVATE_FILE_MODE } from '../private-files.js';

const FILE_NAME = 'signing-key';

export function loadSigningKey({ signingKey, dataDir }: { signingKey?: string; dataDir: string }): Uint8Array {
  if (signingKey) return new TextEncoder().encode(signingKey);
  const path = join(dataDir, FILE_NAME);
  try {
    ensurePrivateDir(dataDir);
    try {
      // `wx` fails when the file exists, so two processes starting together never overwrite each other's key.
      writeFileSync(path, randomBytes(32).toString('base64url'), { flag: 'wx', mode: PRIVATE_FILE_MODE });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    keepPrivate(path);
    const key = readFileSync(path, 'utf8').trim();
    if (Buffer.byteLength(key) < 32) throw new ConfigError('DATA_DIR', `holds a signing key (${path}) shorter than 32 bytes; delete it to generate a new one.`);
    return new TextEncoder().encode(key);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError('DATA_DIR', `is not writable for the generated signing key (${(err as Error).message}); set DATA_DIR or SIGNING_KEY.`);
  }
}
