/**
 * The ChatKit custom backend: `POST /api/chatkit` speaking ChatKit's server protocol per user, with threads in
 * SQLite and replies streamed from an OpenAI-compatible model. The token server mounts `router` at its root.
 */
import type express from 'express';
import type { Logger } from 'pino';
import type { Authenticate } from '../auth/principal.js';
import type { RateLimitStore } from '../stores/store.js';
import { ChatKitHandlers } from './handlers.js';
import { DEFAULT_LIMITS, type ChatKitLimits } from './limits.js';
import { createReplyModel } from './model/create-reply-model.js';
import type { ClientToolDefinition, ModelSettings } from './model/reply-model.js';
import { ReplyRunner } from './reply/reply-runner.js';
import { createChatKitRouter } from './router.js';
import { openSqliteThreadStore } from './store/sqlite-thread-store.js';

export type { ChatKitLimits } from './limits.js';
export type { ClientToolDefinition, ModelSettings } from './model/reply-model.js';
export { CHATKIT_PATH } from './router.js';

export interface ChatKitBackendOptions {
  /** Resolves the Authorization header to a principal, or throws HttpError 401. */
  authenticate: Authenticate;
  rateLimits: RateLimitStore;
  logger: Logger;
  /** SQLite file (e.g. `${DATA_DIR}/chatkit.sqlite`), created on first start; `:memory:` for tests. */
  databasePath: string;
  /** Null when CHATKIT_MODEL / OPENAI_API_KEY are not set: replies then explain what to set. */
  model: ModelSettings | null;
  limits?: Partial<ChatKitLimits>;
  /** Tools the browser runs (`onClientTool`); offered to the model, which may ask the client to run one. */
  clientTools?: ClientToolDefinition[];
}

export interface ChatKitBackend {
  router: express.Router;
  /** True while the database answers (for /readyz). */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export function createChatKitBackend(options: ChatKitBackendOptions): ChatKitBackend {
  const limits: ChatKitLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const logger = options.logger.child({ component: 'chatkit' });
  const store = openSqliteThreadStore(options.databasePath);
  const runner = new ReplyRunner({
    store,
    model: options.model ? createReplyModel(options.model, limits.modelTimeoutMs) : null,
    clientTools: options.clientTools ?? [],
    limits,
    logger,
  });
  const handlers = new ChatKitHandlers(store, runner, limits);
  return {
    router: createChatKitRouter({ authenticate: options.authenticate, rateLimits: options.rateLimits, handlers, limits, logger }),
    ready: () => store.ping().catch(() => false),
    close: () => store.close(),
  };
}
