/**
 * The baseline server: bare Express 5 with no middleware, a JSON "hello" route for the token-server figures and
 * a server-sent-events route that writes the scripted reply's ChatKit events for the backend figures.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { announceListening } from '../harness/ipc.js';
import { replyEvents } from '../harness/scripted-reply.js';

const app = express();

app.post('/hello', (_req, res) => {
  res.json({ hello: 'world' });
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
