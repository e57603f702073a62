/**
 * The server's configuration, read from the environment once at start. A bad value throws a
 * `ConfigError` whose message is one line naming the variable; a feature whose variables are
 * absent is simply off. The result is plain data, so every part of the server (and its tests)
 * can be fed from it.
 */
import { createPublicKey } from 'node:crypto';
import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_AGENT_CONFIG, parseHostedTools, type AgentConfig } from './chatkit/agent/agent-config.js';
import { parseMcpServers } from './chatkit/mcp/mcp-config.js';
import {
  DEFAULT_ATTACHMENT_MAX_BYTES,
  DEFAULT_ATTACHMENT_MAX_COUNT,
  parseAcceptList,
  type AttachmentConfig,
} from './chatkit/attachments/attachment-config.js';
import { DEFAULT_LIMITS as CHATKIT_DEFAULTS, type ChatKitLimits } from './chatkit/limits.js';
import { normalizeOrigin } from './http/origin.js';
import { parsePublicKeys, type PublicKeyEntry } from './public-access/public-keys.js';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export type UserAuthSource = { kind: 'jwks'; url: string } | { kind: 'secret'; secret: string } | { kind: 'pem'; pem: string };

export interface UserAuthConfig {
  source: UserAuthSource;
  issuer?: string;
  /** Any one of these must be in the token's `aud`. */
  audience?: string[];
  algorithms: string[];
}

export interface Config {
  host: string;
  port: number;
  /** The server's public base URL without a trailing slash; absent means "the origin requests arrive at". */
  publicUrl?: string;
  /** Site origins allowed to call the user endpoints with credentials. */
  allowedOrigins: string[];
  /** How many reverse proxies in front of the server to trust for the client IP (never "all"). */
  trustProxy: number;
  logLevel: string;
  /** Absolute path for the embedded database and generated keys. */
  dataDir: string;
  /** The server's own key for visitor and access tokens; generated into `dataDir` when absent. */
  signingKey?: string;
  /** Absent when user authentication is off. */
  userAuth?: UserAuthConfig;
  openai: { apiKey?: string; baseURL?: string };
  hosted: { workflowId?: string; sessionTtlSeconds: number };
  chatkit: {
    backend: 'custom' | 'hosted';
    model: string;
    instructions: string;
    modelApi: 'responses' | 'chat_completions';
    domainKey?: string;
    /** Tools, MCP servers, an agent module and their bounds (section 5.1). */
    agent: AgentConfig;
    /** Per-user storage quotas and visitors' reply limits from the environment; the rest keep their defaults. */
    limits: Partial<ChatKitLimits>;
    /** Anonymous visitors idle this many days are deleted with their threads; 0 keeps them forever. */
    visitorRetentionDays: number;
    /** Absent when attachments are off (`CHATKIT_ATTACHMENTS` unset). */
    attachments?: AttachmentConfig;
    /** Dictation's transcription model; absent when dictation is off. */
    transcribeModel?: string;
    /** The model picker (`CHATKIT_MODELS`); empty when it is off. Exactly one entry is the default, `model`. */
    models: ModelChoice[];
  };
  /** NODE_ENV=production: the server then warns at start about settings a public deployment needs. */
  production: boolean;
  /** Publishable keys with their allowed origins; empty when public access is off. */
  publicKeys: PublicKeyEntry[];
  /** Shared store for several instances; absent means in-memory (one instance). */
  redisUrl?: string;
  /** How long a shutdown may take before the process exits regardless (`SHUTDOWN_TIMEOUT_MS`). */
  shutdownTimeoutMs: number;
  /** `GET /metrics`; absent when neither `METRICS_TOKEN` nor `METRICS_PORT` is set. */
  metrics?: MetricsConfig;
  /** PostgreSQL for threads; absent means the embedded SQLite file in `dataDir`. */
  databaseUrl?: string;
  /** How long a reply's claim on its thread outlives a dead instance (`CHATKIT_REPLY_LOCK_SECONDS`). */
  replyLockTtlMs: number;
  /** Request limits: the per-minute rate limits come from the `RATE_LIMIT_*` variables; tests may tighten any. */
  limits: Limits;
}

