/**
 * Shutdown on SIGTERM/SIGINT, the same for `npm run server` / `npm run serve` (server.ts) and `npm start`
 * (demo/server.ts): stop accepting, let short requests finish, end running replies with a retryable error (their
 * partial answer stored), close the stores, and exit within `SHUTDOWN_TIMEOUT_MS` whatever is stuck. A second
 * signal exits at once. Nothing on the way out waits on stdout longer than the deadline (see log-destination.ts).
 */
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { closeGracefully } from './listen.js';

/** What serving is made of: the app's replies and stores, and the listeners in front of it. */
export interface Serving {
  app: { interruptReplies(): void; close(): Promise<void> };
  servers: Server[];
}

/**
 * Stops serving: requests in flight get `deadlineMs`, then their connections are cut; stores close last.
 * Resolves false when some requests had to be cut off.
 */
export async function stopServing({ app, servers }: Serving, deadlineMs: number): Promise<boolean> {
  const closing = Promise.all(servers.map((server) => closeGracefully(server, deadlineMs)));
  // Replies would outlast any deadline; they end now and the client retries (on another instance).
  app.interruptReplies();
  const clean = (await closing).every(Boolean);
  await app.close();
  return clean;
}

/** The share of the deadline requests get before they are cut; the rest is for the stores and the last log lines. */
const REQUESTS_SHARE = 0.8;

export interface ExitOnSignalsOptions {
  logger: Logger;
  timeoutMs: number;
  /** Stops serving within `deadlineMs`; false when requests were cut off (`stopServing`). */
  stop(deadlineMs: number): Promise<boolean>;
}

export function exitOnSignals({ logger, timeoutMs, stop }: ExitOnSignalsOptions, proc: NodeJS.Process = process): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      return proc.exit(1);
    }
    stopping = true;
    logger.info({ signal, timeout_ms: timeoutMs }, 'shutting down');
    // Set once serving has stopped; what is left then is writing the last log lines, which a stalled stdout may never take.
    let exitCode: number | undefined;
    setTimeout(() => {
      if (exitCode === undefined) logger.error({ timeout_ms: timeoutMs }, 'shutdown did not finish within SHUTDOWN_TIMEOUT_MS; exiting now');
      proc.exit(exitCode ?? 1);
    }, timeoutMs);
    const finish = (code: number) => {
      exitCode = code;
      logger.flush(() => proc.exit(code));
    };
    stop(Math.floor(timeoutMs * REQUESTS_SHARE)).then(
      (clean) => {
        if (!clean) logger.warn('requests still running at the shutdown deadline were cut off');
        finish(0);
      },
      (err: unknown) => {
        logger.error({ failure: { name: (err as Error)?.name, message: (err as Error)?.message } }, 'shutdown failed');
        finish(1);
      },
    );
  };
  proc.on('SIGTERM', onSignal);
  proc.on('SIGINT', onSignal);
}
