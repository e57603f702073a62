/**
 * Visitor data retention: anonymous visitors (`anon_…`) who have written nothing for `retentionDays` are deleted
 * with their threads and items. It runs in the background, at start and then hourly, in small batches with a turn
 * of the event loop between them, so requests keep being answered while it works. Signed-in users are never
 * touched: their data is the site's to manage.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { ThreadStore } from './store/thread-store.js';

export const VISITOR_USER_PREFIX = 'anon_';
const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH = 50;

export interface VisitorRetention {
  /** One full pass; resolves with how many visitors were deleted. */
  runOnce(): Promise<number>;
  /** Stops the schedule and waits for a pass in progress. */
  stop(): Promise<void>;
}

export interface RetentionOptions {
  store: ThreadStore;
  /** 0 turns retention off. */
  retentionDays: number;
  clock: Clock;
  logger: Logger;
  intervalMs?: number;
  /** Called with each batch of deleted visitors, e.g. to remove their attachment files. */
  onUsersDeleted?: (userIds: string[]) => Promise<void>;
}

export function startVisitorRetention({
  store,
  retentionDays,
  clock,
  logger,
  intervalMs = 60 * 60 * 1000,
  onUsersDeleted,
}: RetentionOptions): VisitorRetention {
  let running: Promise<number> | undefined;
  let stopped = false;

  const pass = async (): Promise<number> => {
    const idleSince = clock.now() - retentionDays * DAY_MS;
    let deleted = 0;
    while (!stopped) {
      const batch = await store.deleteIdleUsers(VISITOR_USER_PREFIX, idleSince, BATCH);
      if (batch.length > 0) await onUsersDeleted?.(batch);
      deleted += batch.length;
      if (batch.length < BATCH) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (deleted > 0) logger.info({ deleted, retentionDays }, 'deleted idle visitors and their threads');
    return deleted;
  };
  const runOnce = () => {
    running ??= pass()
      .catch((err: unknown) => {
        logger.error({ err: { name: (err as Error)?.name, message: (err as Error)?.message } }, 'visitor retention failed');
        return 0;
      })
      .finally(() => (running = undefined));
    return running;
  };

  const timers: NodeJS.Timeout[] = [];
  if (retentionDays > 0) {
    // unref: retention never keeps the process alive on its own.
    timers.push(setTimeout(() => void runOnce(), 0).unref(), setInterval(() => void runOnce(), intervalMs).unref());
  }
  return {
    runOnce: () => (retentionDays > 0 ? runOnce() : Promise.resolve(0)),
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      await running;
    },
  };
}