export interface ModelChoice {
  id: string;
  label: string;
  default: boolean;
}

export interface MetricsConfig {
  /** When set, `/metrics` answers only `Authorization: Bearer <token>`. */
  token?: string;
  /** When set, `/metrics` is served only by a listener of its own on this address, never on the main port. */
  listen?: { host: string; port: number };
}

export interface Limits {
  jsonBodyBytes: number;
  jsonMaxDepth: number;
  /** Bytes; longer bearer tokens are refused before any parsing. */
  maxTokenBytes: number;
  perIpPerMinute: number;
  perUserPerMinute: number;
  /** New visitor identities per publishable key per minute (returning visitors are not counted here). */
  perPublicKeyPerMinute: number;
  /** Public endpoint calls without a valid visitor token (new visitors) per client address per minute. */
  publicPerIpPerMinute: number;
  /** Public endpoint calls per returning visitor per minute (token renewals). */
  publicPerVisitorPerMinute: number;
  /** Per-IP limits count IPv6 clients by this many leading bits (a home or a server usually gets a whole /64). */
  ipv6PrefixBits: number;
}

export const DEFAULT_LIMITS: Limits = {
  jsonBodyBytes: 256 * 1024,
  jsonMaxDepth: 32,
  maxTokenBytes: 8 * 1024,
  perIpPerMinute: 300,
  perUserPerMinute: 60,
  perPublicKeyPerMinute: 600,
  publicPerIpPerMinute: 30,
  publicPerVisitorPerMinute: 20,
  ipv6PrefixBits: 64,
};

const JWKS_ALGORITHMS = ['EdDSA', 'Ed25519', 'ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'];
const DEFAULT_MODEL = 'gpt-4.1-mini';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type Env = Record<string, string | undefined>;

/** Empty values count as absent: `.env` files often hold `NAME=`. */
function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

function parse<T>(env: Env, name: string, schema: z.ZodType<T>): T {
  const result = schema.safeParse(value(env, name));
  if (!result.success) throw new ConfigError(name, result.error.issues[0]?.message ?? 'is not valid.');
  return result.data;
}

const httpUrl = (what: string) =>
  z
    .string()
    .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), `must be an http(s) URL (${what}).`)
    .transform((s) => s.replace(/\/+$/, ''));

const integer = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}.`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}.`)
    .optional()
    .transform((n) => n ?? fallback);

const originList = z
  .string()
  .optional()
  .transform((s, ctx) => {
    const origins: string[] = [];
    for (const item of (s ?? '').split(',').map((o) => o.trim()).filter(Boolean)) {
      const origin = normalizeOrigin(item);
      if (!origin) {
        ctx.addIssue({ code: 'custom', message: `must be a comma list of origins like https://www.example.com (no path); "${item}" is not one.` });
        return z.NEVER;
      }
      origins.push(origin);
    }
    return origins;
  });

const minBytes = (bytes: number, what: string) =>
  z.string().refine((s) => Buffer.byteLength(s) >= bytes, `must be at least ${bytes} bytes (${what}); a shorter one can be guessed.`);

/** The JWS algorithms a PEM public key can verify, from the key's own type: the default and all allowed. */
function algorithmsForPem(pem: string): { defaults: string[]; allowed: string[] } {
  const key = createPublicKey(pem);
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { defaults: ['RS256'], allowed: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] };
    case 'rsa-pss':
      return { defaults: ['PS256'], allowed: ['PS256', 'PS384', 'PS512'] };
    case 'ed25519':
      return { defaults: ['EdDSA'], allowed: ['EdDSA', 'Ed25519'] };
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      const alg = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' }[curve ?? ''];
      if (alg) return { defaults: [alg], allowed: [alg] };
    }
  }
  throw new ConfigError('AUTH_JWT_PUBLIC_KEY', `holds a key type JWTs cannot be verified with (${key.asymmetricKeyType}).`);
}

