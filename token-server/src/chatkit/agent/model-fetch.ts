/**
 * The `fetch` the model client uses: a request over `node:http` / `node:https` with a keep-alive agent, answered as
 * a standard `Response`. A reply holds its model stream open for as long as the model writes, and with thousands
 * of replies waiting on a slow model the transport is much of what each one holds: the bench measured an open model
 * stream through the global `fetch` (undici) at about 28 KB of heap, through this at about 12 KB. Only what the
 * `openai` SDK sends the model goes this way (a string body to an http(s) URL); any other request, and a redirect,
 * is left to the global `fetch`, so what the SDK sees is what it would see from `fetch`.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** Statuses whose response has no body (the `Response` constructor refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);
const REDIRECT = new Set([301, 302, 303, 307, 308]);
/** An idle connection to the model is closed after this long (a busy one is bounded by the SDK's timeout and the reply's watchdog). */
const IDLE_SOCKET_MS = 5_000;

const DECODERS: Record<string, () => NodeJS.ReadWriteStream> = { gzip: createGunzip, 'x-gzip': createGunzip, deflate: createInflate, br: createBrotliDecompress };

export function modelFetch(fallback: typeof fetch = fetch): typeof fetch {
  const agentOptions = { keepAlive: true, scheduling: 'lifo' as const, timeout: IDLE_SOCKET_MS };
  const transports = {
    'http:': { request: httpRequest, agent: new HttpAgent(agentOptions) },
    'https:': { request: httpsRequest, agent: new HttpsAgent(agentOptions) },
  };

  return (input, init = {}) => {
    const url = typeof input === 'string' ? URL.parse(input) : input instanceof URL ? input : undefined;
    const transport = url && (url.protocol === 'http:' || url.protocol === 'https:') ? transports[url.protocol] : undefined;
    const { body, signal } = init;
    if (!url || !transport || (body != null && typeof body !== 'string')) return fallback(input, init);
    if (signal?.aborted) return Promise.reject(signal.reason);

    return new Promise<Response>((resolve, reject) => {
      const headers: Record<string, string> = {};
      // The SDK passes a `Headers` already: read it as it is rather than copy it.
      (init.headers instanceof Headers ? init.headers : new Headers(init.headers)).forEach((value, name) => (headers[name] = value));
      // Streamed replies gain nothing from compression, and a decoder per open reply costs memory; an encoded answer is still decoded.
      headers['accept-encoding'] ??= 'identity';
      if (body != null) headers['content-length'] = String(Buffer.byteLength(body));
      const req = transport.request(url, { method: init.method ?? 'GET', headers, agent: transport.agent });
      let source: Readable | undefined;
      // As `fetch` does, an abort rejects (or errors the body being read) with the signal's reason.
      const onAbort = () => {
        source?.destroy(signal!.reason);
        req.destroy(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.once('close', () => signal?.removeEventListener('abort', onAbort));
      // `on`, not `once`: an abort after a failure must not be an unhandled error.
      req.on('error', (err) => reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: err })));
      req.once('response', (message) => {
        if (REDIRECT.has(message.statusCode ?? 0) && message.headers.location) {
          message.resume();
          resolve(fallback(input, init));
          return;
        }
        const response = toResponse(message);
        source = response.source;
        resolve(response.response);
      });
      req.end(body ?? undefined);
    });
  };
}

/** The `Response`, and the Node stream its body reads (absent when it has none). */
function toResponse(message: IncomingMessage): { response: Response; source?: Readable } {
  const status = message.statusCode ?? 502;
  const headers = new Headers();
  for (let i = 0; i < message.rawHeaders.length; i += 2) headers.append(message.rawHeaders[i]!, message.rawHeaders[i + 1]!);
  if (NULL_BODY.has(status)) {
    message.resume();
    return { response: new Response(null, { status, statusText: message.statusMessage, headers }) };
  }
  const decoder = DECODERS[(message.headers['content-encoding'] ?? '').trim().toLowerCase()];
  let source: Readable = message;
  if (decoder) {
    const decoding = decoder() as unknown as Readable;
    message.once('error', (err) => decoding.destroy(err));
    // A cancelled body (the reply was stopped) must close the connection too, not only the decoder.
    decoding.once('close', () => message.complete || message.destroy());
    source = message.pipe(decoding as unknown as NodeJS.WritableStream) as unknown as Readable;
  }
  return { response: new Response(Readable.toWeb(source) as ReadableStream<Uint8Array>, { status, statusText: message.statusMessage, headers }), source };
}
