/** Server-sent events exactly as ChatKit reads them: `data: <json>\n\n` per event, no other fields, no sentinel. */
import type { Response } from 'express';
import type { StreamEvent } from './types.js';

export interface EventSink {
  send(event: StreamEvent): void;
  /** True once the client has gone away; later sends are dropped. */
  readonly closed: boolean;
}

/**
 * Events sent in one pass of the event loop (a model chunk often carries several deltas) go out in order as one
 * chunk once that pass is over (`process.nextTick`): one write and one chunk header instead of one per event. The
 * headers go out with the first chunk, in the same write; when the stream has nothing to send by the end of the
 * pass in which it opened (its first event waits on I/O), they go out alone, so the client still learns at once.
 */
export function openEventStream(res: Response): EventSink & { end(): void } {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream');
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('X-Accel-Buffering', 'no');
  const isClosed = () => res.destroyed || res.writableEnded;
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const frames = pending;
    pending = '';
    if (isClosed()) return;
    if (frames) res.write(frames);
    else if (!res.headersSent) res.flushHeaders();
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    process.nextTick(flush);
  };
  schedule();
  return {
    send(event) {
      if (isClosed()) return;
      pending += `data: ${JSON.stringify(event)}\n\n`;
      schedule();
    },
    get closed() {
      return isClosed();
    },
    end() {
      const frames = pending;
      pending = '';
      if (!isClosed()) res.end(frames);
    },
  };
}
