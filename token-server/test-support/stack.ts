/**
 * The whole token-server test stack in one call: a JWKS server (Better Auth style), the OpenAI mock with
 * the hosted-session routes, and the app wired to both with hosted sessions, user auth and a public key.
 *
 *   const stack = await startStack();
 *   const token = await stack.userToken('user_1');
 *   await postJson(`${stack.url}/api/chatkit/start`, undefined, { authorization: `Bearer ${token}` });
 *   stack.sessions.list; stack.openai.fault({ kind: 'status', status: 500 }); await stack.close();
 */
import { startJwksServer, type JwksServer } from './jwks-server.js';
import { startOpenAIMock, type OpenAIMock } from './openai-mock.js';
import { MOCK_OPENAI_API_KEY, mockChatKitSessions, type ChatKitSessionsMock } from './openai-mock-sessions.js';
import { startTestApp, type TestAppOptions, type TestServer } from './start-app.js';

export const STACK_PUBLIC_KEY = 'pk_test';
export const STACK_SITE_ORIGIN = 'http://site.test:3000';
export const STACK_DOMAIN_KEY = 'domain_pk_test';
export const STACK_WORKFLOW_ID = 'wf_test_workflow';

export interface Stack {
  url: string;
  server: TestServer;
  jwks: JwksServer;
  openai: OpenAIMock;
  sessions: ChatKitSessionsMock;
  /** A Better-Auth-shaped EdDSA JWT for `sub`. */
  userToken(sub: string): Promise<string>;
  close(): Promise<void>;
}

export async function startStack({ env = {}, ...options }: TestAppOptions = {}): Promise<Stack> {
  const jwks = await startJwksServer();
  const sessions = mockChatKitSessions();
  const openai = await startOpenAIMock(sessions.routes);
  const server = await startTestApp({
    ...options,
    env: {
      AUTH_JWKS_URL: jwks.url,
      AUTH_ISSUER: jwks.issuer,
      AUTH_AUDIENCE: jwks.audience,
      OPENAI_API_KEY: MOCK_OPENAI_API_KEY,
      OPENAI_BASE_URL: openai.baseURL,
      CHATKIT_WORKFLOW_ID: STACK_WORKFLOW_ID,
      ALLOWED_ORIGINS: STACK_SITE_ORIGIN,
      PUBLIC_KEYS: `${STACK_PUBLIC_KEY}=${STACK_SITE_ORIGIN}`,
      CHATKIT_DOMAIN_KEY: STACK_DOMAIN_KEY,
      ...env,
    },
  });
  return {
    url: server.url,
    server,
    jwks,
    openai,
    sessions,
    userToken: (sub) => jwks.sign({ sub }),
    async close() {
      await server.close();
      await Promise.all([jwks.close(), openai.close()]);
    },
  };
}
