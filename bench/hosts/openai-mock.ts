/**
 * The local OpenAI API for the bench, in its own process: the project's mock core with the hosted-session and
 * scripted-model route sets, plus the bench identity's JWKS. Zero latency unless the parent asks for some, or
 * `BENCH_DELTA_DELAY_MS` makes the model stream slowly (a pause before each chunk).
 */
import { announceListening, type ParentMessage } from '../harness/ipc.js';
import { REPLY_DELTAS } from '../harness/scripted-reply.js';
import { startOpenAIMock } from '../../token-server/test-support/openai-mock.js';
import { mockChatKitSessions } from '../../token-server/test-support/openai-mock-sessions.js';
import { scriptedModel } from '../../token-server/test-support/openai-mock-model.js';

const jwks = process.env.BENCH_JWKS ?? '{"keys":[]}';
const deltaDelayMs = Number(process.env.BENCH_DELTA_DELAY_MS ?? 0);

/** The agent figures: when the `echo` tool is offered and not yet answered, call it once; then the usual reply. */
function toolCallWhenOffered(body: any) {
  const offered = (body.tools ?? []).some((tool: { name?: string }) => tool.name === 'echo');
  const answered = (body.input ?? []).some((item: { type?: string }) => item.type === 'function_call_output');
  return offered && !answered ? { deltas: [], toolCall: { name: 'echo', arguments: '{"text":"bench"}' } } : undefined;
}
const sessions = mockChatKitSessions();
const mock = await startOpenAIMock([
  ...sessions.routes,
  ...scriptedModel({ deltas: REPLY_DELTAS, delayMs: deltaDelayMs }, toolCallWhenOffered).routes,
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
