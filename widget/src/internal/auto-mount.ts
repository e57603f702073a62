/**
 * One-tag embedding, for site owners who paste into a CMS's "header scripts" box or a tag manager rather than
 * write HTML: `<script src=".../chat-kit-widget.js" data-public-key="pk_..." data-display="launcher">` adds one
 * `<chat-kit-widget>` to `<body>` with those attributes. Only `data-*` names of the element's own attributes
 * count (CMSs and tag managers add their own, like `data-cfasync`); without any, the script only defines the element.
 */
import type { ChatKitWidget } from '../chat-kit-widget/chat-kit-widget.component.js';

/** Shared by every copy of the script on the page (CMS pages include it twice, or two plugins ship their own). */
const MOUNTED = Symbol.for('chat-kit-widget');

export function autoMount(script: HTMLScriptElement | null, element: typeof ChatKitWidget): void {
  const widget = document.createElement('chat-kit-widget');
  for (const { name, value } of script?.attributes ?? [])
    if (name.startsWith('data-') && element.observedAttributes.includes(name.slice(5))) widget.setAttribute(name.slice(5), value);
  const page = window as { [MOUNTED]?: true };
  if (!widget.attributes.length || page[MOUNTED]) return;
  page[MOUNTED] = true;
  // The CSP nonce that let this script run lets the ChatKit script the widget injects run too.
  widget.nonce = script!.nonce;
  const mount = () => document.body.append(widget);
  // A tag in <head> runs before <body> exists; after parsing, an inline widget sits below the page's content.
  if (document.readyState === 'loading') addEventListener('DOMContentLoaded', mount);
  else mount();
}