function readMetrics(env: Env): MetricsConfig | undefined {
  const token = parse(env, 'METRICS_TOKEN', minBytes(32, 'the bearer token Prometheus scrapes with').optional());
  const port = parse(env, 'METRICS_PORT', integer(1, 65535, 0));
  const host = value(env, 'METRICS_HOST');
  if (host && !port) throw new ConfigError('METRICS_HOST', 'is set without METRICS_PORT; set both to serve /metrics on an address of its own.');
  if (!token && !port) return undefined;
  return { token, listen: port ? { host: host ?? '127.0.0.1', port } : undefined };
}

function readUserAuth(env: Env): UserAuthConfig | undefined {
  const set = ['AUTH_JWKS_URL', 'AUTH_JWT_SECRET', 'AUTH_JWT_PUBLIC_KEY'].filter((name) => value(env, name));
  if (set.length === 0) return undefined;
  if (set.length > 1) throw new ConfigError(set.join(', '), 'are all set; set only one way of verifying user JWTs.');

  let source: UserAuthSource;
  let allowed: string[];
  let defaults: string[];
  if (set[0] === 'AUTH_JWKS_URL') {
    source = { kind: 'jwks', url: parse(env, 'AUTH_JWKS_URL', httpUrl('the JWKS endpoint, e.g. https://app.example.com/api/auth/jwks')) };
    allowed = JWKS_ALGORITHMS;
    defaults = ['EdDSA', 'ES256', 'RS256'];
  } else if (set[0] === 'AUTH_JWT_SECRET') {
    source = { kind: 'secret', secret: parse(env, 'AUTH_JWT_SECRET', minBytes(32, 'the HS256 secret user JWTs are signed with')) };
    allowed = HMAC_ALGORITHMS;
    defaults = ['HS256'];
  } else {
    // PEM keys in one-line env values often carry literal "\n".
    const pem = value(env, 'AUTH_JWT_PUBLIC_KEY')!.replace(/\\n/g, '\n');
    if (!/-----BEGIN PUBLIC KEY-----/.test(pem))
      throw new ConfigError('AUTH_JWT_PUBLIC_KEY', 'must be a PEM public key (-----BEGIN PUBLIC KEY-----), never a private key.');
    try {
      ({ defaults, allowed } = algorithmsForPem(pem));
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw new ConfigError('AUTH_JWT_PUBLIC_KEY', 'is not a readable PEM public key.');
    }
    source = { kind: 'pem', pem };
  }

  const algorithms = parse(
    env,
    'AUTH_ALGORITHMS',
    z
      .string()
      .optional()
      .transform((s) => (s ? s.split(',').map((a) => a.trim()).filter(Boolean) : defaults))
      .refine((list) => list.length > 0 && list.every((a) => allowed.includes(a)), `must be a comma list from: ${allowed.join(', ')} (for ${set[0]}).`),
  );
  const audience = value(env, 'AUTH_AUDIENCE')?.split(',').map((a) => a.trim()).filter(Boolean);
  return { source, issuer: value(env, 'AUTH_ISSUER'), audience: audience?.length ? audience : undefined, algorithms };
}

