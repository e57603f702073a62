/**
 * Turns the element's attributes into one validated configuration. Every bad value is reported with the
 * attribute's name and what it accepts (`invalid_attribute`), so a site owner sees what to fix.
 */
import { WidgetError } from '../errors.js';

export const CHATKIT_SCRIPT_URL = 'https://cdn.platform.openai.com/deployments/chatkit/chatkit.js';

const AUTH_MODES = ['client-secret', 'custom-fetch', 'direct-token'] as const;
/** The attributes that take one of a few words, each with its default first. */
const CHOICES = {
  credentials: ['same-origin', 'include', 'omit'],
  display: ['inline', 'launcher'],
  position: ['bottom-right', 'bottom-left'],
  theme: ['light', 'dark', 'auto'],
  persist: ['local', 'session', 'none'],
} as const;
/** The attributes taken as written (trimmed; blank counts as absent). */
const TEXTS = ['publicKey', 'clientSecret', 'authToken', 'domainKey', 'accent', 'greeting', 'placeholder', 'nonce'] as const;

export type AuthMode = (typeof AUTH_MODES)[number];
export type Display = (typeof CHOICES.display)[number];
export type Position = (typeof CHOICES.position)[number];
export type Theme = (typeof CHOICES.theme)[number];
export type Persist = (typeof CHOICES.persist)[number];

/** The attribute values as the element's properties hold them (absent attributes are undefined or null). */
export interface WidgetAttributes {
  authMode?: string | null;
  server?: string | null;
  publicKey?: string | null;
  clientSecret?: string | null;
  authToken?: string | null;
  credentials?: string | null;
  apiUrl?: string | null;
  domainKey?: string | null;
  display?: string | null;
  position?: string | null;
  theme?: string | null;
  accent?: string | null;
  locale?: string | null;
  greeting?: string | null;
  placeholder?: string | null;
  /** The `title` attribute. */
  headerTitle?: string | null;
  persist?: string | null;
  /** The element's `nonce` property: browsers hide the attribute once the element is in the page. */
  nonce?: string | null;
  scriptSrc?: string | null;
}

export interface WidgetConfig {
  authMode: AuthMode;
  /** Token server base URL, absolute, without a trailing slash. */
  server: string;
  publicKey?: string;
  clientSecret?: string;
  authToken?: string;
  credentials: RequestCredentials;
  apiUrl: string;
  /** Set in custom-fetch mode; direct-token gets it from the server, hosted mode needs none. */
  domainKey?: string;
  display: Display;
  position: Position;
  theme: Theme;
  accent?: string;
  locale: string;
  greeting?: string;
  placeholder?: string;
  title?: string;
  persist: Persist;
  nonce?: string;
  scriptSrc: string;
}

export interface ConfigEnvironment {
  /** Where the script-tag file was loaded from; its origin is the default server. */
  loaderUrl?: string;
  /** The page's URL (relative attribute URLs resolve against it; localhost gets a placeholder domain key). */
  pageUrl: string;
  language: string;
}

/** The placeholder domain key ChatKit accepts on local hosts (OpenAI's own samples use it). */
export const LOCAL_DOMAIN_KEY = 'local-dev';

function text(value: string | null | undefined): string | undefined {
  return value?.trim() || undefined;
}

function invalid(attribute: string, problem: string): never {
  throw new WidgetError('invalid_attribute', problem, undefined, attribute);
}

function oneOf<T extends string>(name: string, value: string | null | undefined, allowed: readonly T[], fallback: T): T {
  const given = text(value);
  if (given === undefined) return fallback;
  if ((allowed as readonly string[]).includes(given)) return given as T;
  return invalid(name, `${name}="${given}" is not valid; use ${allowed.join(', ')}.`);
}

/** An http(s) URL (relative to the page), without a trailing slash; `fallback` when the attribute is absent. */
function httpUrl(name: string, value: string | null | undefined, fallback: string, base: string): string {
  const given = text(value) ?? fallback;
  let url: URL;
  try {
    url = new URL(given, base);
  } catch {
    return invalid(name, `${name} must be a URL; "${given}" is not one.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') invalid(name, `${name} must be an http(s) URL.`);
  return url.href.replace(/\/+$/, '');
}

export function isLocalHost(pageUrl: string): boolean {
  const host = new URL(pageUrl).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host.endsWith('.localhost');
}

/** The display mode alone, tolerant of bad values, so the element can still draw itself to show the error. */
export function displayOf(attributes: WidgetAttributes): Display {
  return attributes.display === 'launcher' ? 'launcher' : 'inline';
}

export function readConfig(attributes: WidgetAttributes, env: ConfigEnvironment): WidgetConfig {
  const config = { title: text(attributes.headerTitle), locale: text(attributes.locale) ?? env.language } as WidgetConfig;
  for (const key of TEXTS) config[key] = text(attributes[key]);
  for (const [name, allowed] of Object.entries(CHOICES)) (config as unknown as Record<string, string>)[name] = oneOf(name, attributes[name as keyof typeof CHOICES], allowed, allowed[0]);
  const { publicKey, clientSecret, accent } = config;
  const authMode = (config.authMode = oneOf('auth-mode', attributes.authMode, AUTH_MODES, publicKey || clientSecret ? 'direct-token' : 'custom-fetch'));
  config.server = httpUrl('server', attributes.server, new URL(env.loaderUrl ?? env.pageUrl).origin, env.pageUrl);
  config.apiUrl = httpUrl('api-url', attributes.apiUrl, `${config.server}/api/chatkit`, env.pageUrl);
  config.scriptSrc = httpUrl('script-src', attributes.scriptSrc, CHATKIT_SCRIPT_URL, env.pageUrl);
  if (accent !== undefined && !CSS.supports('color', accent)) invalid('accent', `accent="${accent}" is not a CSS colour.`);
  if (authMode === 'direct-token' && !publicKey && !clientSecret)
    invalid('public-key', 'auth-mode="direct-token" needs a public-key or a client-secret attribute.');
  if (!config.domainKey && authMode === 'custom-fetch') {
    if (!isLocalHost(env.pageUrl)) invalid('domain-key', 'domain-key is required on this host (register the domain with OpenAI to get one).');
    config.domainKey = LOCAL_DOMAIN_KEY;
  }
  return config;
}
