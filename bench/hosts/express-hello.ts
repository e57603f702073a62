/**
 * The baseline server: bare Express 5 with no middleware, a JSON "hello" route for the token-server figures, the
 * same with one (or two) `openai` SDK calls to the mock (the floor under `/start` and `/refresh`), and a
 * server-sent-events route that writes the scripted reply's ChatKit events for the backend figures.
 */
import express from 'express';
import OpenAI from 'openai';
import type { AddressInfo } from 'node:net';
import { announceListening } from '../harness/ipc.js';
import { replyEvents } from '../harness/scripted-reply.js';

const app = express();

app.post('/hello', (_req, res) => {
  res.json({ hello: 'world' });
});

// The product's session client options (token-server/src/hosted/session-client.ts: short timeout, one retry) and the
// same request it sends (the default CHATKIT_SESSION_TTL), so the mock does the same work for both; what the product
// adds around the call (its total deadline, the Retry-After guard, the answer's shape check) is its own cost.
const openai = new OpenAI({ apiKey: process.env.BENCH_OPENAI_API_KEY ?? 'unset', baseURL: process.env.BENCH_OPENAI_BASE_URL, timeout: 5_000, maxRetries: 1 });
const SESSION_TTL_SECONDS = 600;
app.post('/sdk-session', async (req, res) => {
  const session = await openai.beta.chatkit.sessions.create({
    user: 'user_bench',
    workflow: { id: 'wf_bench' },
    expires_after: { anchor: 'created_at', seconds: SESSION_TTL_SECONDS },
  });
  if (req.query.cancel) await openai.beta.chatkit.sessions.cancel(session.id);
  res.json({ client_secret: session.client_secret, expires_at: session.expires_at });
});

let threads = 0;
app.post('/stream', (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  for (const event of replyEvents(`thr_${++threads}`)) res.write(`data: ${JSON.stringify(event)}\n\n`);
  res.end();
});

const server = app.listen(0, '127.0.0.1', () => {
  announceListening(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
