/**
 * One-tag embedding, for site owners who paste into a CMS's "header scripts" box or a tag manager rather than
 * write HTML: `<script src=".../chat-kit-widget.js" data-public-key="pk_..." data-display="launcher">` adds one
 * `<chat-kit-widget>` to `<body>` with those attributes. Only `data-*` names of the element's own attributes
 * count (CMSs and tag managers add their own, like `data-cfasync`); without any, the script only defines the element.
 */
import type { ChatKitWidget } from '../chat-kit-widget/chat-kit-widget.component.js';

/** Shared by every copy of the script on the page (CMS pages include it twice, or two plugins ship their own). */
const MOUNTED = Symbol.for('chat-kit-widget.auto-mounted');

export function autoMount(script: HTMLScriptElement | null, element: typeof ChatKitWidget): void {
  // `nonce` is no reactive property (the browser hides the attribute), but the element reads it all the same.
  const names = [...element.observedAttributes, 'nonce'];
  const attributes = [...(script?.attributes ?? [])].filter(({ name }) => name.startsWith('data-') && names.includes(name.slice(5)));
  const page = window as { [MOUNTED]?: true };
  if (!attributes.length || page[MOUNTED]) return;
  page[MOUNTED] = true;
  const widget = document.createElement('chat-kit-widget');
  for (const { name, value } of attributes) widget.setAttribute(name.slice(5), value);
  // The CSP nonce that let this script run lets the ChatKit script the widget injects run too.
  if (script!.nonce && !widget.hasAttribute('nonce')) widget.setAttribute('nonce', script!.nonce);
  // A tag in <head> runs before <body> exists; after parsing, an inline widget sits below the page's content.
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => document.body.append(widget), { once: true });
  else document.body.append(widget);
}
