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
 * chunk once that pass is over (`process.nextTick`): one write and one chunk header instead of one per event.
 */
export function openEventStream(res: Response): EventSink & { end(): void } {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream');
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  const isClosed = () => res.destroyed || res.writableEnded;
  let pending = '';
  const flush = () => {
    const frames = pending;
    pending = '';
    if (frames && !isClosed()) res.write(frames);
  };
  return {
    send(event) {
      if (isClosed()) return;
      if (!pending) process.nextTick(flush);
      pending += `data: ${JSON.stringify(event)}\n\n`;
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
