/**
 * Turns the element's attributes into one validated configuration. Every bad value is reported with the
 * attribute's name and what it accepts (`invalid_attribute`), so a site owner sees what to fix.
 */
import { WidgetError } from '../errors.js';

export const CHATKIT_SCRIPT_URL = 'https://cdn.platform.openai.com/deployments/chatkit/chatkit.js';

const AUTH_MODES = ['client-secret', 'custom-fetch', 'direct-token'] as const;
const DISPLAYS = ['inline', 'launcher'] as const;
const POSITIONS = ['bottom-right', 'bottom-left'] as const;
const THEMES = ['light', 'dark', 'auto'] as const;
const PERSISTS = ['local', 'session', 'none'] as const;
const CREDENTIALS = ['include', 'same-origin', 'omit'] as const;

export type AuthMode = (typeof AUTH_MODES)[number];
export type Display = (typeof DISPLAYS)[number];
export type Position = (typeof POSITIONS)[number];
export type Theme = (typeof THEMES)[number];
export type Persist = (typeof PERSISTS)[number];

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
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function oneOf<T extends string>(name: string, value: string | null | undefined, allowed: readonly T[], fallback: T): T {
  const given = text(value);
  if (given === undefined) return fallback;
  if ((allowed as readonly string[]).includes(given)) return given as T;
  throw new WidgetError('invalid_attribute', `${name}="${given}" is not valid; use ${allowed.join(', ')}.`, undefined, name);
}

function httpUrl(name: string, value: string, base: string): string {
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    throw new WidgetError('invalid_attribute', `${name} must be a URL; "${value}" is not one.`, undefined, name);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new WidgetError('invalid_attribute', `${name} must be an http(s) URL.`, undefined, name);
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
  const publicKey = text(attributes.publicKey);
  const clientSecret = text(attributes.clientSecret);
  const authMode = oneOf('auth-mode', attributes.authMode, AUTH_MODES, publicKey || clientSecret ? 'direct-token' : 'custom-fetch');
  const defaultServer = env.loaderUrl ? new URL(env.loaderUrl).origin : new URL(env.pageUrl).origin;
  const server = httpUrl('server', text(attributes.server) ?? defaultServer, env.pageUrl);
  const apiUrl = httpUrl('api-url', text(attributes.apiUrl) ?? `${server}/api/chatkit`, env.pageUrl);
  const accent = text(attributes.accent);
  if (accent !== undefined && !CSS.supports('color', accent))
    throw new WidgetError('invalid_attribute', `accent="${accent}" is not a CSS colour.`, undefined, 'accent');
  if (authMode === 'direct-token' && !publicKey && !clientSecret)
    throw new WidgetError('invalid_attribute', 'auth-mode="direct-token" needs a public-key or a client-secret attribute.', undefined, 'public-key');

  let domainKey = text(attributes.domainKey);
  if (!domainKey && authMode === 'custom-fetch') {
    if (!isLocalHost(env.pageUrl))
      throw new WidgetError('invalid_attribute', 'domain-key is required on this host (register the domain with OpenAI to get one).', undefined, 'domain-key');
    domainKey = LOCAL_DOMAIN_KEY;
  }

  return {
    authMode,
    server,
    publicKey,
    clientSecret,
    authToken: text(attributes.authToken),
    credentials: oneOf('credentials', attributes.credentials, CREDENTIALS, 'same-origin'),
    apiUrl,
    domainKey,
    display: oneOf('display', attributes.display, DISPLAYS, 'inline'),
    position: oneOf('position', attributes.position, POSITIONS, 'bottom-right'),
    theme: oneOf('theme', attributes.theme, THEMES, 'light'),
    accent,
    locale: text(attributes.locale) ?? env.language,
    greeting: text(attributes.greeting),
    placeholder: text(attributes.placeholder),
    title: text(attributes.headerTitle),
    persist: oneOf('persist', attributes.persist, PERSISTS, 'local'),
    nonce: text(attributes.nonce),
    scriptSrc: httpUrl('script-src', text(attributes.scriptSrc) ?? CHATKIT_SCRIPT_URL, env.pageUrl),
  };
}
