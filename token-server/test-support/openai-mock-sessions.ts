/**
 * The hosted-session route set for `startOpenAIMock`: `POST /v1/chatkit/sessions` and
 * `POST /v1/chatkit/sessions/:id/cancel`, answering like the real API and recording every session.
 *
 *   const sessions = mockChatKitSessions();
 *   const mock = await startOpenAIMock(sessions.routes);   // faults: mock.fault({ kind: 'slow' | 'status' | 'reset' | 'html' })
 *   ... sessions.list[0].user, sessions.list[0].cancelled, sessions.bySecret(secret)
 */
import { randomBytes } from 'node:crypto';
import type { MockRoute } from './openai-mock.js';

export interface MockSession {
  id: string;
  user: string;
  workflowId: string;
  client_secret: string;
  expires_at: number;
  cancelled: boolean;
}

export interface ChatKitSessionsMock {
  routes: MockRoute[];
  /** Every session created, in order. */
  list: MockSession[];
  bySecret(secret: string): MockSession | undefined;
}

/** Only requests with this API key are answered; the real API answers 401 to anything else. */
export const MOCK_OPENAI_API_KEY = 'sk-test-mock-key';

function sessionJson(s: MockSession) {
  return {
    id: s.id,
    object: 'chatkit.session',
    client_secret: s.client_secret,
    expires_at: s.expires_at,
    status: s.cancelled ? 'cancelled' : 'active',
    user: s.user,
    workflow: { id: s.workflowId, version: null, state_variables: null, tracing: { enabled: true } },
    rate_limits: { max_requests_per_1_minute: 10 },
    max_requests_per_1_minute: 10,
    chatkit_configuration: { automatic_thread_titling: { enabled: true }, file_upload: { enabled: false }, history: { enabled: true } },
  };
}

export function mockChatKitSessions(): ChatKitSessionsMock {
  const list: MockSession[] = [];
  const json = (res: Parameters<MockRoute['handler']>[0]['res'], status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const authorized: (ctx: Parameters<MockRoute['handler']>[0]) => boolean = ({ req, res }) => {
    if (req.headers.authorization === `Bearer ${MOCK_OPENAI_API_KEY}` && req.headers['openai-beta'] === 'chatkit_beta=v1') return true;
    json(res, 401, { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error' } });
    return false;
  };

  const routes: MockRoute[] = [
    {
      method: 'POST',
      path: '/v1/chatkit/sessions',
      handler: (ctx) => {
        if (!authorized(ctx)) return;
        const { user, workflow, expires_after } = ctx.body ?? {};
        if (typeof user !== 'string' || !user || typeof workflow?.id !== 'string') {
          return json(ctx.res, 400, { error: { message: 'user and workflow.id are required', type: 'invalid_request_error' } });
        }
        const session: MockSession = {
          id: `cksess_${randomBytes(8).toString('hex')}`,
          user,
          workflowId: workflow.id,
          client_secret: `ek_${randomBytes(16).toString('hex')}`,
          expires_at: Math.floor(Date.now() / 1000) + (expires_after?.seconds ?? 600),
          cancelled: false,
        };
        list.push(session);
        json(ctx.res, 200, sessionJson(session));
      },
    },
    {
      method: 'POST',
      path: '/v1/chatkit/sessions/:id/cancel',
      handler: (ctx) => {
        if (!authorized(ctx)) return;
        const session = list.find((s) => s.id === ctx.params.id);
        if (!session) return json(ctx.res, 404, { error: { message: 'No such session', type: 'invalid_request_error' } });
        session.cancelled = true;
        json(ctx.res, 200, sessionJson(session));
      },
    },
  ];
  return { routes, list, bySecret: (secret) => list.find((s) => s.client_secret === secret) };
}
