/**
 * The embed code for a set of builder choices, as a site owner pastes it: the attributes that differ from the
 * widget's defaults, as two lines (the script and the element) or as one tag (the script with the attributes as
 * `data-*`, which adds the element to the page itself: for CMS "header scripts" boxes and tag managers); the auth
 * hook as a file of its own (a strict CSP blocks inline scripts); and the token server's settings that let the site
 * in, extending what the server has now. The demo pages render their snippets from here too.
 */
export type EmbedForm = 'element' | 'one-tag';

export interface EmbedChoices {
  embed: EmbedForm;
  authMode: 'direct-token' | 'custom-fetch' | 'client-secret';
  display: 'inline' | 'launcher';
  position: 'bottom-right' | 'bottom-left';
  theme: 'light' | 'dark' | 'auto';
  accent?: string;
  title: string;
  greeting: string;
  placeholder: string;
}

/** What the running token server is configured with (the parsed ALLOWED_ORIGINS and PUBLIC_KEYS). */
export interface ServerSettings {
  allowedOrigins: string[];
  publicKeys: { key: string; origins: string[] }[];
  /** Whether user JWTs are verified against the demo's own sign-in (no AUTH_* of the site owner's). */
  demoSignIn: boolean;
  /** Whether CHATKIT_DOMAIN_KEY is set (public visitors on a real host need it for the custom backend). */
  domainKeySet: boolean;
}

/** Stands for the ChatKit domain key OpenAI's domain allowlist gives for the site's host. */
export const DOMAIN_KEY_PLACEHOLDER = 'domain_pk_...';
/** Where the snippet expects the site's own auth hook (served from the site, so `script-src 'self'` allows it). */
export const AUTH_SCRIPT_PATH = '/chat-auth.js';

/** The contents of chat-auth.js: the signed-in user's JWT for the widget, Better Auth's way. */
export const AUTH_SCRIPT = `// ${AUTH_SCRIPT_PATH}, on your site. With Better Auth's JWT plugin; any sign-in that issues JWTs works.
import { authClient } from './auth-client.js';

const widget = document.querySelector('chat-kit-widget');
widget.getAuthToken = async () => (await authClient.token()).data?.token ?? null;
// When the user signs out: await widget.reset();
`;

export const isSignedInMode = (authMode: EmbedChoices['authMode']) => authMode !== 'direct-token';

/** The element's attributes for these choices, in the order a person would read them. */
export function widgetAttributes(choices: EmbedChoices, publicKey: string): [string, string][] {
  const attributes: [string, string][] = [['auth-mode', choices.authMode]];
  if (choices.authMode === 'direct-token') attributes.push(['public-key', publicKey]);
  // Outside localhost the custom backend needs the domain key of the page's host.
  if (choices.authMode === 'custom-fetch') attributes.push(['domain-key', DOMAIN_KEY_PLACEHOLDER]);
  if (choices.display === 'launcher') {
    attributes.push(['display', 'launcher']);
    if (choices.position !== 'bottom-right') attributes.push(['position', choices.position]);
  }
  if (choices.theme !== 'light') attributes.push(['theme', choices.theme]);
  if (choices.accent) attributes.push(['accent', choices.accent]);
  for (const name of ['title', 'greeting', 'placeholder'] as const) {
    const text = choices[name].trim();
    if (text) attributes.push([name, text]);
  }
  return attributes;
}

