/**
 * The ChatKit custom backend: `POST /api/chatkit` speaking ChatKit's server protocol per user, with threads in
 * SQLite (or a `ThreadStore` given, e.g. PostgreSQL) and replies from an agent (the Agents SDK on an OpenAI-compatible
 * model, with MCP servers, hosted tools and the page's client tools). The token server mounts `router` at its root.
 */
import type express from 'express';
import type { Logger } from 'pino';
import type { Authenticate } from '../auth/principal.js';
import type { ServerKeys } from '../auth/server-keys.js';
import { systemClock, type Clock } from '../clock.js';
import { clientAddress, consumeRateLimit } from '../http/rate-limit.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import { memoryReplyLocks } from '../stores/memory-store.js';
import type { RateLimitStore, ReplyLockStore } from '../stores/store.js';
import { DEFAULT_AGENT_CONFIG, type AgentConfig, type ClientToolDefinition, type ModelSettings } from './agent/agent-config.js';
import { AgentRuntime } from './agent/agent-runtime.js';
import type { AgentSource } from './agent/agent-source.js';
import type { ModelChoice } from '../config.js';
import { ActionRegistry, type ActionHandler } from './actions/action-registry.js';
import { APPROVAL_ACTION } from './actions/approvals.js';
import type { AttachmentConfig } from './attachments/attachment-config.js';
import { AttachmentService } from './attachments/attachment-service.js';
import type { AttachmentStorage } from './attachments/attachment-storage.js';
import { createAttachmentTokens } from './attachments/attachment-tokens.js';
import { startOrphanSweep } from './attachments/orphan-sweep.js';
import { attachmentRoutes } from './attachments/upload-routes.js';
import { describeCapabilities, type Capabilities } from './capabilities.js';
import { ComposerChoices } from './composer-tools.js';
import { ChatKitHandlers } from './handlers.js';
import { DEFAULT_LIMITS, type ChatKitLimits } from './limits.js';
import { createMcpHub } from './mcp/mcp-tools.js';
import type { McpStatus } from './mcp/mcp-connection.js';
import { ReplyRunner } from './reply/reply-runner.js';
import { createChatKitRouter } from './router.js';
import { openSqliteThreadStore } from './store/sqlite-thread-store.js';
import type { ThreadStore } from './store/thread-store.js';
import { Transcriber } from './transcription.js';
import { startVisitorRetention } from './visitor-retention.js';

export type { AgentConfig, ClientToolDefinition, HostedToolConfig, ModelSettings } from './agent/agent-config.js';
export type { AgentContext, AgentSource } from './agent/agent-source.js';
export type { ChatKitLimits } from './limits.js';
export { ActionError, type ActionContext, type ActionHandler, type StreamingActionContext } from './actions/action-registry.js';
export type { Capabilities } from './capabilities.js';
export { capabilitiesRoutes, CAPABILITIES_PATH } from './capabilities-routes.js';
export type { StructuredInputItem, StructuredInputQuestion, WidgetItem, WidgetRoot } from './protocol/types.js';
export { structuredInputItem } from './protocol/structured-input.js';
export { CHATKIT_PATH } from './router.js';

