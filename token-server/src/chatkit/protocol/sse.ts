/** Server-sent events exactly as ChatKit reads them: `data: <json>\n\n` per event, no other fields, no sentinel. */
import type { Response } from 'express';
import type { StreamEvent } from './types.js';

export interface EventSink {
  send(event: StreamEvent): void;
  /** True once the client has gone away; later sends are dropped. */
  readonly closed: boolean;
}

export function openEventStream(res: Response): EventSink & { end(): void } {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream');
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  const isClosed = () => res.destroyed || res.writableEnded;
  return {
    send(event) {
      if (!isClosed()) res.write(`data: ${JSON.stringify(event)}\n\n`);
    },
    get closed() {
      return isClosed();
    },
    end() {
      if (!isClosed()) res.end();
    },
  };
}
