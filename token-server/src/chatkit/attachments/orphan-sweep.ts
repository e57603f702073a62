/**
 * Attachments no message took (the user removed them from the composer, or left) are deleted an hour after they were
 * announced, files and records, in the background (at start, then every 10 minutes, unref'd, stopped on shutdown).
 */
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { ThreadStore } from '../store/thread-store.js';
import type { AttachmentStorage } from './attachment-storage.js';

export const ORPHAN_AGE_MS = 60 * 60 * 1000;
const BATCH = 100;

export interface OrphanSweep {
  /** One full pass; resolves with how many attachments were removed. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

export function startOrphanSweep({
  store,
  storage,
  clock,
  logger,
  intervalMs = 10 * 60 * 1000,
}: { store: ThreadStore; storage: AttachmentStorage; clock: Clock; logger: Logger; intervalMs?: number }): OrphanSweep {
  let running: Promise<number> | undefined;
  let stopped = false;
  const pass = async () => {
    let removed = 0;
    while (!stopped) {
      const batch = await store.takeOrphanAttachments(clock.now() - ORPHAN_AGE_MS, BATCH);
      for (const { userId, attachmentId } of batch) await storage.remove(userId, attachmentId);
      removed += batch.length;
      if (batch.length < BATCH) break;
    }
    if (removed > 0) logger.info({ removed }, 'removed attachments no message took');
    return removed;
  };
  const runOnce = () =>
    (running ??= pass()
      .catch((err: unknown) => {
        logger.error({ err: { name: (err as Error)?.name, message: (err as Error)?.message } }, 'attachment sweep failed');
        return 0;
      })
      .finally(() => (running = undefined)));
  const timers = [setTimeout(() => void runOnce(), 0).unref(), setInterval(() => void runOnce(), intervalMs).unref()];
  return {
    runOnce,
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      await running;
    },
  };
}