export interface ChatKitBackendOptions {
  /** Resolves the Authorization header to a principal, or throws HttpError 401. */
  authenticate: Authenticate;
  rateLimits: RateLimitStore;
  logger: Logger;
  /** Where threads live; the backend closes it. Default: SQLite at `databasePath`. */
  threadStore?: ThreadStore;
  /** SQLite file (e.g. `${DATA_DIR}/chatkit.sqlite`), created on first start; `:memory:` for tests. */
  databasePath?: string;
  /** One reply at a time per thread, and stop requests; shared (Redis) for several instances. Default: this process. */
  replyLocks?: ReplyLockStore;
  /** Null when neither OPENAI_API_KEY nor OPENAI_BASE_URL is set: replies then explain what to set. */
  model: ModelSettings | null;
  /** Tools, MCP servers and their bounds; none by default. */
  agent?: Partial<AgentConfig>;
  /** An agent from code (`createApp(config, { agent })`) or `CHATKIT_AGENT_MODULE`; the configured one otherwise. */
  agentSource?: AgentSource;
  /** Signs the user tokens forwarded to `forward_user` MCP servers; needed only when one is configured. */
  serverKeys?: ServerKeys;
  /** `iss` of forwarded user tokens (`PUBLIC_URL`). */
  publicUrl?: string;
  limits?: Partial<ChatKitLimits>;
  /** The model picker's choices (`CHATKIT_MODELS`); none when the picker is off. */
  models?: ModelChoice[];
  /** Dictation's transcription model (`CHATKIT_TRANSCRIBE_MODEL`); dictation is off when absent. */
  transcribeModel?: string;
  /** Widget action handlers (`threads.custom_action`, `threads.sync_custom_action`) by action type. */
  actions?: ActionHandler[];
  /** Tools the browser runs (`onClientTool`); offered to the model, which may ask the client to run one. */
  clientTools?: ClientToolDefinition[];
  /** The client's per-IP rate-limit key; default the client IP with IPv6 grouped by /64. */
  clientAddress?: (req: express.Request) => string;
  /** Anonymous visitors idle this many days are deleted with their threads (default 30; 0 keeps them). */
  visitorRetentionDays?: number;
  clock?: Clock;
  /** Where replies, model and tool calls and open streams are counted; a registry of its own when absent. */
  metrics?: Metrics;
  /**
   * Attachments (`CHATKIT_ATTACHMENTS`): accepted types and bounds, where the bytes go, and the key that signs their
   * upload and preview URLs (the server's signing key, the same on every instance). Off when absent.
   */
  attachments?: { config: AttachmentConfig; storage: AttachmentStorage; signingKey: Uint8Array };
}

export interface ChatKitBackend {
  router: express.Router;
  /** The upload, direct upload and preview routes; absent when attachments are off. Mount before any body parser. */
  attachmentRouter?: express.Router;
  /** True while the database answers (for /readyz). */
  ready(): Promise<boolean>;
  /** Each MCP server and whether it is connected (for /readyz). */
  mcpStatus(): McpStatus[];
  /** For shutdown: running replies stop, keep their partial answer and end with a retryable `error` event. */
  interruptReplies(): void;
  /** What `GET /api/chatkit/capabilities` answers. */
  capabilities: Capabilities;
  /** Which database holds the threads (for /readyz). */
  storeKind: ThreadStore['kind'];
  close(): Promise<void>;
}

/** A user keeps at most this many files' worth of attachments (20 x CHATKIT_ATTACHMENT_MAX_BYTES, 200 MiB by default). */
export const ATTACHMENT_FILES_PER_USER = 20;

