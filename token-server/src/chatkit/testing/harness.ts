/**
 * Test harness for the ChatKit backend: the real router on an ephemeral loopback port, real HS256 JWTs checked
 * by jose, the real `openai` SDK pointed at the scripted model mock, and helpers that speak the protocol.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DEFAULT_ATTACHMENT_MAX_BYTES,
  DEFAULT_ATTACHMENT_MAX_COUNT,
  type AttachmentConfig,
} from '../attachments/attachment-config.js';
import type { AttachmentStorage } from '../attachments/attachment-storage.js';
import express from 'express';
import { SignJWT, jwtVerify } from 'jose';
import pino from 'pino';
import type { Authenticate } from '../../auth/principal.js';
import { HttpError } from '../../http/errors.js';
import type { Metrics } from '../../metrics/metrics.js';
import { createMemoryStores } from '../../stores/memory-store.js';
import { startOpenAIMock, type OpenAIMock } from '../../../test-support/openai-mock.js';
import { scriptedModel, type ModelScript, type ScriptedModel } from '../../../test-support/openai-mock-model.js';
import { transcriptionRoutes } from '../../../test-support/openai-mock-audio.js';
import { createServerKeys, jwksRoutes, JWKS_PATH, type ServerKeys } from '../../auth/server-keys.js';
import {
  createChatKitBackend,
  type ActionHandler,
  type AgentConfig,
  type AgentSource,
  type ChatKitBackend,
  type ChatKitLimits,
  type ClientToolDefinition,
} from '../index.js';
import type { ModelChoice } from '../../config.js';
import type { StreamEvent } from '../protocol/types.js';

export const API_KEY = 'sk-test-canary-0123456789';

/** Verifies `Authorization: Bearer <HS256 JWT>` with jose; the claim `kind` says user or visitor. */
export function hs256Authenticate(secret: Uint8Array): Authenticate {
  return async (authorization) => {
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    if (!token) throw new HttpError(401, 'missing_token', 'Send "Authorization: Bearer <token>".');
    try {
      const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] });
      return { userId: payload.sub!, kind: payload.kind === 'visitor' ? 'visitor' : 'user' };
    } catch {
      throw new HttpError(401, 'invalid_token', 'The token is not valid.');
    }
  };
}

export interface BackendOptions {
  /** Which API the model speaks; `null` runs without a model. */
  api?: 'responses' | 'chat_completions' | null;
  databasePath?: string;
  limits?: Partial<ChatKitLimits>;
  clientTools?: ClientToolDefinition[];
  defaultScript?: ModelScript;
  /** Where the backend counts (a registry of its own when absent). */
  metrics?: Metrics;
  /**
   * The agent's tools and bounds, made once the harness listens: MCP servers that verify forwarded tokens need
   * its JWKS URL (`{url}/.well-known/jwks.json`).
   */
  agent?: (harness: { url: string; jwksUrl: string }) => Promise<Partial<AgentConfig>> | Partial<AgentConfig>;
  agentSource?: AgentSource;
  /** The server's signing key (the same one across a restart keeps forwarded tokens verifiable). */
  signingKey?: Uint8Array;
  /** Turns attachments on, with these bounds, in this storage. */
  attachments?: { config: Partial<AttachmentConfig>; storage: AttachmentStorage };
  /** The model picker's entries (the default model is `mock-model`). */
  models?: ModelChoice[];
  /** Turns dictation on with this transcription model. */
  transcribeModel?: string;
  actions?: ActionHandler[];
}

/** `iss` of the tokens the harness forwards to MCP servers (its stand-in for PUBLIC_URL). */
export const HARNESS_PUBLIC_URL = 'http://chat.test';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON for JSON answers. */
  body: any;
  /** Parsed events for `text/event-stream` answers. */
  events: StreamEvent[];
}

/** Splits an SSE body into events, failing on anything but exact `data: <json>\n\n` framing. */
export function parseEvents(text: string): StreamEvent[] {
  if (text === '') return [];
  if (!text.endsWith('\n\n')) throw new Error(`stream does not end with a blank line: ${JSON.stringify(text.slice(-40))}`);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((frame) => {
      if (!frame.startsWith('data: ') || frame.includes('\n')) throw new Error(`bad SSE frame: ${JSON.stringify(frame)}`);
      return JSON.parse(frame.slice('data: '.length)) as StreamEvent;
    });
}

