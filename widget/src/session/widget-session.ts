/**
 * Everything an element does once it is about to be seen, loaded lazily: ChatKit's script, credentials from
 * the auth strategy, the options, the persisted thread, the React root, and turning failures and ChatKit's
 * events into what the page sees and hears. The element (the small loader) reaches this only through
 * `createSession`, handing over a `WidgetView`.
 */
import type { ChatKitOptions, OpenAIChatKit } from '@openai/chatkit';
import { createAuth } from '../auth/create-auth.js';
import type { ApiPlan, AuthContext, GetAuthToken } from '../auth/types.js';
import { forgetVisitorToken } from '../auth/visitor-token.js';
import type { WidgetConfig } from '../config/widget-config.js';
import { errorDetail, isRetryable, isWidgetError, WidgetError, type WidgetErrorDetail } from '../errors.js';
import { backendComposer, type CapabilitiesRequest } from './capabilities.js';
import { ensureChatKitScript } from './chatkit-script.js';
import { buildOptions } from './options-builder.js';
import { ReactMount, type ChatKitEventName } from './react-mount.js';
import { forgetThreads, ThreadStore } from './thread-store.js';

/** What the element shows besides ChatKit. */
export interface ViewState {
  loading: boolean;
  failure?: WidgetErrorDetail & {
    /** ChatKit is already on screen: a banner over it rather than a replacement. */
    banner: boolean;
    /** A retry can fix it: the message has a Try again button. */
    retry: boolean;
  };
}

/** The element, as its session sees it; read again on every render, so changes are picked up. */
export interface WidgetView {
  readonly element: HTMLElement;
  /** Where React renders, inside the element's shadow root. */
  readonly container: HTMLElement;
  /** The element's configuration, validated from its attributes (the last valid one). */
  config(): WidgetConfig;
  pageOptions(): Partial<ChatKitOptions> | undefined;
  getAuthToken(): GetAuthToken | undefined;
  scriptTimeout(): number;
  /** The request for a custom backend's capabilities, which the element started with the chunk's download. */
  readonly capabilities: CapabilitiesRequest;
  show(state: ViewState): void;
  setChatKit(element: OpenAIChatKit | null): void;
  /** ChatKit fired `chatkit.ready`: resolve the element's `ready`. */
  chatkitReady(): void;
  /** A new ChatKit is on its way (reset): `ready` becomes a new pending promise. */
  renewReady(): void;
}

export interface WidgetSession {
  /** Loads, authenticates and renders; failures are shown and emitted, never thrown. Run again to retry. */
  start(): Promise<void>;
  /** These properties changed: re-render, or start over when who the user is may have changed. */
  changed(keys: readonly PropertyKey[]): Promise<void>;
  /** Forgets the persisted thread, the visitor id and cached tokens, then starts over on a new thread. */
  reset(): Promise<void>;
  /** Unmounts the React root; the session is not used again. */
  dispose(): void;
}

/** Properties whose change may change who the user is or where ChatKit comes from: start over. */
const RESTARTING = new Set<PropertyKey>(['authMode', 'server', 'publicKey', 'clientSecret', 'authToken', 'credentials', 'apiUrl', 'domainKey', 'getAuthToken', 'scriptSrc']);

const darkScheme = () => matchMedia('(prefers-color-scheme: dark)');

/** Forgets what the widget keeps in storage for this configuration: the current thread and the visitor id. */
export function forgetStoredState(config: WidgetConfig): void {
  forgetThreads(config);
  if (config.publicKey) forgetVisitorToken(config.server, config.publicKey);
}

class Session implements WidgetSession {
  #mount: ReactMount | undefined;
  #plan: ApiPlan | undefined;
  /** What the custom backend's capabilities turn on in the composer (nothing for hosted ChatKit). */
  #backendComposer: ChatKitOptions['composer'];
  #threads: ThreadStore | undefined;
  #failed = false;
  #ready = false;
  #chatkit: OpenAIChatKit | null = null;
  /** Bumped per start: answers for an older start are dropped. */
  #attempt = 0;
  #starting: Promise<void> | undefined;
  /** The React key of the inner `<openai-chatkit>`: bumped when credentials change, for a fresh one. */
  #chatkitKey = 0;
  #disposed = false;
  readonly #onSchemeChange = () => this.#render();

