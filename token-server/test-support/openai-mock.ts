/**
 * A local stand-in for the OpenAI HTTP API, served over real HTTP on an ephemeral loopback port, so the
 * real `openai` SDK is exercised end to end with `baseURL` pointed here. Route sets (hosted sessions,
 * model streams) are added by the files beside this one; faults are switched on per test.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** Set when the client went away before the answer was finished. */
  aborted: boolean;
}

export type MockHandler = (ctx: {
  req: IncomingMessage;
  res: ServerResponse;
  body: any;
  params: Record<string, string>;
  record: RecordedRequest;
}) => void | Promise<void>;

export interface MockRoute {
  method: string;
  /** A path like `/v1/chatkit/sessions/:id/cancel`. */
  path: string;
  handler: MockHandler;
}

/** Faults applied to the next matching requests (all of them while `times` is undefined). */
export interface Fault {
  kind: 'slow' | 'status' | 'reset' | 'html';
  /** `status`: the HTTP status to answer (e.g. 500, 429). */
  status?: number;
  /** `status` 429: the Retry-After header to send (default `1`). */
  retryAfter?: string;
  /** `slow`: delay before answering, in ms. */
  delayMs?: number;
  /** Only requests whose path starts with this. */
  pathPrefix?: string;
  times?: number;
}

export interface OpenAIMock {
  url: string;
  /** Base URL for the SDK (`.../v1`). */
  baseURL: string;
  requests: RecordedRequest[];
  fault(fault: Fault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

function match(pattern: string, path: string): Record<string, string> | null {
  const a = pattern.split('/');
  const b = path.split('/');
  if (a.length !== b.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    const p = a[i]!;
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(b[i]!);
    else if (p !== b[i]) return null;
  }
  return params;
}

/** JSON parsed, other text as text; multipart bodies (file uploads) stay bytes for their route to read. */
async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (req.headers['content-type']?.startsWith('multipart/')) return Buffer.concat(chunks);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startOpenAIMock(routes: MockRoute[]): Promise<OpenAIMock> {
  const requests: RecordedRequest[] = [];
  let faults: Fault[] = [];
  const sockets = new Set<import('node:net').Socket>();

  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const record: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body: undefined, aborted: false };
    requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.aborted = true;
    });
    record.body = await readBody(req);

    const fault = faults.find((f) => !f.pathPrefix || path.startsWith(f.pathPrefix));
    if (fault) {
      if (fault.times !== undefined && --fault.times <= 0) faults = faults.filter((f) => f !== fault);
      if (fault.kind === 'reset') return req.socket.destroy();
      if (fault.kind === 'slow') {
        // Ends early when the client goes away, so a hung request leaves no timer behind.
        await new Promise<void>((r) => {
          const timer = setTimeout(r, fault.delayMs ?? 60_000);
          res.on('close', () => {
            clearTimeout(timer);
            r();
          });
        });
      }
      if (fault.kind === 'html') {
        res.writeHead(fault.status ?? 200, { 'content-type': 'text/html' });
        return res.end('<html><body><h1>Bad gateway</h1></body></html>');
      }
      if (fault.kind === 'status') {
        const status = fault.status ?? 500;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (status === 429) headers['retry-after'] = fault.retryAfter ?? '1';
        res.writeHead(status, headers);
        return res.end(JSON.stringify({ error: { message: `mock fault ${status}`, type: 'mock_error' } }));
      }
      if (res.destroyed) return;
    }

    for (const route of routes) {
      if (route.method !== req.method) continue;
      const params = match(route.path, path);
      if (!params) continue;
      try {
        await route.handler({ req, res, body: record.body, params, record });
      } catch (err) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(err) } }));
      }
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `mock has no route for ${req.method} ${path}` } }));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // A large backlog: a server with thousands of replies open connects to the model in bursts (the bench's streams).
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4_096 }, resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    requests,
    fault: (f) => faults.push({ ...f }),
    clearFaults: () => {
      faults = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
