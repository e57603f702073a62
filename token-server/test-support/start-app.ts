/**
 * Starts the real token server app (`createApp`) on an ephemeral loopback port for a test, with its
 * logs captured in memory so tests can search them (e.g. for a canary secret).
 *
 *   const server = await startTestApp({ env: { PUBLIC_KEYS: 'pk_test=http://site.test' } });
 *   const res = await postJson(`${server.url}/api/chatkit/public`, { public_key: 'pk_test' }, { origin: 'http://site.test' });
 *   server.logs();   // everything logged so far, as text
 *   await server.close();
 *
 * `env` is read by the real `loadConfig`, on top of test defaults (a fixed SIGNING_KEY, LOG_LEVEL info);
 * `limits` tightens request limits; `deps` injects a clock, stores, fetch or OpenAI client options. The
 * ChatKit backend keeps its threads in an in-memory SQLite database.
 */
import type { Server } from 'node:http';
import { createApp, type App, type AppDeps } from '../src/app.js';
import { loadConfig, type Config, type Limits } from '../src/config.js';
import { closeGracefully, listen } from '../src/http/listen.js';

export interface TestServer {
  url: string;
  config: Config;
  app: App;
  server: Server;
  logs(): string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string | undefined>;
  limits?: Partial<Limits>;
  deps?: AppDeps;
}

export const TEST_SIGNING_KEY = 'test-signing-key-0123456789abcdef0123456789';

export async function startTestApp({ env = {}, limits = {}, deps = {} }: TestAppOptions = {}): Promise<TestServer> {
  const base = loadConfig({ LOG_LEVEL: 'info', SIGNING_KEY: TEST_SIGNING_KEY, ...env });
  const config: Config = { ...base, limits: { ...base.limits, ...limits } };
  const lines: string[] = [];
  const app = await createApp(config, {
    logDestination: { write: (line: string) => void lines.push(line) },
    chatkitDatabasePath: ':memory:',
    ...deps,
  });
  const { server, url } = await listen(app.app, '127.0.0.1', 0);
  return {
    url,
    config,
    app,
    server,
    logs: () => lines.join(''),
    async close() {
      await closeGracefully(server, 1_000);
      await app.close();
    },
  };
}

export interface JsonAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body (undefined when the body was not JSON). */
  body: any;
  text: string;
}

async function answer(res: Response): Promise<JsonAnswer> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** POSTs `body` as JSON (a string is sent as is), with extra headers. */
export async function postJson(url: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonAnswer> {
  return answer(
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<JsonAnswer> {
  return answer(await fetch(url, { headers }));
}

/** A clock tests can move forward. */
export function manualClock(startMs = Date.now()) {
  let now = startMs;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}