export interface Harness {
  url: string;
  mock: OpenAIMock;
  model: ScriptedModel;
  backend: ChatKitBackend;
  serverKeys: ServerKeys;
  logs(): string;
  tokenFor(userId: string, kind?: 'user' | 'visitor'): Promise<string>;
  /** POSTs a ChatKit request as `userId` (a string body is sent as is). */
  call(userId: string, body: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** Opens a streaming request and returns its event reader and an abort switch. */
  open(userId: string, body: unknown): Promise<{ next(): Promise<StreamEvent | undefined>; abort(): void }>;
  /** Stops the HTTP server and closes the database; the model mock stays up (for a restart on the same file). */
  stop(): Promise<void>;
  close(): Promise<void>;
}

const userInput = (text: string) => ({ content: [{ type: 'input_text', text }], attachments: [], inference_options: {} });
export const createThread = (text: string) => ({ type: 'threads.create', params: { input: userInput(text) } });
export const addMessage = (threadId: string, text: string) => ({ type: 'threads.add_user_message', params: { thread_id: threadId, input: userInput(text) } });

async function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function startBackend(options: BackendOptions = {}, shared?: { mock: OpenAIMock; model: ScriptedModel }): Promise<Harness> {
  const model = shared?.model ?? scriptedModel(options.defaultScript);
  const mock = shared?.mock ?? (await startOpenAIMock([...model.routes, ...transcriptionRoutes()]));
  const secret = randomBytes(32);
  const lines: string[] = [];
  const api = options.api === undefined ? 'responses' : options.api;
  const serverKeys = await createServerKeys(options.signingKey ?? randomBytes(32), { now: () => Date.now() });
  // Listen first: the agent's MCP servers may need this server's JWKS URL.
  const app = express();
  let handler: express.RequestHandler = (_req, res) => void res.status(503).end();
  app.use(jwksRoutes(serverKeys));
  app.use((req, res, next) => handler(req, res, next));
  const { server, url } = await listen(app);
  const agent = await options.agent?.({ url, jwksUrl: `${url}${JWKS_PATH}` });
  const backend = createChatKitBackend({
    authenticate: hs256Authenticate(secret),
    rateLimits: createMemoryStores({ clock: { now: () => Date.now() } }).rateLimits,
    logger: pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) }),
    databasePath: options.databasePath ?? ':memory:',
    model: api && { apiKey: API_KEY, baseURL: mock.baseURL, model: 'mock-model', instructions: 'Be brief.', api },
    limits: { modelTimeoutMs: 2_000, modelIdleTimeoutMs: 2_000, ...options.limits },
    clientTools: options.clientTools,
    metrics: options.metrics,
    agent,
    agentSource: options.agentSource,
    serverKeys,
    publicUrl: HARNESS_PUBLIC_URL,
    attachments: options.attachments && {
      config: {
        accept: ['image/*', 'application/pdf', 'text/plain'],
        maxBytes: DEFAULT_ATTACHMENT_MAX_BYTES,
        maxCount: DEFAULT_ATTACHMENT_MAX_COUNT,
        storage: { kind: 'disk' },
        ...options.attachments.config,
      },
      storage: options.attachments.storage,
      signingKey: options.signingKey ?? randomBytes(32),
    },
    models: options.models,
    transcribeModel: options.transcribeModel,
    actions: options.actions,
  });
  const routes = express.Router().use(backend.router);
  if (backend.attachmentRouter) routes.use(backend.attachmentRouter);
  handler = routes;

  const tokenFor = (userId: string, kind: 'user' | 'visitor' = 'user') =>
    new SignJWT({ kind }).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setExpirationTime('5m').sign(secret);
  const post = async (userId: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
    fetch(`${url}/api/chatkit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(userId)}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal,
    });

  const stop = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await backend.close();
  };
  return {
    url,
    mock,
    model,
    backend,
    serverKeys,
    logs: () => lines.join(''),
    tokenFor,
    async call(userId, body, headers) {
      const res = await post(userId, body, headers);
      const text = await res.text();
      const isStream = res.headers.get('content-type')?.startsWith('text/event-stream');
      return { status: res.status, headers: res.headers, text, body: isStream ? undefined : JSON.parse(text), events: isStream ? parseEvents(text) : [] };
    },
    async open(userId, body) {
      const controller = new AbortController();
      const res = await post(userId, body, {}, controller.signal);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffered = '';
      return {
        async next() {
          for (;;) {
            const end = buffered.indexOf('\n\n');
            if (end >= 0) {
              const frame = buffered.slice(0, end);
              buffered = buffered.slice(end + 2);
              return parseEvents(`${frame}\n\n`)[0];
            }
            const { value, done } = await reader.read();
            if (done) return undefined;
            buffered += decoder.decode(value, { stream: true });
          }
        },
        abort: () => controller.abort(),
      };
    },
    stop,
    async close() {
      await stop();
      if (!shared) await mock.close();
    },
  };
}

/** The id of the thread a `threads.create` stream created. */
export function threadIdOf(events: StreamEvent[]): string {
  const created = events.find((e) => e.type === 'thread.created');
  if (created?.type !== 'thread.created') throw new Error(`no thread.created in ${JSON.stringify(events.map((e) => e.type))}`);
  return created.thread.id;
}

/** Polls `check` until it returns a value (bounded; for state written after a disconnect). */
export async function eventually<T>(check: () => Promise<T | undefined>, attempts = 100): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not met');
}
