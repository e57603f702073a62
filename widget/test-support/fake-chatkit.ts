/**
 * A stand-in for OpenAI's `<openai-chatkit>` (whose real definition only comes from OpenAI's CDN), behaving
 * like it where the widget depends on it: it records every `setOptions`; on the first one it authenticates
 * the way ChatKit does (hosted: `getClientSecret(null)`; custom: a request through the given `fetch` to
 * `api.url`, reading the answer) and then fires `chatkit.ready`, or `chatkit.error` when that fails. Events
 * are fired only once a listener for them is attached, as chatkit-react attaches its listeners after the
 * first `setOptions`. Tests drive later ChatKit behaviour with `refreshSecret()`, `request()` and `emit()`.
 */
import type { ChatKitOptions } from '@openai/chatkit';

export interface FakeAnswer {
  status: number;
  body: unknown;
}

export class FakeChatKit extends HTMLElement {
  /** Every instance ever created, in order (a leak shows as an old one still listening). */
  static readonly instances: FakeChatKit[] = [];

  readonly optionsHistory: ChatKitOptions[] = [];
  /** Client secrets received from `getClientSecret`, in order. */
  readonly secrets: string[] = [];
  /** Answers to requests made through the custom `fetch`, in order. */
  readonly answers: FakeAnswer[] = [];
  /** Calls of ChatKit's element methods (`sendUserMessage`, `setThreadId`, `focusComposer`). */
  readonly calls: { method: string; args: unknown[] }[] = [];
  #listeners = new Map<string, number>();
  #listenerAdded = new Set<() => void>();

  constructor() {
    super();
    FakeChatKit.instances.push(this);
  }

  get options(): ChatKitOptions | undefined {
    return this.optionsHistory.at(-1);
  }

  /** How many listeners are attached right now, over all event types. */
  get listenerCount(): number {
    return [...this.#listeners.values()].reduce((sum, n) => sum + n, 0);
  }

  setOptions(options: ChatKitOptions): void {
    this.optionsHistory.push(options);
    if (this.optionsHistory.length === 1) void this.#boot();
  }

  /** What ChatKit does when its secret is about to expire: ask for a new one, passing the current one. */
  async refreshSecret(): Promise<string> {
    const api = this.options!.api as { getClientSecret(current: string | null): Promise<string> };
    const secret = await api.getClientSecret(this.secrets.at(-1) ?? null);
    this.secrets.push(secret);
    return secret;
  }

  /** A ChatKit protocol request through the custom api's `fetch`, as ChatKit makes them. */
  async request(type: string, params: Record<string, unknown> = {}): Promise<FakeAnswer> {
    const api = this.options!.api as { url: string; fetch?: typeof fetch };
    const send = api.fetch ?? fetch;
    const response = await send(api.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type, params }) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (an event stream, say): keep the text.
    }
    const answer = { status: response.status, body };
    this.answers.push(answer);
    return answer;
  }

  /** Fires a `chatkit.*` event once something listens for it. */
  async emit(name: string, detail?: unknown): Promise<void> {
    while (!this.#listeners.get(name)) await new Promise<void>((resolve) => this.#listenerAdded.add(resolve));
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  focusComposer(): Promise<void> {
    this.calls.push({ method: 'focusComposer', args: [] });
    return Promise.resolve();
  }

  setThreadId(threadId: string | null): Promise<void> {
    this.calls.push({ method: 'setThreadId', args: [threadId] });
    return Promise.resolve();
  }

  sendUserMessage(params: unknown): Promise<void> {
    this.calls.push({ method: 'sendUserMessage', args: [params] });
    return Promise.resolve();
  }

  override addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener, options);
    this.#count(type, 1);
    const signal = typeof options === 'object' ? options.signal : undefined;
    signal?.addEventListener('abort', () => this.#count(type, -1), { once: true });
  }

  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void {
    super.removeEventListener(type, listener, options);
    this.#count(type, -1);
  }

  #count(type: string, change: number): void {
    this.#listeners.set(type, Math.max(0, (this.#listeners.get(type) ?? 0) + change));
    if (change > 0) {
      for (const wake of this.#listenerAdded) wake();
      this.#listenerAdded.clear();
    }
  }

  async #boot(): Promise<void> {
    const api = this.options!.api;
    try {
      if ('getClientSecret' in api) {
        this.secrets.push(await api.getClientSecret(null));
      } else {
        const answer = await this.request('threads.list', { limit: 20, order: 'desc' });
        if (answer.status !== 200) throw new Error(`the backend answered ${answer.status}`);
      }
    } catch (error) {
      await this.emit('chatkit.error', { error });
      return;
    }
    await this.emit('chatkit.ready');
  }
}

/** Defines `<openai-chatkit>` as the fake, unless something already defined it. */
export function defineFakeChatKit(): void {
  if (!customElements.get('openai-chatkit')) customElements.define('openai-chatkit', FakeChatKit);
}
