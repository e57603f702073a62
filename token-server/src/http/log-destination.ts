/**
 * Where log lines go: stdout, asynchronously, with a bounded backlog. pino's own `destination(1)` writes
 * synchronously and, on a full pipe (a log collector that stopped reading), spins in `Atomics.wait` until the
 * pipe drains: requests stop being answered and SIGTERM is never handled. Here a line that does not fit in the
 * backlog is dropped and counted instead, and the count is reported once the output drains.
 */
import type { Writable } from 'node:stream';

/** What is kept while stdout is not reading; about 5,000 request lines. */
export const LOG_BACKLOG_BYTES = 1024 * 1024;

export interface LogDestination {
  write(line: string): void;
  /** Calls back once the backlog is written, or at once when the output is gone (pino's `logger.flush`). */
  flush(callback?: (err?: Error) => void): void;
  /** Lines dropped since start. */
  readonly dropped: number;
}

export interface LogDestinationOptions {
  out?: Writable;
  backlogBytes?: number;
  /** Called for each dropped line (metrics). */
  onDrop?: () => void;
  /** Called once the output drained after `count` lines were dropped (a warning line). */
  onDrained?: (count: number) => void;
}

export function boundedDestination({ out = process.stdout, backlogBytes = LOG_BACKLOG_BYTES, onDrop, onDrained }: LogDestinationOptions = {}): LogDestination {
  let dropped = 0;
  let droppedSinceDrain = 0;
  let broken = false;
  // A reader that went away (EPIPE) must not crash the server through an unhandled 'error' event.
  out.on('error', () => {
    broken = true;
  });
  const drop = () => {
    dropped++;
    onDrop?.();
    if (droppedSinceDrain++ === 0 && !broken) out.once('drain', reportDrops);
  };
  const reportDrops = () => {
    const count = droppedSinceDrain;
    droppedSinceDrain = 0;
    onDrained?.(count);
  };
  return {
    write(line) {
      if (broken || out.writableLength + Buffer.byteLength(line) > backlogBytes) return drop();
      out.write(line);
    },
    flush(callback) {
      if (broken || out.writableLength === 0) return callback?.();
      out.once('drain', () => callback?.());
    },
    get dropped() {
      return dropped;
    },
  };
}