  constructor(private readonly view: WidgetView) {
    darkScheme().addEventListener('change', this.#onSchemeChange);
  }

  start(): Promise<void> {
    const run = this.#run();
    this.#starting = run;
    void run.finally(() => {
      if (this.#starting === run) this.#starting = undefined;
    });
    return run;
  }

  async #run(): Promise<void> {
    const attempt = ++this.#attempt;
    this.#failed = false;
    this.view.show({ loading: true });
    try {
      const config = this.view.config();
      // A custom backend: read what the composer may offer while the script and credentials load (once per page).
      if (config.authMode === 'custom-fetch') void backendComposer(config.apiUrl, this.view.capabilities);
      const [, plan] = await Promise.all([
        ensureChatKitScript({ src: config.scriptSrc, nonce: config.nonce, timeoutMs: this.view.scriptTimeout() }),
        createAuth(this.#authContext(config, attempt)).prepare(),
      ]);
      this.#backendComposer = plan.kind === 'custom' ? await backendComposer(plan.url, this.view.capabilities) : undefined;
      if (attempt !== this.#attempt || this.#disposed) return;
      this.#adopt(plan);
    } catch (error) {
      if (attempt === this.#attempt) this.#fail(error);
    }
  }

  async changed(keys: readonly PropertyKey[]): Promise<void> {
    const restart = keys.some((key) => RESTARTING.has(key));
    // A start under way renders with the latest values when it is done: no second one for a new greeting.
    if (!restart && this.#starting) return this.#starting;
    if (restart || !this.#plan || this.#failed) return this.start();
    this.#render();
  }

  reset(): Promise<void> {
    forgetStoredState(this.view.config());
    this.#plan = undefined;
    this.view.renewReady();
    this.#ready = false;
    return this.start();
  }

  dispose(): void {
    this.#disposed = true;
    this.#attempt++;
    darkScheme().removeEventListener('change', this.#onSchemeChange);
    this.#mount?.unmount();
    this.#mount = undefined;
    this.#setChatKit(null);
  }

  #authContext(config: WidgetConfig, attempt: number): AuthContext {
    return {
      config,
      getAuthToken: this.view.getAuthToken(),
      report: (error) => {
        if (attempt === this.#attempt) this.#fail(error);
      },
      replacePlan: (plan) => {
        if (attempt === this.#attempt) this.#adopt(plan);
      },
    };
  }

  /** New credentials, perhaps for someone else: their own persisted thread, and a fresh `<openai-chatkit>`. */
  #adopt(plan: ApiPlan): void {
    this.#plan = plan;
    this.#threads = new ThreadStore(this.view.config(), plan.owner);
    this.#chatkitKey++;
    this.#render();
  }

  #fail(error: unknown): void {
    const failure = isWidgetError(error) ? error : new WidgetError('widget_unavailable', 'The chat failed unexpectedly.');
    this.#failed = true;
    this.view.show({ loading: false, failure: { ...errorDetail(failure), banner: this.#ready && this.#chatkit !== null, retry: isRetryable(failure.code) } });
    if (failure.code === 'auth_required') this.#emit('ckw-auth-required', { message: failure.message });
    else this.#emit('ckw-error', errorDetail(failure));
  }

  readonly #setChatKit = (element: OpenAIChatKit | null) => {
    this.#chatkit = element;
    this.view.setChatKit(element);
  };

  readonly #onEvent = (name: ChatKitEventName, detail: unknown) => {
    switch (name) {
      case 'chatkit.ready':
        this.#ready = true;
        if (!this.#failed) this.view.show({ loading: false });
        this.view.chatkitReady();
        break;
      case 'chatkit.thread.change':
        this.#threads?.write((detail as { threadId: string | null }).threadId);
        break;
      case 'chatkit.error': {
        // A failure the widget already reported (a refused token, say) reaches ChatKit too: report it once.
        if (this.#failed) return;
        const message = (detail as { error?: { message?: unknown } } | undefined)?.error?.message;
        this.#emit('ckw-error', { code: 'chatkit_error', message: typeof message === 'string' ? message : 'ChatKit reported an error.' });
        return;
      }
    }
    this.#emit(`ckw-${name.slice('chatkit.'.length).replaceAll('.', '-')}`, detail ?? null);
  };

  #emit(name: string, detail: unknown): void {
    this.view.element.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  #render(): void {
    const plan = this.#plan;
    if (!plan || this.#disposed || !this.#threads) return;
    const options = buildOptions({
      config: this.view.config(),
      plan,
      pageOptions: this.view.pageOptions(),
      initialThread: this.#threads.read(),
      prefersDark: darkScheme().matches,
      backendComposer: this.#backendComposer,
    });
    this.#mount ??= new ReactMount(this.view.container);
    this.#mount.render({ options, onEvent: this.#onEvent, onElement: this.#setChatKit }, this.#chatkitKey);
  }
}

export function createSession(view: WidgetView): WidgetSession {
  return new Session(view);
}
