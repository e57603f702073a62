/**
 * Starts the product for a suite: the OpenAI mock (core 1, with the bench identity's JWKS) and the real token
 * server (core 0) configured against it with every feature on: user JWTs from a JWKS, hosted sessions, public
 * keys and the custom backend.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MOCK_OPENAI_API_KEY } from '../../token-server/test-support/openai-mock-sessions.js';
import { startHost, type Host } from './hosts.js';
import { AUDIENCE, ISSUER, type Identity } from './identity.js';

/** The site that embeds the widget, as the token server sees it in `Origin`. */
export const SITE_ORIGIN = 'https://shop.example';
export const PUBLIC_KEY = 'pk_bench';

/** `deltaDelayMs`: the model pauses this long before each chunk of its reply (a slow model). */
export function startMock(identity: Identity, deltaDelayMs = 0): Promise<Host> {
  return startHost({ name: 'openai-mock', entry: 'bench/hosts/openai-mock.ts', cpu: 1, env: { BENCH_JWKS: identity.jwks, BENCH_DELTA_DELAY_MS: String(deltaDelayMs) } });
}

/** Bare Express; its `/sdk-session` route calls the mock through the `openai` SDK. */
export function startHello(mock: Host): Promise<Host> {
  const env = { BENCH_OPENAI_BASE_URL: `${mock.url}/v1`, BENCH_OPENAI_API_KEY: MOCK_OPENAI_API_KEY };
  return startHost({ name: 'express-hello', entry: 'bench/hosts/express-hello.ts', cpu: 0, env });
}

export interface TokenServer extends Host {
  /** Stops the server and removes its data folder. */
  stop(): Promise<void>;
}

const dataDirs = new Set<string>();

/** Last resort after `killAllHosts()`: removes the data folders of servers that were not stopped in order. */
export function removeDataDirs(): void {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  dataDirs.clear();
}

/**
 * `extraEnv` is added to (and overrides) the environment below; `cpu` is the core to pin it to; `serverRoot` runs
 * another checkout's build (`HostOptions.serverRoot`).
 */
export async function startTokenServer(mock: Host, name = 'token-server', nodeArgs: string[] = [], extraEnv: Record<string, string> = {}, cpu = 0, serverRoot?: string): Promise<TokenServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ckw-bench-'));
  dataDirs.add(dataDir);
  const env: Record<string, string> = {
    AUTH_JWKS_URL: `${mock.url}/jwks.json`,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    OPENAI_API_KEY: MOCK_OPENAI_API_KEY,
    OPENAI_BASE_URL: `${mock.url}/v1`,
    CHATKIT_WORKFLOW_ID: 'wf_bench',
    CHATKIT_BACKEND: 'custom',
    CHATKIT_MODEL: 'gpt-bench',
    CHATKIT_DOMAIN_KEY: 'domain_pk_bench',
    ALLOWED_ORIGINS: SITE_ORIGIN,
    PUBLIC_KEYS: `${PUBLIC_KEY}=${SITE_ORIGIN}`,
    SIGNING_KEY: randomBytes(32).toString('base64url'),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    ...extraEnv,
  };
  const host = await startHost({ name, entry: 'bench/hosts/token-server.ts', cpu, env, nodeArgs, discardStdout: true, serverRoot });
  return {
    ...host,
    stop: async () => {
      await host.stop();
      rmSync(dataDir, { recursive: true, force: true });
      dataDirs.delete(dataDir);
    },
  };
}

/** `--compare-server`'s build (another checkout, with its `node_modules` and a built `dist/server`) on the same mock and core. */
export function startComparedServer(mock: Host, root: string): Promise<TokenServer> {
  if (!existsSync(join(root, 'dist/server/index.js'))) throw new Error(`--compare-server: no ${join(root, 'dist/server/index.js')} (run npm ci and npm run build:server in that checkout)`);
  return startTokenServer(mock, 'token-server (compared build)', [], {}, 0, root);
}