/** `CHATKIT_MCP_SERVERS`, `CHATKIT_HOSTED_TOOLS`, `CHATKIT_AGENT_MODULE` and the tool bounds. */
function readAgent(env: Env, modelApi: 'responses' | 'chat_completions', publicUrl: string | undefined): AgentConfig {
  const wrap = <T>(name: string, read: () => T): T => {
    try {
      return read();
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw new ConfigError(name, (err as Error).message);
    }
  };
  const mcpRaw = value(env, 'CHATKIT_MCP_SERVERS');
  const mcpServers = mcpRaw ? wrap('CHATKIT_MCP_SERVERS', () => parseMcpServers(mcpRaw, env)) : [];
  if (mcpServers.some((server) => server.transport === 'http' && server.forwardUser) && !publicUrl)
    throw new ConfigError('PUBLIC_URL', 'must be set when an MCP server in CHATKIT_MCP_SERVERS has forward_user: it is the issuer (iss) of the tokens that server verifies.');
  const hostedRaw = value(env, 'CHATKIT_HOSTED_TOOLS');
  const hostedTools = hostedRaw ? wrap('CHATKIT_HOSTED_TOOLS', () => parseHostedTools(hostedRaw)) : [];
  if (hostedTools.length > 0 && modelApi !== 'responses')
    throw new ConfigError('CHATKIT_HOSTED_TOOLS', 'needs CHATKIT_MODEL_API=responses: OpenAI runs hosted tools only on the Responses API.');
  const modulePath = value(env, 'CHATKIT_AGENT_MODULE');
  return {
    mcpServers,
    hostedTools,
    modulePath: modulePath && resolve(modulePath),
    maxToolCalls: parse(env, 'CHATKIT_MAX_TOOL_CALLS', integer(1, 100, DEFAULT_AGENT_CONFIG.maxToolCalls)),
    toolTimeoutMs: parse(env, 'CHATKIT_TOOL_TIMEOUT_MS', integer(100, 600_000, DEFAULT_AGENT_CONFIG.toolTimeoutMs)),
    toolOutputMaxChars: parse(env, 'CHATKIT_TOOL_OUTPUT_MAX_CHARS', integer(100, 1_000_000, DEFAULT_AGENT_CONFIG.toolOutputMaxChars)),
  };
}

/** `CHATKIT_ATTACHMENTS` and its bounds, and `S3_*` for where the files go; undefined when attachments are off. */
function readAttachments(env: Env): AttachmentConfig | undefined {
  const maxBytes = parse(env, 'CHATKIT_ATTACHMENT_MAX_BYTES', integer(1, 1024 ** 3, DEFAULT_ATTACHMENT_MAX_BYTES));
  const maxCount = parse(env, 'CHATKIT_ATTACHMENT_MAX_COUNT', integer(1, 100, DEFAULT_ATTACHMENT_MAX_COUNT));
  const bucket = parse(env, 'S3_BUCKET', z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3 to 63 lower-case letters, digits, dots and dashes).').optional());
  const endpoint = parse(env, 'S3_ENDPOINT', httpUrl('an S3-compatible endpoint, e.g. https://s3.eu-central-1.amazonaws.com').optional());
  const region = value(env, 'S3_REGION') ?? value(env, 'AWS_REGION');
  if (!bucket && (endpoint || value(env, 'S3_REGION')))
    throw new ConfigError('S3_BUCKET', 'must be set when S3_ENDPOINT or S3_REGION is: it names the bucket attachments are stored in.');
  if (bucket && !region && !endpoint)
    throw new ConfigError('S3_REGION', 'must be set with S3_BUCKET (or set S3_ENDPOINT for an S3-compatible server).');
  const raw = value(env, 'CHATKIT_ATTACHMENTS');
  if (!raw) return undefined;
  let accept: string[];
  try {
    accept = parseAcceptList(raw);
  } catch (err) {
    throw new ConfigError('CHATKIT_ATTACHMENTS', (err as Error).message);
  }
  return {
    accept,
    maxBytes,
    maxCount,
    // Many S3-compatible servers ignore the region, but the SDK's signature needs one.
    storage: bucket ? { kind: 's3', bucket, endpoint, region: region ?? 'us-east-1' } : { kind: 'disk' },
  };
}

/**
 * `CHATKIT_MODELS` (`id` or `id=Label`, comma list): the models a user may pick. `CHATKIT_MODEL`, when set, must be one
 * of them and is the default; unset, the first listed is.
 */
