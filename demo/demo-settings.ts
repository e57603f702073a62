/**
 * The demo's embedded defaults. `npm start` needs no environment at all: the token server is configured for the
 * demo's own pages, publishable key and identity provider, and anything set in the environment (or `.env`) wins.
 */
import { ConfigError } from '../token-server/src/config.js';

type Env = Record<string, string | undefined>;

export const DEMO_PUBLIC_KEY = 'pk_demo';
const DEFAULT_PORT = 8787;
const DEFAULT_SECOND_ORIGIN_PORT = 8788;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** What the demo itself reads; everything else belongs to the token server. */
export interface DemoSettings {
  host: string;
  port: number;
  /** Port of the "someone else's site" page that embeds the widget from the main origin. */
  secondOriginPort: number;
  /** Replaces OpenAI's ChatKit script on every demo page (the end-to-end tests point it at a stand-in). */
  chatkitScriptSrc?: string;
}

/** Where the demo ended up listening; known only after listening, since ports may be 0 (any free port). */
export interface DemoAddresses {
  /** The URL people open: PUBLIC_URL, else http://localhost:<port>. */
  siteUrl: string;
  /** The second origin's URL, http://localhost:<second port>. */
  secondOriginUrl: string;
  /** How the server reaches itself (the token server fetches the demo's JWKS here). */
  loopbackUrl: string;
  /** The demo's to-do MCP server, when it runs (not when CHATKIT_MCP_SERVERS names servers of one's own). */
  todoMcpUrl?: string;
}

/** What the demo agent is told when the demo's to-do server is its tool. */
export const DEMO_INSTRUCTIONS =
  "You are the chat-kit-widget demo assistant. Keep answers short. You can manage the user's to-do list: add_todo adds an item, list_todos shows the list (the user sees it as a widget, so do not repeat it item by item), delete_todo deletes one by its number (the user is asked to approve first).";

function present(env: Env, name: string): string | undefined {
  return env[name]?.trim() || undefined;
}

function port(env: Env, name: string, fallback: number): number {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > 65_535) throw new ConfigError(name, 'must be a port number from 0 to 65535.');
  return Number(raw);
}

export function readDemoSettings(env: Env): DemoSettings {
  const chatkitScriptSrc = present(env, 'DEMO_CHATKIT_SCRIPT_SRC');
  if (chatkitScriptSrc && !(URL.canParse(chatkitScriptSrc) && /^https?:$/.test(new URL(chatkitScriptSrc).protocol)))
    throw new ConfigError('DEMO_CHATKIT_SCRIPT_SRC', 'must be an http(s) URL of a script that defines <openai-chatkit>.');
  const host = present(env, 'HOST') ?? '127.0.0.1';
  // The demo sign-in lets anyone claim any name; on a reachable address that is anyone signing in as anyone.
  if (usesDemoIdentity(env) && !LOOPBACK_HOSTS.has(host) && present(env, 'DEMO_ALLOW_REMOTE_SIGN_IN') !== 'true')
    throw new ConfigError(
      'HOST',
      `is ${host}, beyond localhost, where the demo sign-in would let anyone sign in as anyone: set AUTH_JWKS_URL (or another AUTH_*) to your own sign-in, or DEMO_ALLOW_REMOTE_SIGN_IN=true if that is really what you want.`,
    );
  return {
    host,
    port: port(env, 'PORT', DEFAULT_PORT),
    secondOriginPort: port(env, 'DEMO_SECOND_ORIGIN_PORT', DEFAULT_SECOND_ORIGIN_PORT),
    chatkitScriptSrc,
  };
}

/** Both spellings of a loopback origin, since people open either. */
function originVariants(url: string): string[] {
  const origin = new URL(url).origin;
  const { hostname, port } = new URL(origin);
  if (hostname !== 'localhost' && hostname !== '127.0.0.1') return [origin];
  return [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
}

export function demoOrigins(addresses: DemoAddresses): { site: string[]; all: string[] } {
  const site = originVariants(addresses.siteUrl);
  return { site, all: [...site, ...originVariants(addresses.secondOriginUrl)] };
}

/**
 * The token server's environment for the demo: the demo's defaults under whatever is set. User authentication
 * defaults to the demo identity provider only when no other way of verifying user JWTs is configured.
 */
export function tokenServerEnvironment(env: Env, settings: DemoSettings, addresses: DemoAddresses): Env {
  const origins = demoOrigins(addresses).all;
  const defaults: Env = {
    PUBLIC_URL: addresses.siteUrl,
    ALLOWED_ORIGINS: origins.join(','),
    PUBLIC_KEYS: `${DEMO_PUBLIC_KEY}=${origins.join('|')}`,
    DATA_DIR: './data',
  };
  if (addresses.todoMcpUrl) {
    // The demo's own MCP server: it verifies the per-user token this server forwards, and deleting asks first.
    defaults.CHATKIT_MCP_SERVERS = JSON.stringify([{ name: 'todos', url: addresses.todoMcpUrl, forward_user: true, require_approval: ['delete_todo'] }]);
    defaults.CHATKIT_INSTRUCTIONS = DEMO_INSTRUCTIONS;
  }
  if (usesDemoIdentity(env))
    Object.assign(defaults, {
      AUTH_JWKS_URL: `${addresses.loopbackUrl}/api/auth/jwks`,
      AUTH_ISSUER: addresses.siteUrl,
      AUTH_AUDIENCE: addresses.siteUrl,
      AUTH_ALGORITHMS: 'EdDSA',
    });
  const merged: Env = { ...defaults };
  for (const [name, value] of Object.entries(env)) if (value?.trim()) merged[name] = value;
  // Where the server really listens (PORT may have asked for any free port).
  return { ...merged, HOST: settings.host, PORT: new URL(addresses.loopbackUrl).port };
}

/** Whether the demo runs its own to-do MCP server (unless CHATKIT_MCP_SERVERS names servers of one's own). */
export function usesDemoTools(env: Env): boolean {
  return !present(env, 'CHATKIT_MCP_SERVERS');
}

/** Whether the token server trusts the demo identity provider's tokens (no other user auth configured). */
export function usesDemoIdentity(env: Env): boolean {
  return !['AUTH_JWKS_URL', 'AUTH_JWT_SECRET', 'AUTH_JWT_PUBLIC_KEY'].some((name) => present(env, name));
}
