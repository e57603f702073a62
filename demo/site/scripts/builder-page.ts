/**
 * The embed builder: every change in the form is applied to the live widget's attributes at once, and the
 * snippet below it is rewritten to match, with the auth hook file for the signed-in modes and the token
 * server's settings for the site's origin (extending what this server allows now).
 */
import { getToken } from './demo-auth-client.js';
import { required } from './dom.js';
import { authScriptFor, embedHelp, embedSnippet, isSignedInMode, serverSettingsFor, siteOriginOf, snippetHelp, widgetAttributes, type EmbedChoices } from './embed-snippet.js';
import { readServerSettings } from './server-settings.js';

const form = required<HTMLFormElement>('[data-builder-form]');
const widget = required<HTMLElementTagNameMap['chat-kit-widget']>('[data-preview] chat-kit-widget');
const previewNote = required<HTMLElement>('[data-preview-note]');
const snippet = required<HTMLElement>('[data-snippet]');
const help = required<HTMLElement>('[data-snippet-help]');
const formHelp = required<HTMLElement>('[data-embed-help]');
const authScriptBlock = required<HTMLElement>('[data-auth-script-block]');
const authScript = required<HTMLElement>('[data-auth-script]');
const settingsBlock = required<HTMLElement>('[data-server-settings]');
const siteOriginInput = required<HTMLInputElement>('[name="site-origin"]');
const siteOriginHelp = required<HTMLElement>('[data-site-origin-help]');
const serverSettings = readServerSettings();
const copyStatus = required<HTMLElement>('[data-copy-status]');
const publicKey = widget.getAttribute('public-key') ?? '';
/** Attributes the builder manages; the rest (the public key for the preview's fallback, script-src) stay. */
const MANAGED = ['auth-mode', 'display', 'position', 'theme', 'accent', 'title', 'greeting', 'placeholder'];

// Signed-in modes use this site's demo sign-in when someone is signed in, and fall back to the public key otherwise.
widget.getAuthToken = getToken;

function readChoices(): EmbedChoices {
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? '');
  return {
    embed: text('embed') as EmbedChoices['embed'],
    authMode: text('auth-mode') as EmbedChoices['authMode'],
    display: text('display') as EmbedChoices['display'],
    position: text('position') as EmbedChoices['position'],
    theme: text('theme') as EmbedChoices['theme'],
    accent: data.get('use-accent') ? text('accent') : undefined,
    title: text('title'),
    greeting: text('greeting'),
    placeholder: text('placeholder'),
  };
}

function previewNoteFor(choices: EmbedChoices): string {
  const notes: string[] = [];
  if (choices.display === 'launcher') notes.push(`The launcher sits in the bottom-${choices.position.split('-')[1]} corner of this box, as it will in the corner of your page.`);
  if (isSignedInMode(choices.authMode))
    notes.push('Signed-in modes use the JWT from your page; here that is the demo sign-in (sign in on the Signed in page), and without one the preview falls back to the public key.');
  return notes.join(' ');
}

function apply(): void {
  const choices = readChoices();
  const attributes = new Map(widgetAttributes(choices, publicKey));
  for (const name of MANAGED) {
    const value = attributes.get(name);
    if (value === undefined) widget.removeAttribute(name);
    else if (widget.getAttribute(name) !== value) widget.setAttribute(name, value);
  }
  const note = previewNoteFor(choices);
  previewNote.textContent = note;
  previewNote.hidden = !note;
  form.querySelector<HTMLSelectElement>('[name="position"]')!.disabled = choices.display !== 'launcher';
  snippet.textContent = embedSnippet(choices, location.origin, publicKey);
  formHelp.textContent = embedHelp(choices.embed);
  authScriptBlock.hidden = !isSignedInMode(choices.authMode);
  authScript.textContent = authScriptFor(choices.embed);
  const siteOrigin = siteOriginOf(siteOriginInput.value);
  siteOriginInput.setAttribute('aria-invalid', String(!siteOrigin));
  siteOriginHelp.textContent = siteOrigin
    ? "Scheme and host (and port), no path: the server's settings below let it in."
    : `"${siteOriginInput.value}" is not an origin: write it as https://www.example.com (no path).`;
  settingsBlock.textContent = serverSettingsFor(choices.authMode, siteOrigin ?? 'https://www.example.com', serverSettings, publicKey);
  help.textContent = snippetHelp(choices.authMode);
  copyStatus.textContent = '';
}

const COPY_SOURCES: Record<string, string> = { snippet: '[data-snippet]', 'auth-script': '[data-auth-script]', 'server-settings': '[data-server-settings]' };

async function copy(source: HTMLElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(source.textContent ?? '');
    copyStatus.textContent = 'Copied to the clipboard.';
  } catch {
    // Clipboard access can be refused (permissions, insecure context): select the text so Ctrl+C works.
    getSelection()?.selectAllChildren(source);
    copyStatus.textContent = 'Selected: press Ctrl+C (or ⌘C) to copy.';
  }
}

form.addEventListener('input', apply);
form.addEventListener('change', apply);
form.addEventListener('submit', (event) => event.preventDefault());
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-copy]'))
  button.addEventListener('click', () => void copy(required<HTMLElement>(COPY_SOURCES[button.dataset.copy!]!)));
apply();
