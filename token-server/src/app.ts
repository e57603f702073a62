/**
 * Builds the token server's Express app from a parsed `Config`; listening is `server.ts`'s job, so
 * tests run the same app on an ephemeral port. `deps` lets tests inject the log destination, stores,
 * clock, the fetch used for JWKS, and options for the OpenAI client.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { ClientOptions } from 'openai';
import type { DestinationStream, Logger } from 'pino';
import { createAuthenticate } from './auth/authenticate.js';
import type { Authenticate } from './auth/principal.js';
import { createServerKeys, jwksRoutes } from './auth/server-keys.js';
import { loadSigningKey } from './auth/signing-key.js';
import { createUserTokenVerifier } from './auth/user-tokens.js';
import { createVisitorTokens } from './auth/visitor-tokens.js';
import { loadAgentModule } from './chatkit/agent/agent-source.js';
import { CHATKIT_PATH, capabilitiesRoutes, createChatKitBackend, type ActionHandler, type AgentSource } from './chatkit/index.js';
import { DIRECT_UPLOAD_PATH } from './chatkit/attachments/attachment-service.js';
import { openAttachmentStorage } from './chatkit/attachments/attachment-storage.js';
import { openPostgresThreadStore } from './chatkit/store/postgres-thread-store.js';
import { systemClock, type Clock } from './clock.js';
import { ConfigError, hostedEnabled, modelEnabled, type Config } from './config.js';
import { healthRoutes, type Feature } from './health/routes.js';
import { createHostedSessions } from './hosted/hosted-sessions.js';
import { HOSTED_REFRESH_PATH, HOSTED_START_PATH, hostedRoutes } from './hosted/routes.js';
import { createSessionClient } from './hosted/session-client.js';
import { cors } from './http/cors.js';
import { HttpError, jsonErrorHandler, sendError } from './http/errors.js';
import { jsonBody } from './http/json-body.js';
import { createLogger, requestLogger } from './http/logging.js';
import { readOnlyRoutes } from './http/read-routes.js';
import { requireAllowedOrigin } from './http/origin-check.js';
import { clientAddress, rateLimit } from './http/rate-limit.js';
import { requestId } from './http/request-id.js';
import { countRequests } from './metrics/http-metrics.js';
import { createMetrics, type MetricsRegistry } from './metrics/metrics.js';
import { metricsApp, metricsRoutes } from './metrics/routes.js';
import { PUBLIC_ACCESS_PATH, publicAccessRoutes } from './public-access/routes.js';
import { createMemoryStores } from './stores/memory-store.js';
import { createRedisStores } from './stores/redis-store.js';
import type { Stores } from './stores/store.js';
import { widgetFileRoutes } from './widget-files/routes.js';

export interface AppDeps {
  /** Where logs go (default stdout); tests capture them. */
  logDestination?: DestinationStream;
  stores?: Stores;
  clock?: Clock;
  /** Used for JWKS fetches. */
  fetch?: typeof fetch;
  /** Merged into the OpenAI client options (e.g. `fetch`, `timeout`, `maxRetries`). */
  openaiOptions?: Partial<ClientOptions>;
  /** Where the built widget files are; default `<project>/dist/widget`. */
  widgetDir?: string;
  /** The ChatKit backend's SQLite file; default `DATA_DIR/chatkit.sqlite` (`:memory:` in tests). */
  chatkitDatabasePath?: string;
  /**
   * The agent behind the ChatKit backend, from code: an Agents SDK `Agent` or `(context) => Agent`. Takes the place
   * of `CHATKIT_AGENT_MODULE` and of the agent built from `CHATKIT_MODEL` / `CHATKIT_INSTRUCTIONS`.
   */
  agent?: AgentSource;
  /** Widget action handlers of the site (`threads.custom_action` / `threads.sync_custom_action`), by action type. */
  actions?: ActionHandler[];
}

export interface App {
  app: Express;
  logger: Logger;
  /** What `/metrics` serves; counted whether or not it is served. */
  metrics: MetricsRegistry;
  /** The app for the metrics listener when `METRICS_PORT` is set (then the main app has no `/metrics`). */
  metricsApp?: Express;
  /** Accepts a site user's JWT or a visitor access token; what `POST /api/chatkit` uses. */
  authenticate: Authenticate;
  stores: Stores;
  /** For shutdown, as listeners stop accepting: running replies end with a retryable error, their partial answer stored. */
  interruptReplies(): void;
  /** Releases stores and background work; call after the HTTP server has closed. */
  close(): Promise<void>;
}

const MINUTE = 60_000;
// The production build (scripts/build-server.mjs) defines where the widget is relative to its bundle.
declare const __CKW_WIDGET_DIR__: string | undefined;
const DEFAULT_WIDGET_DIR = fileURLToPath(
  new URL(typeof __CKW_WIDGET_DIR__ === 'string' ? __CKW_WIDGET_DIR__ : '../../dist/widget', import.meta.url),
);