export function createChatKitBackend(options: ChatKitBackendOptions): ChatKitBackend {
  // Checked before anything is opened: a bad handler list stops the start and leaves nothing running.
  const actions = withApprovalsReserved(options.actions ?? []);
  const limits: ChatKitLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const agentConfig: AgentConfig = { ...DEFAULT_AGENT_CONFIG, ...options.agent };
  const logger = options.logger.child({ component: 'chatkit' });
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? createMetrics();
  const store = options.threadStore ?? openSqliteThreadStore(options.databasePath ?? ':memory:', { clock });
  const replyLocks = options.replyLocks ?? memoryReplyLocks();
  const forwardsUsers = agentConfig.mcpServers.some((server) => server.transport === 'http' && server.forwardUser);
  if (forwardsUsers && !(options.serverKeys && options.publicUrl))
    throw new Error('An MCP server with forward_user needs the server keys and PUBLIC_URL (the issuer of the tokens it receives).');
  const mcp =
    agentConfig.mcpServers.length > 0
      ? createMcpHub(agentConfig.mcpServers, {
          logger,
          keys: options.serverKeys!,
          issuer: options.publicUrl ?? '',
          toolTimeoutMs: agentConfig.toolTimeoutMs,
          toolOutputMaxChars: agentConfig.toolOutputMaxChars,
        })
      : undefined;
  void mcp?.warmUp();
  const agents = options.model
    ? new AgentRuntime({
        model: options.model,
        modelTimeoutMs: limits.modelTimeoutMs,
        config: agentConfig,
        agent: options.agentSource,
        mcp,
        clientTools: options.clientTools ?? [],
      })
    : null;
  const modelApi = options.model?.api ?? 'responses';
  const files = options.attachments;
  const attachments =
    files &&
    new AttachmentService({
      config: files.config,
      store,
      storage: files.storage,
      tokens: createAttachmentTokens(files.signingKey, clock),
      clock,
      maxAttachmentBytesPerUser: ATTACHMENT_FILES_PER_USER * files.config.maxBytes,
    });
  const choices = new ComposerChoices(agentConfig.hostedTools, agentConfig.mcpServers, options.models ?? [], options.model?.model ?? '');
  const transcriber =
    options.model && options.transcribeModel
      ? new Transcriber({ model: options.model, transcribeModel: options.transcribeModel, timeoutMs: limits.transcribeTimeoutMs, maxAudioBytes: limits.maxAudioBytes, logger, metrics })
      : undefined;
  const dictationOff = options.transcribeModel
    ? 'Dictation needs the model service: the server operator must set OPENAI_API_KEY (or OPENAI_BASE_URL).'
    : 'Dictation is off on this server; the server operator turns it on with CHATKIT_TRANSCRIBE_MODEL.';
  const runner = new ReplyRunner({
    store,
    agents,
    limits,
    logger,
    metrics,
    choices,
    attachments: attachments && { api: modelApi, read: (userId, id) => attachments.readBytes(userId, id) },
  });
  const handlers = new ChatKitHandlers(store, runner, limits, metrics, replyLocks, {
    choices,
    actions,
    transcriber,
    dictationOff,
    attachments: attachments && { service: attachments, modelApi },
  });
  const retention = startVisitorRetention({
    store,
    retentionDays: options.visitorRetentionDays ?? 30,
    clock,
    logger,
    onUsersDeleted: files && (async (userIds) => {
      for (const userId of userIds) await files.storage.removeUser(userId);
    }),
  });
  const sweep = files && startOrphanSweep({ store, storage: files.storage, clock, logger });
  const shutdown = new AbortController();
  return {
    router: createChatKitRouter({
      authenticate: options.authenticate,
      rateLimits: options.rateLimits,
      handlers,
      limits,
      logger,
      clientAddress: options.clientAddress ?? ((req) => clientAddress(req, 64)),
      metrics,
      shuttingDown: shutdown.signal,
      publicUrl: options.publicUrl,
      audioBodyBytes: transcriber ? Math.ceil(limits.maxAudioBytes / 3) * 4 + 1024 : 0,
    }),
    attachmentRouter:
      attachments &&
      attachmentRoutes({
        service: attachments,
        authenticate: options.authenticate,
        limitUser: (userId) =>
          consumeRateLimit(options.rateLimits, { name: 'chatkit:req', limit: limits.requestsPerMinute, windowMs: 60_000, what: 'chat requests' }, userId),
        maxBytes: files.config.maxBytes,
        publicUrl: options.publicUrl,
      }),
    ready: () => store.ping().catch(() => false),
    mcpStatus: () => mcp?.status() ?? [],
    interruptReplies: () => shutdown.abort(),
    capabilities: describeCapabilities({ attachments: files?.config, dictation: Boolean(transcriber), choices }),
    storeKind: store.kind,
    close: async () => {
      await mcp?.close();
      await retention.stop();
      await sweep?.stop();
      await store.close();
    },
  };
}

/** The site's handlers, checked as a registry beside the approvals' type, which only the approvals may handle. */
function withApprovalsReserved(actions: ActionHandler[]): ActionHandler[] {
  new ActionRegistry([{ type: APPROVAL_ACTION, handle: async () => {} }, ...actions]);
  return actions;
}
