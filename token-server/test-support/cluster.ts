/**
 * Several real token-server processes (`token-server/src/server.ts`, as an operator runs it) on one PostgreSQL and
 * one Redis, behind a tiny round-robin proxy, for the several-instances tests. Every instance talks to the same
 * OpenAI mock (hosted sessions and the scripted model) in the test process.
 *
 *   const cluster = await startCluster();      // instances A and B, the proxy, Redis, PostgreSQL
 *   await postJson(`${cluster.proxy.url}/api/chatkit/public`, ...);   // answered by A, then B, then A...
 *   cluster.instances[0].kill();  cluster.redis.restart();  cluster.postgres.kill();  await cluster.close();
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request, createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { parseEvents } from '../src/chatkit/testing/harness.js';
import type { StreamEvent } from '../src/chatkit/protocol/types.js';
import { startOpenAIMock, type OpenAIMock } from './openai-mock.js';
import { listenOnLoopback, type LoopbackServer } from './loopback-server.js';
import { scriptedModel, type ScriptedModel } from './openai-mock-model.js';
import { MOCK_OPENAI_API_KEY, mockChatKitSessions, type ChatKitSessionsMock } from './openai-mock-sessions.js';
import { startPostgres, type PostgresServer } from './services/postgres-server.js';
import { spawnService, waitFor, type ChildService } from './services/process.js';
import { startRedis, type RedisServer } from './services/redis-server.js';

export const CLUSTER_PUBLIC_KEY = 'pk_cluster';
export const CLUSTER_SITE_ORIGIN = 'http://site.test:3000';
const USER_JWT_SECRET = randomBytes(32).toString('base64url');
const SERVER_ENTRY = fileURLToPath(new URL('../src/server.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

export interface Instance {
  name: string;
  url: string;
  pid: number;
  /** kill -9: the process dies mid-whatever, as a crashed or evicted instance. */
  kill(): Promise<void>;
  /** Whether the process is still running (a crash would make it false). */
  alive(): boolean;
  output(): string;
  stop(): Promise<void>;
}

export interface Cluster {
  instances: Instance[];
  proxy: LoopbackServer;
  redis: RedisServer;
  postgres: PostgresServer;
  openai: OpenAIMock;
  model: ScriptedModel;
  sessions: ChatKitSessionsMock;
  /** An HS256 user JWT as the site's auth would issue (verified through AUTH_JWT_SECRET). */
  userToken(sub: string): Promise<string>;
  close(): Promise<void>;
}

async function startInstance(name: string, env: Record<string, string>): Promise<Instance> {
  const dataDir = mkdtempSync(join(tmpdir(), `ckw-${name}-`));
  // Its own working directory, so no developer `.env` is read.
  const service: ChildService = spawnService(process.execPath, ['--import', TSX, SERVER_ENTRY], {
    cwd: dataDir,
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
  });
  let url: string | undefined;
  await waitFor(`token server ${name} to listen`, async () => {
    if (service.child.exitCode !== null) throw new Error(`token server ${name} exited: ${service.output()}`);
    url = /token server listening on (http:\/\/\S+)/.exec(service.output())?.[1];
    return url !== undefined;
  }).catch((err: Error) => {
    throw new Error(`${err.message}: ${service.output()}`);
  });
  const cleanUp = () => rmSync(dataDir, { recursive: true, force: true });
  return {
    name,
    url: url!,
    pid: service.child.pid!,
    alive: () => service.child.exitCode === null && service.child.signalCode === null,
    output: service.output,
    async kill() {
      await service.stop('SIGKILL');
      cleanUp();
    },
    async stop() {
      await service.stop('SIGTERM');
      cleanUp();
    },
  };
}

/**
 * Round robin over `upstreams`, one request each in turn. It streams answers as they come, names the instance
 * that answered in `x-test-upstream`, closes the upstream request when the client goes away (as load balancers
 * do), and puts `x-test-client-ip` (or the socket's address) in `X-Forwarded-For`, so tests can act as many clients.
 */
async function startProxy(upstreams: Instance[]): Promise<LoopbackServer> {
  let next = 0;
  const server: Server = createServer((req, res) => {
    const upstream = upstreams[next++ % upstreams.length]!;
    const target = new URL(req.url ?? '/', upstream.url);
    const headers = { ...req.headers, host: target.host, 'x-forwarded-for': String(req.headers['x-test-client-ip'] ?? req.socket.remoteAddress) };
    const forward = request(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-test-upstream': upstream.name });
      answer.pipe(res);
    });
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json', 'x-test-upstream': upstream.name });
      res.end(JSON.stringify({ error: { code: 'proxy_upstream_failed', message: `${upstream.name} did not answer` } }));
    });
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  return listenOnLoopback(server);
}

