/** Small helpers the widget's browser tests share. */
import { waitUntil } from '@open-wc/testing';
import type { ChatKitWidget } from '../src/chat-kit-widget.js';
import type { WidgetErrorDetail } from '../src/errors.js';
import type { FakeChatKit } from './fake-chatkit.js';

/** The element's inner (fake) ChatKit, once mounted. */
export async function chatkitOf(widget: ChatKitWidget): Promise<FakeChatKit> {
  await waitUntil(() => widget.chatkit, 'ChatKit was never mounted', { timeout: 5_000 });
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
