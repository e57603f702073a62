/**
 * The local OpenAI API for the bench, in its own process: the project's mock core with the hosted-session and
 * scripted-model route sets, plus the bench identity's JWKS. Zero latency unless the parent asks for some.
 */
import { announceListening, type ParentMessage } from '../harness/ipc.js';
import { REPLY_DELTAS } from '../harness/scripted-reply.js';
import { startOpenAIMock } from '../../token-server/test-support/openai-mock.js';
import { mockChatKitSessions } from '../../token-server/test-support/openai-mock-sessions.js';
import { scriptedModel } from '../../token-server/test-support/openai-mock-model.js';

const jwks = process.env.BENCH_JWKS ?? '{"keys":[]}';
const sessions = mockChatKitSessions();
const mock = await startOpenAIMock([
  ...sessions.routes,
  ...scriptedModel({ deltas: REPLY_DELTAS }).routes,
  {
    method: 'GET',
    path: '/jwks.json',
    handler: ({ res }) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(jwks);
    },
  },
]);

// The mock records every request and session for tests to inspect; in a bench that would grow without bound
// (and make each cancel, which searches the sessions, slower). Refreshes cancel recent sessions only.
const KEEP_SESSIONS = 5_000;
setInterval(() => {
  mock.requests.length = 0;
  sessions.list.splice(0, Math.max(0, sessions.list.length - KEEP_SESSIONS));
}, 1_000).unref();

process.on('message', (message: ParentMessage) => {
  if (message.type !== 'latency') return;
  mock.clearFaults();
  // Applies to every path: sessions, model streams and the JWKS alike.
  if (message.ms > 0) mock.fault({ kind: 'slow', delayMs: message.ms });
});

announceListening(mock.url);