function attributeValue(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function embedSnippet(choices: EmbedChoices, server: string, publicKey: string): string {
  const attributes = widgetAttributes(choices, publicKey);
  const listed = (prefix: string) => attributes.map(([name, value]) => `\n  ${prefix}${name}="${attributeValue(value)}"`).join('');
  const lines =
    choices.embed === 'one-tag'
      ? [`<script src="${server}/chat-kit-widget.js"${listed('data-')}\n  defer></script>`]
      : [`<script src="${server}/chat-kit-widget.js" defer></script>`, `<chat-kit-widget${listed('')}></chat-kit-widget>`];
  if (isSignedInMode(choices.authMode)) lines.push(`<script type="module" src="${AUTH_SCRIPT_PATH}"></script>`);
  return lines.join('\n');
}

/** Where each form of the embed code goes. */
export function embedHelp(embed: EmbedForm): string {
  return embed === 'one-tag'
    ? "One script tag for a CMS's header-scripts box or a tag manager: it adds the chat at the end of the page by itself."
    : 'The script, and the element where the chat goes in your HTML.';
}

/** `https://www.example.com` for an http(s) origin typed without a path, otherwise undefined. */
export function siteOriginOf(text: string): string | undefined {
  const trimmed = text.trim().replace(/\/$/, '');
  if (!URL.canParse(trimmed)) return undefined;
  const url = new URL(trimmed);
  return /^https?:$/.test(url.protocol) && url.origin === trimmed ? url.origin : undefined;
}

const withOrigin = (origins: string[], origin: string) => (origins.includes(origin) ? origins : [...origins, origin]);

/** The whole PUBLIC_KEYS value with `origin` added to `publicKey`'s list; the other keys and origins stay. */
export function publicKeysWith(settings: ServerSettings, publicKey: string, origin: string): string {
  const entries = settings.publicKeys.some((entry) => entry.key === publicKey) ? settings.publicKeys : [...settings.publicKeys, { key: publicKey, origins: [] }];
  return entries.map(({ key, origins }) => `${key}=${(key === publicKey ? withOrigin(origins, origin) : origins).join('|')}`).join(';');
}

/** The whole ALLOWED_ORIGINS value with `origin` added. */
export function allowedOriginsWith(settings: ServerSettings, origin: string): string {
  return withOrigin(settings.allowedOrigins, origin).join(',');
}

/** The token server's `.env` lines that let a site on `origin` use this snippet, keeping what is configured now. */
export function serverSettingsFor(authMode: EmbedChoices['authMode'], origin: string, settings: ServerSettings, publicKey: string): string {
  if (authMode === 'direct-token')
    return [
      `PUBLIC_KEYS=${publicKeysWith(settings, publicKey, origin)}`,
      ...(settings.domainKeySet ? [] : [`CHATKIT_DOMAIN_KEY=${DOMAIN_KEY_PLACEHOLDER}   # OpenAI's domain key for ${new URL(origin).host}`]),
    ].join('\n');
  const lines = [
    `ALLOWED_ORIGINS=${allowedOriginsWith(settings, origin)}`,
    `# your sign-in's key set; with Better Auth (iss and aud are its base URL):`,
    `AUTH_JWKS_URL=${origin}/api/auth/jwks`,
    `AUTH_ISSUER=${origin}`,
    `AUTH_AUDIENCE=${origin}`,
  ];
  if (authMode === 'client-secret') lines.push('OPENAI_API_KEY=sk-...', 'CHATKIT_WORKFLOW_ID=wf_...   # the Agent Builder workflow');
  return lines.join('\n');
}

/** What the site owner still has to do, in a sentence, besides the settings. */
export function snippetHelp(authMode: EmbedChoices['authMode']): string {
  const restart = 'Add these lines to the token server\'s .env (they keep what it allows today) and restart it.';
  switch (authMode) {
    case 'direct-token':
      return `${restart} CHATKIT_DOMAIN_KEY, when listed, is the key OpenAI's ChatKit domain allowlist gives for your host (any placeholder works on localhost).`;
    case 'custom-fetch':
      return `${restart} Put ${AUTH_SCRIPT_PATH} on your site, and replace ${DOMAIN_KEY_PLACEHOLDER} with the domain key OpenAI's ChatKit domain allowlist gives for your host (any placeholder works on localhost).`;
    case 'client-secret':
      return `${restart} Put ${AUTH_SCRIPT_PATH} on your site. Hosted sessions run an Agent Builder workflow, and OpenAI has shut Agent Builder down; prefer custom-fetch.`;
  }
}

/** chat-auth.js for an embed form: the one tag adds the element itself, so the hook waits until it is defined. */
export function authScriptFor(embed: EmbedForm): string {
  return embed === 'one-tag'
    ? AUTH_SCRIPT.replace("\nconst widget", "\nawait customElements.whenDefined('chat-kit-widget'); // the tag adds the element when it runs\nconst widget")
    : AUTH_SCRIPT;
}