export async function createApp(config: Config, deps: AppDeps = {}): Promise<App> {
  const clock = deps.clock ?? systemClock;
  const metrics = createMetrics({ processDefaults: Boolean(config.metrics) });
  const logger = createLogger(config.logLevel, { destination: deps.logDestination, onDroppedLine: () => metrics.logLineDropped() });
  // REDIS_URL and DATABASE_URL make state shared, so several instances behave as one (README "Going to production").
  const stores =
    deps.stores ??
    (config.redisUrl
      ? await createRedisStores({ url: config.redisUrl, logger, replyLockTtlMs: config.replyLockTtlMs })
      : createMemoryStores({ clock }));
  const threadStore = config.databaseUrl ? await openPostgresThreadStore({ url: config.databaseUrl, logger, clock }) : undefined;
  const { limits } = config;

  const userTokens = config.userAuth && createUserTokenVerifier(config.userAuth, { fetch: deps.fetch ?? fetch, clock, logger });
  const signingKey = loadSigningKey(config);
  const visitors = createVisitorTokens(signingKey, clock);
  const serverKeys = await createServerKeys(signingKey, clock);
  const modulePath = config.chatkit.agent.modulePath;
  const agentSource =
    deps.agent ??
    (modulePath
      ? await loadAgentModule(modulePath).catch((err: Error) => {
          throw new ConfigError('CHATKIT_AGENT_MODULE', `(${modulePath}) ${err.message}`);
        })
      : undefined);
  const { authenticate, authenticateUser } = createAuthenticate({ users: userTokens, visitors, maxTokenBytes: limits.maxTokenBytes });

  const hostedSessions = hostedEnabled(config)
    ? createHostedSessions(
        createSessionClient({
          apiKey: config.openai.apiKey!,
          baseURL: config.openai.baseURL,
          workflowId: config.hosted.workflowId!,
          ttlSeconds: config.hosted.sessionTtlSeconds,
          logger,
          metrics,
          clientOptions: deps.openaiOptions,
        }),
        stores.secrets,
      )
    : undefined;
  const attachmentConfig = config.chatkit.attachments;
  const attachments = attachmentConfig && {
    config: attachmentConfig,
    storage: await openAttachmentStorage(attachmentConfig.storage, config.dataDir).catch((err: Error) => {
      // The one way opening fails at start: S3_BUCKET set without the AWS SDK installed.
      throw attachmentConfig.storage.kind === 's3' ? new ConfigError('S3_BUCKET', err.message) : err;
    }),
    signingKey,
  };
  const chatkitBackend = createChatKitBackend({
    authenticate,
    rateLimits: stores.rateLimits,
    replyLocks: stores.replyLocks,
    logger,
    metrics,
    threadStore,
    databasePath: deps.chatkitDatabasePath ?? join(config.dataDir, 'chatkit.sqlite'),
    limits: config.chatkit.limits,
    clientAddress: (req) => clientAddress(req, limits.ipv6PrefixBits),
    visitorRetentionDays: config.chatkit.visitorRetentionDays,
    clock,
    model: modelEnabled(config)
      ? {
          apiKey: config.openai.apiKey ?? '',
          baseURL: config.openai.baseURL,
          model: config.chatkit.model,
          instructions: config.chatkit.instructions,
          api: config.chatkit.modelApi,
        }
      : null,
    agent: config.chatkit.agent,
    agentSource,
    models: config.chatkit.models,
    transcribeModel: config.chatkit.transcribeModel,
    actions: deps.actions,
    serverKeys,
    publicUrl: config.publicUrl,
    attachments,
  });
  if (config.production && !config.publicUrl)
    logger.warn('PUBLIC_URL is not set: the URLs this server hands out are built from each request\'s Host header; set PUBLIC_URL.');

  const app = express();
  app.disable('x-powered-by');
  // A hop count, never `true`: trusting every X-Forwarded-For entry would let clients pick their rate-limit key.
  app.set('trust proxy', config.trustProxy);
  app.use(requestId());
  app.use(requestLogger(logger));
  app.use(countRequests(metrics));
  // Before helmet: its headers are for documents (a CSP, framing, opener policy) and would add about 1 KB to each
  // script answer every visitor downloads; the widget files send what a script needs (nosniff, CORP) themselves.
  app.use(readOnlyRoutes(widgetFileRoutes(deps.widgetDir ?? DEFAULT_WIDGET_DIR)));
  app.use(helmet());

  app.use(
    readOnlyRoutes(
      ...(config.metrics && !config.metrics.listen ? [metricsRoutes(metrics, config.metrics.token)] : []),
      healthRoutes({
        features: describeFeatures(config),
        checks: {
          store: () => stores.ping(),
          chatkit_store: () => chatkitBackend.ready(),
          ...(userTokens && { user_auth_keys: () => userTokens.ready() }),
        },
        // Reported, not required: chat works without a tool server, so one being down must not take the server out.
        details: {
          mcp_servers: () => chatkitBackend.mcpStatus(),
          backends: () => ({ store: stores.kind, chatkit_store: chatkitBackend.storeKind }),
        },
      }),
      jwksRoutes(serverKeys),
    ),
  );

  app.use('/api', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  const publicKeyOrigins = config.publicKeys.flatMap((entry) => entry.origins);
  app.use(
    '/api',
    cors({
      credentialed: config.allowedOrigins,
      anonymous: publicKeyOrigins,
      anonymousPaths: [PUBLIC_ACCESS_PATH],
      checkedPaths: [HOSTED_START_PATH, HOSTED_REFRESH_PATH, CHATKIT_PATH, DIRECT_UPLOAD_PATH],
    }),
  );
  app.use(
    '/api',
    rateLimit(stores.rateLimits, { name: 'ip', limit: limits.perIpPerMinute, windowMs: MINUTE }, (req) => clientAddress(req, limits.ipv6PrefixBits)),
  );

  // The ChatKit custom backend (POST /api/chatkit, built in ./chatkit/): it authenticates with `authenticate`
  // (site users and visitors) before reading its body, and reads that body itself, so it comes before jsonBody.
  // Site users come from ALLOWED_ORIGINS, visitors from their key's origins; any other page reads a 403.
  app.use(readOnlyRoutes(capabilitiesRoutes(chatkitBackend.capabilities)));
  const chatOrigins = requireAllowedOrigin([...config.allowedOrigins, ...publicKeyOrigins], config.publicUrl);
  app.post(CHATKIT_PATH, chatOrigins);
  // The direct upload carries the same bearer, so the same pages may send it.
  app.post(DIRECT_UPLOAD_PATH, chatOrigins);
  app.use(chatkitBackend.router);
  // Upload bodies stream to storage, so these come before jsonBody too; the signed URL (or bearer) authorises them.
  if (chatkitBackend.attachmentRouter) app.use(chatkitBackend.attachmentRouter);

  app.use('/api', jsonBody({ limitBytes: limits.jsonBodyBytes, maxDepth: limits.jsonMaxDepth }));

  app.use(
    hostedRoutes({
      sessions: hostedSessions,
      authenticateUser,
      rateLimits: stores.rateLimits,
      perUser: { name: 'user', limit: limits.perUserPerMinute, windowMs: MINUTE },
      checkOrigin: requireAllowedOrigin(config.allowedOrigins, config.publicUrl),
    }),
  );
  app.use(
    publicAccessRoutes({
      config,
      visitors,
      hostedSessions,
      rateLimits: stores.rateLimits,
      perIp: { name: 'public-ip', limit: limits.publicPerIpPerMinute, windowMs: MINUTE, what: 'new visitors from this address' },
      perKey: { name: 'public-key', limit: limits.perPublicKeyPerMinute, windowMs: MINUTE, what: 'new visitors for this site' },
      perVisitor: { name: 'public-visitor', limit: limits.publicPerVisitorPerMinute, windowMs: MINUTE },
      ipv6PrefixBits: limits.ipv6PrefixBits,
    }),
  );

  app.use((_req, res) => sendError(res, new HttpError(404, 'not_found', 'There is nothing at this path.')));
  app.use(jsonErrorHandler);

  return {
    app,
    logger,
    metrics,
    metricsApp: config.metrics?.listen && metricsApp(metrics, config.metrics.token),
    authenticate,
    stores,
    interruptReplies: () => chatkitBackend.interruptReplies(),
    async close() {
      await chatkitBackend.close();
      await stores.close();
    },
  };
}

/** What is on, and for each feature that is off, what to set (for /readyz and the logs at start). */
export function describeFeatures(config: Config): Record<string, Feature> {
  const feature = (on: boolean, enable: string): Feature => (on ? { on } : { on, enable });
  return {
    user_auth: feature(Boolean(config.userAuth), 'set AUTH_JWKS_URL, AUTH_JWT_SECRET or AUTH_JWT_PUBLIC_KEY'),
    hosted_sessions: feature(hostedEnabled(config), 'set OPENAI_API_KEY and CHATKIT_WORKFLOW_ID'),
    public_access: feature(config.publicKeys.length > 0, 'set PUBLIC_KEYS'),
    custom_backend_model: feature(modelEnabled(config), 'set OPENAI_API_KEY (or OPENAI_BASE_URL for a compatible provider)'),
    agent_tools: feature(
      config.chatkit.agent.mcpServers.length > 0 || config.chatkit.agent.hostedTools.length > 0 || Boolean(config.chatkit.agent.modulePath),
      'set CHATKIT_MCP_SERVERS, CHATKIT_HOSTED_TOOLS or CHATKIT_AGENT_MODULE',
    ),
    shared_store: feature(Boolean(config.redisUrl), 'set REDIS_URL (and one SIGNING_KEY for all) to run several instances'),
    shared_database: feature(Boolean(config.databaseUrl), 'set DATABASE_URL to keep threads in PostgreSQL'),
    metrics: feature(Boolean(config.metrics), 'set METRICS_TOKEN, or METRICS_PORT (and METRICS_HOST) for a listener of its own'),
  };
}