export interface ClusterOptions {
  /** Instances behind the proxy (default 2: A and B). */
  size?: number;
  /** Extra environment for every instance (e.g. RATE_LIMIT_*). */
  env?: Record<string, string>;
}

export async function startCluster({ size = 2, env = {} }: ClusterOptions = {}): Promise<Cluster> {
  // A service that failed to start must not leave the other running: its process would keep the test file alive.
  const [redisStart, postgresStart] = await Promise.allSettled([startRedis(), startPostgres()]);
  if (redisStart.status === 'rejected' || postgresStart.status === 'rejected') {
    await Promise.all([redisStart, postgresStart].map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
    throw redisStart.status === 'rejected' ? redisStart.reason : (postgresStart as PromiseRejectedResult).reason;
  }
  const [redis, postgres] = [redisStart.value, postgresStart.value];
  const model = scriptedModel();
  const sessions = mockChatKitSessions();
  const openai = await startOpenAIMock([...sessions.routes, ...model.routes]);
  const shared = {
    REDIS_URL: redis.url,
    DATABASE_URL: await postgres.createDatabase('chatkit'),
    SIGNING_KEY: randomBytes(32).toString('base64url'),
    AUTH_JWT_SECRET: USER_JWT_SECRET,
    OPENAI_API_KEY: MOCK_OPENAI_API_KEY,
    OPENAI_BASE_URL: openai.baseURL,
    CHATKIT_WORKFLOW_ID: 'wf_cluster',
    CHATKIT_MODEL: 'mock-model',
    ALLOWED_ORIGINS: CLUSTER_SITE_ORIGIN,
    PUBLIC_KEYS: `${CLUSTER_PUBLIC_KEY}=${CLUSTER_SITE_ORIGIN}`,
    CHATKIT_DOMAIN_KEY: 'domain_pk_cluster',
    CHATKIT_REPLY_LOCK_SECONDS: '2',
    TRUST_PROXY: '1',
    ...env,
  };
  const names = Array.from({ length: size }, (_, i) => String.fromCharCode(65 + i));
  const instances = await Promise.all(names.map((name) => startInstance(name, shared)));
  const proxy = await startProxy(instances);
  const secret = new TextEncoder().encode(USER_JWT_SECRET);
  return {
    instances,
    proxy,
    redis,
    postgres,
    openai,
    model,
    sessions,
    userToken: (sub) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime('10m').sign(secret),
    async close() {
      await proxy.close();
      await Promise.all(instances.map((instance) => (instance.alive() ? instance.stop() : undefined)));
      await Promise.all([openai.close(), redis.stop(), postgres.stop()]);
    },
  };
}

export interface ChatKitAnswer {
  status: number;
  headers: Headers;
  body: any;
  events: StreamEvent[];
}

/** POSTs a ChatKit request with a bearer token and reads the whole answer (JSON or event stream). */
export async function chatkit(url: string, token: string, body: unknown, path = '/api/chatkit'): Promise<ChatKitAnswer> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const isStream = res.headers.get('content-type')?.startsWith('text/event-stream');
  return { status: res.status, headers: res.headers, body: isStream ? undefined : JSON.parse(text), events: isStream ? parseEvents(text) : [] };
}

/** Opens a streaming ChatKit request; `next()` reads one event (undefined once the stream ended). */
export async function openChatKitStream(url: string, token: string, body: unknown) {
  const res = await fetch(`${url}/api/chatkit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) throw new Error(`not a stream: ${res.status} ${await res.text()}`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  const next = async (): Promise<StreamEvent | undefined> => {
    for (;;) {
      const end = buffered.indexOf('\n\n');
      if (end >= 0) {
        const frame = buffered.slice(0, end + 2);
        buffered = buffered.slice(end + 2);
        return parseEvents(frame)[0];
      }
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (chunk.done) return undefined;
      buffered += decoder.decode(chunk.value, { stream: true });
    }
  };
  return {
    headers: res.headers,
    next,
    /** Reads until an event of `type` arrives (or the stream ends: undefined). */
    async until(type: StreamEvent['type']) {
      for (let event = await next(); event; event = await next()) if (event.type === type) return event;
      return undefined;
    },
  };
}
