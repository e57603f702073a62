/** Small helpers the widget's browser tests share. */
import { fixture, html, waitUntil } from '@open-wc/testing';
import type { GetAuthToken } from '../src/auth/types.js';
import type { ChatKitWidget } from '../src/chat-kit-widget.js';
import type { WidgetErrorDetail } from '../src/errors.js';
import type { FakeChatKit } from './fake-chatkit.js';

/** `waitUntil` with room for a busy machine: what the tests wait for happens in milliseconds, or never. */
export function eventually(predicate: () => unknown, message?: string): Promise<void> {
  return waitUntil(predicate, message, { timeout: 5_000 });
}

/** The element's inner (fake) ChatKit, once mounted. */
export async function chatkitOf(widget: ChatKitWidget): Promise<FakeChatKit> {
  await eventually(() => widget.chatkit, 'ChatKit was never mounted');
  return widget.chatkit as unknown as FakeChatKit;
}

/** The element of the given part inside the widget's shadow root, or null. */
export function part(widget: ChatKitWidget, name: string): HTMLElement | null {
  return widget.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
}

/** The visible error box's text (null while none is shown). */
export function errorShown(widget: ChatKitWidget): string | null {
  const box = part(widget, 'error');
  return box && !box.hidden ? box.textContent!.replace(/\s+/g, ' ').trim() : null;
}

/** Collects the `ckw-*` events a target hears, from now on. */
export function recordEvents(target: EventTarget, names: string[]): { name: string; detail: unknown; composed: boolean; bubbles: boolean }[] {
  const seen: { name: string; detail: unknown; composed: boolean; bubbles: boolean }[] = [];
  for (const name of names) {
    target.addEventListener(name, (event) => {
      const { detail, composed, bubbles } = event as CustomEvent;
      seen.push({ name, detail, composed, bubbles });
    });
  }
  return seen;
}

/** Waits for the next `ckw-error` and returns its detail. */
export function nextError(target: EventTarget): Promise<WidgetErrorDetail> {
  return new Promise((resolve) => target.addEventListener('ckw-error', (event) => resolve((event as CustomEvent<WidgetErrorDetail>).detail), { once: true }));
}

/** A widget for a signed-in user, `getAuthToken` set before it connects (as a page sets it), thread not persisted. */
export async function signedInWidget(attributes: Record<string, string>, getAuthToken: GetAuthToken): Promise<ChatKitWidget> {
  const widget = document.createElement('chat-kit-widget');
  for (const [name, value] of Object.entries({ persist: 'none', ...attributes })) widget.setAttribute(name, value);
  widget.getAuthToken = getAuthToken;
  (await fixture<HTMLElement>(html`<div></div>`)).append(widget);
  return widget;
}
