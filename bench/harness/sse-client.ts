/** A streaming-request client that times what a ChatKit user sees: the first event, the first reply text, the end. */
import { request, Agent } from 'node:http';

export interface StreamTiming {
  firstEventMs: number;
  firstDeltaMs: number;
  totalMs: number;
  /** Set when the answer was not a complete reply (status, content type, an `error` event, no text). */
  failure?: string;
}

export function streamingAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

/** POSTs `body` and reads the `text/event-stream` answer to its end; `onFirstEvent` is called when the first bytes arrive. */
export function timeStream(url: string, body: string, headers: Record<string, string>, agent: Agent, onFirstEvent?: () => void): Promise<StreamTiming> {
  const started = performance.now();
  return new Promise((resolve) => {
    let firstEventMs = Number.NaN;
    let firstDeltaMs = Number.NaN;
    let sawError = false;
    let tail = '';
    const finish = (failure?: string) =>
      resolve({ firstEventMs, firstDeltaMs, totalMs: performance.now() - started, ...(failure ? { failure } : {}) });
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      if (res.statusCode !== 200 || !String(res.headers['content-type']).startsWith('text/event-stream')) {
        res.resume();
        res.on('end', () => finish(`status ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const now = performance.now() - started;
        if (Number.isNaN(firstEventMs)) {
          firstEventMs = now;
          onFirstEvent?.();
        }
        // Keep a little of the previous chunk so a marker split across chunks is still found.
        const text = tail + chunk;
        if (Number.isNaN(firstDeltaMs) && text.includes('content_part.text_delta')) firstDeltaMs = now;
        if (text.includes('"type":"error"')) sawError = true;
        tail = chunk.slice(-40);
      });
      res.on('end', () => finish(sawError ? 'error event' : Number.isNaN(firstDeltaMs) ? 'no reply text' : undefined));
    });
    req.on('error', (err) => finish(err.message));
    req.end(body);
  });
}
