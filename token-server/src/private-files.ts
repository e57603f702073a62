/**
 * Files only the server's own user may read: conversations and keys. Modes are set explicitly after creating
 * (not only through `mode` at creation), so a `DATA_DIR` or file that already existed with looser permissions,
 * or a permissive umask, still ends up owner-only.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Makes `path` owner-only, creating it empty first unless `createIfMissing` is false. */
export function keepPrivate(path: string, { createIfMissing = true }: { createIfMissing?: boolean } = {}): void {
  if (!existsSync(path)) {
    if (!createIfMissing) return;
    closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  }
  chmodSync(path, PRIVATE_FILE_MODE);
}