function readModels(env: Env): { model: string; models: ModelChoice[] } {
  const configured = value(env, 'CHATKIT_MODEL');
  const raw = value(env, 'CHATKIT_MODELS');
  if (!raw) return { model: configured ?? DEFAULT_MODEL, models: [] };
  const entries: { id: string; label: string }[] = [];
  for (const item of raw.split(',').map((entry) => entry.trim()).filter(Boolean)) {
    const equals = item.indexOf('=');
    const id = (equals < 0 ? item : item.slice(0, equals)).trim();
    const label = equals < 0 ? id : item.slice(equals + 1).trim();
    if (!/^[\w.:/-]{1,100}$/.test(id) || !label)
      throw new ConfigError('CHATKIT_MODELS', `must be a comma list of model ids, each optionally =Label (e.g. gpt-5-mini=Fast,gpt-5=Best); "${item}" is not one.`);
    if (entries.some((entry) => entry.id === id)) throw new ConfigError('CHATKIT_MODELS', `lists ${id} twice.`);
    entries.push({ id, label });
  }
  const [first] = entries;
  if (!first) throw new ConfigError('CHATKIT_MODELS', 'must list at least one model id.');
  const model = configured ?? first.id;
  if (!entries.some((entry) => entry.id === model))
    throw new ConfigError('CHATKIT_MODELS', `must include CHATKIT_MODEL (${model}), the default model.`);
  return { model, models: entries.map((entry) => ({ ...entry, default: entry.id === model })) };
}

/** The HTTP rate limits (requests per minute unless said otherwise); each variable defaults to DEFAULT_LIMITS. */
function readLimits(env: Env): Limits {
  const perMinute = (name: string, fallback: number) => parse(env, name, integer(1, 1_000_000, fallback));
  return {
    ...DEFAULT_LIMITS,
    perIpPerMinute: perMinute('RATE_LIMIT_API_PER_IP', DEFAULT_LIMITS.perIpPerMinute),
    perUserPerMinute: perMinute('RATE_LIMIT_PER_USER', DEFAULT_LIMITS.perUserPerMinute),
    publicPerIpPerMinute: perMinute('RATE_LIMIT_PUBLIC_PER_IP', DEFAULT_LIMITS.publicPerIpPerMinute),
    perPublicKeyPerMinute: perMinute('RATE_LIMIT_PER_KEY', DEFAULT_LIMITS.perPublicKeyPerMinute),
    publicPerVisitorPerMinute: perMinute('RATE_LIMIT_PUBLIC_PER_VISITOR', DEFAULT_LIMITS.publicPerVisitorPerMinute),
    ipv6PrefixBits: parse(env, 'RATE_LIMIT_IPV6_PREFIX', integer(16, 128, DEFAULT_LIMITS.ipv6PrefixBits)),
  };
}

