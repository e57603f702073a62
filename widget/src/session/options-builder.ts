/**
 * Builds the full `ChatKitOptions` ChatKit gets on every `setOptions` (which replaces, never merges): the
 * attributes' values, what a custom backend's capabilities turn on in the composer, the page's `options`
 * property merged over both, and the auth strategy's `api`.
 * Only keys ChatKit knows pass: an unknown key makes ChatKit's frame refuse to load.
 */
import type { ChatKitOptions, ThemeOption } from '@openai/chatkit';
import type { WidgetConfig } from '../config/widget-config.js';
import type { ApiPlan } from '../auth/types.js';

const CHATKIT_KEYS = new Set<string>([
  'locale',
  'theme',
  'frameTitle',
  'initialThread',
  'onClientTool',
  'header',
  'history',
  'startScreen',
  'threadItemActions',
  'composer',
  'disclaimer',
  'entities',
  'commands',
  'widgets',
  'thread',
]);

export interface OptionsInput {
  config: WidgetConfig;
  plan: ApiPlan;
  /** The element's `options` property. */
  pageOptions?: Partial<ChatKitOptions>;
  initialThread: string | null;
  /** Whether `prefers-color-scheme: dark` matches (for `theme="auto"`). */
  prefersDark: boolean;
  /** Composer options from the custom backend's capabilities (attachments, dictation, models, tools). */
  backendComposer?: ChatKitOptions['composer'];
}

type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** `over` wins; plain objects merge key by key, anything else (arrays, functions) replaces. */
function merge(base: PlainObject, over: PlainObject): PlainObject {
  const out: PlainObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? merge(current, value) : value;
  }
  return out;
}

const warnedKeys = new Set<string>();

function knownKeysOnly(options: PlainObject): PlainObject {
  const kept: PlainObject = {};
  for (const [key, value] of Object.entries(options)) {
    if (CHATKIT_KEYS.has(key)) kept[key] = value;
    else if (key !== 'api' && !warnedKeys.has(key)) {
      warnedKeys.add(key);
      console.warn(`<chat-kit-widget>: options.${key} is not a ChatKit option and was left out.`);
    }
  }
  return kept;
}

function themeOf(config: WidgetConfig, prefersDark: boolean): ThemeOption {
  const colorScheme = config.theme === 'auto' ? (prefersDark ? 'dark' : 'light') : config.theme;
  return config.accent ? { colorScheme, color: { accent: { primary: config.accent, level: 1 } } } : { colorScheme };
}

function apiOf(plan: ApiPlan, pageOptions: Partial<ChatKitOptions> | undefined, uploads: boolean): ChatKitOptions['api'] {
  if (plan.kind === 'hosted') return { getClientSecret: plan.getClientSecret };
  const pageApi = pageOptions?.api as PlainObject | undefined;
  const api: ChatKitOptions['api'] = { url: plan.url, domainKey: plan.domainKey, fetch: plan.fetch };
  // The one api setting a page may add: how attachments upload to its backend. The token server takes two-phase
  // uploads through the same authenticated fetch.
  if (pageApi && isPlainObject(pageApi.uploadStrategy)) api.uploadStrategy = pageApi.uploadStrategy as never;
  else if (uploads) api.uploadStrategy = { type: 'two_phase' };
  return api;
}

export function buildOptions(input: OptionsInput): ChatKitOptions {
  const { config } = input;
  const fromAttributes: PlainObject = {
    locale: config.locale,
    theme: themeOf(config, input.prefersDark),
    initialThread: input.initialThread,
  };
  if (config.title) {
    fromAttributes.frameTitle = config.title;
    // The launcher's own header already shows the title; ChatKit's then shows the thread's.
    if (config.display !== 'launcher') fromAttributes.header = { title: { text: config.title } };
  }
  if (config.greeting) fromAttributes.startScreen = { greeting: config.greeting };
  const composer = { ...input.backendComposer, ...(config.placeholder && { placeholder: config.placeholder }) };
  if (Object.keys(composer).length > 0) fromAttributes.composer = composer;

  const page = isPlainObject(input.pageOptions) ? knownKeysOnly(input.pageOptions) : {};
  if (typeof page.theme === 'string') page.theme = { colorScheme: page.theme };
  return { ...merge(fromAttributes, page), api: apiOf(input.plan, input.pageOptions, Boolean(input.backendComposer?.attachments?.enabled)) } as ChatKitOptions;
}
