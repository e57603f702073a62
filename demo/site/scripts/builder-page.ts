/**
 * The embed builder: every change in the form is applied to the live widget's attributes at once, and the
 * snippet below it is rewritten to match.
 */
import { getToken } from './demo-auth-client.js';
import { required } from './dom.js';
import { embedHelp, embedSnippet, snippetHelp, widgetAttributes, type EmbedChoices } from './embed-snippet.js';

const form = required<HTMLFormElement>('[data-builder-form]');
const widget = required<HTMLElementTagNameMap['chat-kit-widget']>('[data-preview] chat-kit-widget');
const previewNote = required<HTMLElement>('[data-preview-note]');
const snippet = required<HTMLElement>('[data-snippet]');
const help = required<HTMLElement>('[data-snippet-help]');
const formHelp = required<HTMLElement>('[data-embed-help]');
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
  if (choices.display === 'launcher') notes.push('The launcher floats in the corner of this window: look bottom-' + choices.position.split('-')[1] + '.');
  if (choices.authMode !== 'direct-token')
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
  help.textContent = snippetHelp(choices.authMode, publicKey);
  formHelp.textContent = embedHelp(choices.embed);
  copyStatus.textContent = '';
}

async function copySnippet(): Promise<void> {
  try {
    await navigator.clipboard.writeText(snippet.textContent ?? '');
    copyStatus.textContent = 'Copied to the clipboard.';
  } catch {
    // Clipboard access can be refused (permissions, insecure context): select the text so Ctrl+C works.
    getSelection()?.selectAllChildren(snippet);
    copyStatus.textContent = 'Selected: press Ctrl+C (or ⌘C) to copy.';
  }
}

form.addEventListener('input', apply);
form.addEventListener('change', apply);
form.addEventListener('submit', (event) => event.preventDefault());
required<HTMLButtonElement>('[data-copy]').addEventListener('click', () => void copySnippet());
apply();