export function loadConfig(env: Env = process.env): Config {
  const publicKeys = (() => {
    const raw = value(env, 'PUBLIC_KEYS');
    if (!raw) return [];
    const parsed = parsePublicKeys(raw);
    if (typeof parsed === 'string') throw new ConfigError('PUBLIC_KEYS', parsed);
    return parsed;
  })();

  const publicUrl = parse(env, 'PUBLIC_URL', httpUrl('the base URL browsers reach this server at').optional());
  const { model, models } = readModels(env);
  const modelApi = parse(env, 'CHATKIT_MODEL_API', z.enum(['responses', 'chat_completions'], 'must be responses or chat_completions.').optional()) ?? 'responses';
  const config: Config = {
    host: value(env, 'HOST') ?? '127.0.0.1',
    port: parse(env, 'PORT', integer(0, 65535, 8787)),
    publicUrl,
    allowedOrigins: parse(env, 'ALLOWED_ORIGINS', originList),
    trustProxy: parse(
      env,
      'TRUST_PROXY',
      z
        .string()
        .regex(/^\d+$/, 'must be the number of proxy hops in front of the server (0 when none); "true" would let any client fake its IP.')
        .transform(Number)
        .refine((n) => n <= 10, 'must be a hop count from 0 to 10.')
        .optional()
        .transform((n) => n ?? 0),
    ),
    logLevel: parse(env, 'LOG_LEVEL', z.enum(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(', ')}.`).optional()) ?? 'info',
    dataDir: resolve(value(env, 'DATA_DIR') ?? './data'),
    signingKey: parse(env, 'SIGNING_KEY', minBytes(32, 'the key visitor tokens are signed with').optional()),
    userAuth: readUserAuth(env),
    openai: {
      apiKey: value(env, 'OPENAI_API_KEY'),
      baseURL: parse(env, 'OPENAI_BASE_URL', httpUrl('an OpenAI-compatible API base, e.g. https://api.openai.com/v1').optional()),
    },
    hosted: {
      workflowId: parse(env, 'CHATKIT_WORKFLOW_ID', z.string().regex(/^[\w.-]+$/, 'must be a workflow id like wf_123 (no spaces).').optional()),
      sessionTtlSeconds: parse(env, 'CHATKIT_SESSION_TTL', integer(60, 86_400, 600)),
    },
    chatkit: {
      backend: parse(env, 'CHATKIT_BACKEND', z.enum(['custom', 'hosted'], 'must be custom or hosted.').optional()) ?? 'custom',
      model,
      instructions: value(env, 'CHATKIT_INSTRUCTIONS') ?? 'You are a helpful assistant.',
      modelApi,
      domainKey: value(env, 'CHATKIT_DOMAIN_KEY'),
      agent: readAgent(env, modelApi, publicUrl),
      limits: {
        maxThreadsPerUser: parse(env, 'CHATKIT_QUOTA_THREADS', integer(1, 1_000_000, CHATKIT_DEFAULTS.maxThreadsPerUser)),
        maxItemsPerUser: parse(env, 'CHATKIT_QUOTA_ITEMS', integer(10, 10_000_000, CHATKIT_DEFAULTS.maxItemsPerUser)),
        maxBytesPerUser: parse(env, 'CHATKIT_QUOTA_BYTES', integer(65_536, 2 ** 40, CHATKIT_DEFAULTS.maxBytesPerUser)),
        visitorRepliesPerMinute: parse(env, 'RATE_LIMIT_VISITOR_REPLIES', integer(1, 1_000_000, CHATKIT_DEFAULTS.visitorRepliesPerMinute)),
        visitorRepliesPerIpPerMinute: parse(
          env,
          'RATE_LIMIT_VISITOR_REPLIES_PER_IP',
          integer(1, 1_000_000, CHATKIT_DEFAULTS.visitorRepliesPerIpPerMinute),
        ),
      },
      visitorRetentionDays: parse(env, 'VISITOR_RETENTION_DAYS', integer(0, 36_500, 30)),
      attachments: readAttachments(env),
      transcribeModel: parse(env, 'CHATKIT_TRANSCRIBE_MODEL', z.string().regex(/^[\w.:/-]{1,100}$/, 'must be a transcription model id, e.g. gpt-4o-mini-transcribe.').optional()),
      models,
    },
    production: value(env, 'NODE_ENV') === 'production',
    publicKeys,
    databaseUrl: parse(
      env,
      'DATABASE_URL',
      z
        .string()
        .refine((s) => URL.canParse(s) && /^postgres(ql)?:$/.test(new URL(s).protocol), 'must be a postgres:// or postgresql:// URL.')
        .optional(),
    ),
    replyLockTtlMs: parse(env, 'CHATKIT_REPLY_LOCK_SECONDS', integer(2, 600, 15)) * 1000,
    redisUrl: parse(
      env,
      'REDIS_URL',
      z
        .string()
        .refine((s) => URL.canParse(s) && /^rediss?:$/.test(new URL(s).protocol), 'must be a redis:// or rediss:// URL.')
        .optional(),
    ),
    shutdownTimeoutMs: parse(env, 'SHUTDOWN_TIMEOUT_MS', integer(100, 600_000, 10_000)),
    metrics: readMetrics(env),
    limits: readLimits(env),
  };
  // Several instances must sign with one key, or a visitor token from one is a stranger's on the next.
  if (config.redisUrl && !config.signingKey)
    throw new ConfigError('SIGNING_KEY', 'must be set when REDIS_URL is set: every instance signs visitor and access tokens with the same key.');
  return config;
}

/** Hosted sessions need both the API key and a workflow. */
export function hostedEnabled(config: Config): boolean {
  return Boolean(config.openai.apiKey && config.hosted.workflowId);
}

/** The custom backend's replies need a model provider: OpenAI with a key, or a compatible server at OPENAI_BASE_URL. */
export function modelEnabled(config: Config): boolean {
  return Boolean(config.openai.apiKey || config.openai.baseURL);
}
