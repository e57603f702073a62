import type { ChatKitOptions, OpenAIChatKit } from '@openai/chatkit';
import { ReactiveElement, type PropertyValues } from '@lit/reactive-element';
import type { GetAuthToken } from '../auth/types.js';
import { readConfig, type WidgetConfig } from '../config/widget-config.js';
import { isWidgetError, type WidgetErrorCode, type WidgetErrorDetail } from '../errors.js';
import { loaderFailureText, stringsFor, type WidgetStrings } from '../i18n/strings.js';
import { loaderScriptUrl } from '../internal/loader-url.js';
import { startCapabilities } from '../internal/start-capabilities.js';
import { startChatKitScript } from '../internal/start-chatkit-script.js';
import { VERSION } from '../internal/version.js';
import type { ViewState, WidgetSession, WidgetView } from '../session/index.js';
import { styles } from './chat-kit-widget.styles.js';
import { h, launcherIcon } from './dom.js';
import { loadSessionModule } from './load-session.js';

/** Events the element dispatches (all `CustomEvent`s that bubble and cross shadow roots). */
export interface ChatKitWidgetEventMap {
  'ckw-ready': CustomEvent<null>;
  'ckw-open': CustomEvent<null>;
  'ckw-close': CustomEvent<null>;
  'ckw-error': CustomEvent<WidgetErrorDetail>;
  'ckw-auth-required': CustomEvent<{ message: string }>;
  'ckw-thread-change': CustomEvent<{ threadId: string | null }>;
  'ckw-response-start': CustomEvent<null>;
  'ckw-response-end': CustomEvent<null>;
  'ckw-log': CustomEvent<{ name: string; data?: Record<string, unknown> }>;
  'ckw-effect': CustomEvent<{ name: string; data?: Record<string, unknown> }>;
}

/** How close to the viewport an inline widget starts loading. */
const NEAR_PX = 300;

export type SendUserMessageParams = Parameters<OpenAIChatKit['sendUserMessage']>[0];

function deferred(): { promise: Promise<void>; resolve(): void; settled: boolean } {
  const ready = { settled: false } as { promise: Promise<void>; resolve(): void; settled: boolean };
  ready.promise = new Promise<void>((resolve) => (ready.resolve = () => ((ready.settled = true), resolve())));
  return ready;
}

/** Whether the element is shown and within the observer's margin of the viewport. */
function nearViewport(element: Element): boolean {
  if (!element.getClientRects().length) return false;
  const { top, bottom, left, right } = element.getBoundingClientRect();
  return top < innerHeight + NEAR_PX && bottom > -NEAR_PX && left < innerWidth + NEAR_PX && right > -NEAR_PX;
}

/** The launcher's parts, present while display="launcher". */
interface LauncherParts {
  wrapper: HTMLElement;
  button: HTMLButtonElement;
  panel: HTMLElement;
  title: HTMLElement;
  close: HTMLButtonElement;
}

/**
 * `<chat-kit-widget>`: OpenAI ChatKit on any page. Defining the element, reading its attributes and drawing
 * the launcher need no React; React, ReactDOM, `@openai/chatkit-react` and the auth code load lazily when an
 * inline widget nears the viewport or a launcher is first hovered, focused or opened. The element is a Lit
 * `ReactiveElement` (reactive properties, static styles) drawing its fixed shadow DOM once per display mode.
 *
 * @attr auth-mode - `client-secret` | `custom-fetch` | `direct-token`. Default: `direct-token` when `public-key` or `client-secret` is set, else `custom-fetch`.
 * @attr server - Base URL of the token server. Default: the origin the widget script was loaded from.
 * @attr public-key - Publishable key for anonymous access (and the fallback of the signed-in modes).
 * @attr client-secret - A pre-minted ChatKit client secret (direct-token, server-rendered pages).
 * @attr auth-token - A static user JWT (when the `getAuthToken` property is not set).
 * @attr credentials - `include` sends cookies to the token server and backend. Default `same-origin`.
 * @attr api-url - Custom backend URL (custom-fetch). Default `{server}/api/chatkit`.
 * @attr domain-key - ChatKit domain key (custom-fetch). Default: a placeholder on localhost; required elsewhere.
 * @attr display - `inline` (fills the element) | `launcher` (floating button and panel). Default `inline`.
 * @attr open - Whether the launcher's panel is open (reflected).
 * @attr position - `bottom-right` | `bottom-left` (launcher). Default `bottom-right`.
 * @attr theme - `light` | `dark` | `auto` (follows `prefers-color-scheme`). Default `light`.
 * @attr accent - Accent colour (any CSS colour): ChatKit's theme accent and the launcher's background.
 * @attr locale - ChatKit's locale and the widget's own strings. Default `navigator.language`.
 * @attr greeting - Start-screen greeting.
 * @attr placeholder - Composer placeholder.
 * @attr title - Header title (the panel's accessible name, ChatKit's header and frame title).
 * @attr persist - Keep the current thread across reloads: `local` | `session` | `none`. Default `local`.
 * @attr nonce - CSP nonce for the ChatKit script the widget injects.
 * @attr script-src - URL of the ChatKit script. Default: OpenAI's CDN.
 *
 * @prop {Partial<ChatKitOptions>} options - ChatKit options merged over the attributes' (prompts, tools, `onClientTool`, …).
 * @prop {() => Promise<string | null>} getAuthToken - Returns the signed-in user's JWT; asked before it expires and after a 401.
 * @prop {Promise<void>} ready - Resolves when ChatKit is ready (read-only).
 * @prop {OpenAIChatKit | null} chatkit - The inner `<openai-chatkit>`, or null (read-only).
 * @prop {boolean} opened - The `open` attribute.
 * @prop {number} scriptTimeout - Milliseconds to wait for ChatKit's script (default 15000).
 *
 * @method open - Opens the launcher's panel. Also `close()` and `toggle()`.
 * @method reset - Forgets the persisted thread, the visitor id and cached tokens (e.g. on logout), and starts on a new thread.
 * @method sendUserMessage - Sends a message (a string or ChatKit's parameters) once ChatKit is ready.
 * @method setThreadId - Shows a thread, or a new one with `null`.
 * @method focusComposer - Focuses ChatKit's composer.
 *
 * @event ckw-ready - ChatKit is ready.
 * @event ckw-open - The launcher panel opened.
 * @event ckw-close - The launcher panel closed.
 * @event ckw-error - A failure, `detail: { code, message, status?, reason? }`; `code` is stable (see docs/widget.md).
 * @event ckw-auth-required - No signed-in user and no `public-key`: the widget asks the user to sign in.
 * @event ckw-thread-change - The current thread changed, `detail: { threadId }`.
 * @event ckw-response-start - The assistant started answering.
 * @event ckw-response-end - The assistant finished answering.
 * @event ckw-log - ChatKit diagnostics, `detail: { name, data }`.
 * @event ckw-effect - A client effect from the backend, `detail: { name, data }`.
 * (ChatKit's other events are re-emitted the same way: `chatkit.thread.load.start` as `ckw-thread-load-start`, …)
 *
 * @csspart launcher - The floating button (display="launcher").
 * @csspart panel - The chat surface: the launcher's dialog, or the inline box.
 * @csspart header - The launcher panel's header (title and close button).
 * @csspart error - The error or sign-in message, with its retry button.
 *
 * @cssproperty --ckw-inline-height - Height of an inline widget when the page sets none. Default 560px.
 * @cssproperty --ckw-accent-color - Launcher background. Default: the `accent` attribute, else #111827 (#6b7280 when dark).
 * @cssproperty --ckw-launcher-color - Launcher icon colour. Default #fff.
 * @cssproperty --ckw-launcher-size - Launcher diameter. Default 56px.
 * @cssproperty --ckw-offset-x - Distance of launcher and panel from the viewport's side. Default 20px.
 * @cssproperty --ckw-offset-y - Distance of the launcher from the viewport's bottom. Default 20px.
 * @cssproperty --ckw-z-index - Stacking level of launcher and panel. Default 2147483000.
 * @cssproperty --ckw-panel-width - Panel width. Default 400px.
 * @cssproperty --ckw-panel-height - Panel height. Default min(640px, 100vh - 120px).
 * @cssproperty --ckw-radius - Corner radius of panel and inline box. Default 16px.
 * @cssproperty --ckw-shadow - Shadow of launcher and panel. Default 0 8px 28px #0004.
 * @cssproperty --ckw-surface-color - Background of the panel, loading and error views. Default #fff (#1f1f1f when dark).
 * @cssproperty --ckw-text-color - Text colour of the widget's own UI. Default #1f2328 (#ececec when dark).
 * @cssproperty --ckw-border-color - Header divider. Default #e5e7eb (#3a3a3a when dark).
 * @cssproperty --ckw-error-color - Error text. Default #8a1c1c (#ff9e9e when dark).
 * @cssproperty --ckw-error-background - Error banner background. Default #fff4f4 (#3b1f1f when dark).
 * @cssproperty --ckw-font-family - Font of the widget's own UI. Default: inherited from the page.
 */
export class ChatKitWidget extends ReactiveElement {
  /** Compared when another copy of the widget has already defined the tag. */
  static readonly version = VERSION;

  static override styles = styles;

  static override properties = {
    authMode: { attribute: 'auth-mode' },
    server: {},
    publicKey: { attribute: 'public-key' },
    clientSecret: { attribute: 'client-secret' },
    authToken: { attribute: 'auth-token' },
    credentials: {},
    apiUrl: { attribute: 'api-url' },
    domainKey: { attribute: 'domain-key' },
    display: { reflect: true },
    opened: { type: Boolean, attribute: 'open', reflect: true },
    position: {},
    theme: {},
    accent: {},
    locale: {},
    greeting: {},
    placeholder: {},
    headerTitle: { attribute: 'title' },
    persist: {},
    scriptSrc: { attribute: 'script-src' },
    options: { attribute: false },
    getAuthToken: { attribute: false },
    scriptTimeout: { attribute: false },
    view: { state: true },
  };

  declare authMode?: string;
  declare server?: string;
  declare publicKey?: string;
  declare clientSecret?: string;
  declare authToken?: string;
  declare credentials?: string;
  declare apiUrl?: string;
  declare domainKey?: string;
  declare display?: string;
  /** The `open` attribute: whether the launcher's panel is open. `open()`, `close()` and `toggle()` change it. */
  declare opened: boolean;
  declare position?: string;
  declare theme?: string;
  declare accent?: string;
  declare locale?: string;
  declare greeting?: string;
  declare placeholder?: string;
  /** The `title` attribute (the native `title` property reads and writes the same attribute). */
  declare headerTitle?: string;
  declare persist?: string;
  declare scriptSrc?: string;
  /** A partial `ChatKitOptions` merged over what the attributes give (prompts, tools, `onClientTool`, …). */
  declare options?: Partial<ChatKitOptions>;
  /** An async function returning the signed-in user's JWT (null when signed out); asked again before it expires and after a 401. */
  declare getAuthToken?: GetAuthToken;
  /** Milliseconds to wait for ChatKit's script to define `<openai-chatkit>` before reporting `chatkit_unavailable`. */
  declare scriptTimeout: number;
  declare protected view: ViewState;

  #session: WidgetSession | undefined;
  #loading: Promise<WidgetSession | undefined> | undefined;
  /** The chunk's sentences for the failures only it meets, once it has loaded; `loaderFailureText` has the rest. */
  #failureText: (locale: string, code: WidgetErrorCode) => string | undefined = () => undefined;
  #observer: IntersectionObserver | undefined;
  #chatkit: OpenAIChatKit | null = null;
  #ready = deferred();
  /** React renders into this node; it moves, never re-created, when the display mode changes. */
  readonly #mountPoint = h('div', { class: 'chat' });
  /** The loading or error message (part "error" when it is an error). */
  readonly #status = h('div');
  #launcher: LauncherParts | undefined;
  #drawnDisplay: string | undefined;
  /** `:host { --_accent-attr }` from the accent attribute, set through the CSSOM (no style attribute, no CSS text). */
  #accentRule: CSSStyleRule | undefined;
  /** The configuration read from the attributes; undefined while an attribute is invalid. */
  #config: WidgetConfig | undefined;
  /** The last valid configuration, which a running session keeps using. */
  #lastConfig: WidgetConfig | undefined;

  constructor() {
    super();
    this.opened = false;
    this.scriptTimeout = 15_000;
    this.view = { loading: false };
  }

  /** Resolves when ChatKit is ready (a new promise after `reset()` or a re-insertion). */
  get ready(): Promise<void> {
    return this.#ready.promise;
  }

  /** The inner `<openai-chatkit>` element, or null while it is not mounted. */
  get chatkit(): OpenAIChatKit | null {
    return this.#chatkit;
  }

  /** Opens the launcher's panel (loading ChatKit if needed). */
  open(): void {
    this.opened = true;
  }

  close(): void {
    this.opened = false;
  }

  toggle(): void {
    this.opened = !this.opened;
  }

  /** Forgets the persisted thread, the visitor id and cached tokens (e.g. on logout), and starts again on a new thread. */
  async reset(): Promise<void> {
    await this.updateComplete;
    if (this.isConnected) return (await this.#activate(false))?.reset();
    // Removed from the page (a sign-out that also drops the widget, say): still forget what is stored.
    if (this.#lastConfig) (await loadSessionModule()).forgetStoredState(this.#lastConfig);
  }

  /** Sends a user message (text, or ChatKit's `sendUserMessage` parameters) once ChatKit is ready. */
  async sendUserMessage(textOrParams: string | SendUserMessageParams): Promise<void> {
    await (await this.#readyChatKit()).sendUserMessage(typeof textOrParams === 'string' ? { text: textOrParams } : textOrParams);
  }

  /** Shows a thread, or a new one with `null`. */
  async setThreadId(threadId: string | null): Promise<void> {
    await (await this.#readyChatKit()).setThreadId(threadId);
  }

  async focusComposer(): Promise<void> {
    await (await this.#readyChatKit()).focusComposer();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // A re-inserted element does not run its first update again: arm the lazy loading here.
    if (this.hasUpdated) this.#arm();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#observer?.disconnect();
    this.#session?.dispose();
    this.#session = this.#loading = undefined;
    if (this.#ready.settled) this.#ready = deferred();
    // A bad attribute stays bad (and shown) while out of the page; anything else starts over when back.
    if (this.view.failure?.code !== 'invalid_attribute') this.view = { loading: false };
  }

  /** Reads and checks the attributes; a bad one is shown and emitted (`invalid_attribute`) once per problem. */
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.hasUpdated && [...changed.keys()].every((key) => key === 'view' || key === 'opened')) return;
    try {
      this.#config = this.#lastConfig = readConfig(this, { loaderUrl: loaderScriptUrl, pageUrl: location.href, language: navigator.language });
      if (this.view.failure?.code === 'invalid_attribute') this.view = { loading: false };
    } catch (error) {
      this.#config = undefined;
      if (!isWidgetError(error) || this.view.failure?.message === error.message) return;
      this.view = { loading: false, failure: { code: error.code, message: error.message, reason: error.reason, banner: false, retry: false } };
      this.#emit('ckw-error', { code: error.code, message: error.message });
      return;
    }
    // Not started yet (the first update, or the attributes just became valid): wait for the visitor. Before the
    // drawing, so an open launcher's chunk is already on its way while its button and panel are built.
    this.#arm();
  }

  /** Draws the shadow DOM (rebuilt only when the display mode changes) and brings it up to date. */
  protected override update(changed: PropertyValues<this>): void {
    super.update(changed);
    const locale = this.#config?.locale ?? this.locale ?? navigator.language;
    const strings = stringsFor(locale);
    const display = this.display === 'launcher' ? 'launcher' : 'inline';
    const redraw = display !== this.#drawnDisplay;
    if (redraw) this.#draw(display);
    this.#applyAccent(this.#config?.accent);
    const launcher = this.#launcher;
    if (launcher) {
      launcher.wrapper.className = this.position === 'bottom-left' ? 'left' : 'right';
      launcher.button.setAttribute('aria-label', this.opened ? strings.closeChat : strings.openChat);
      launcher.button.setAttribute('aria-expanded', String(this.opened));
      launcher.panel.hidden = !this.opened;
      launcher.title.textContent = this.headerTitle || strings.chat;
      launcher.close.setAttribute('aria-label', strings.closeChat);
    }
    // Only when it changed: an alert redrawn for nothing would be read out again.
    if (redraw || (changed as PropertyValues).has('view') || changed.has('locale')) this.#drawStatus(strings, locale);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('opened') && changed.get('opened') !== undefined) this.#openedChanged();
    const keys = [...changed.keys()].filter((key) => key !== 'view' && key !== 'opened');
    const session = this.#session;
    if (!keys.length || !this.#config || !session) return;
    // After this update, not inside it: the session's answer updates the element again.
    queueMicrotask(() => void session.changed(keys));
  }

  #draw(display: 'inline' | 'launcher'): void {
    this.#drawnDisplay = display;
    const surface = h('div', { class: 'surface' }, this.#mountPoint, this.#status);
    if (display === 'inline') {
      surface.setAttribute('part', 'panel');
      this.#launcher = undefined;
      this.renderRoot.replaceChildren(surface);
      return;
    }
    const button = h('button', { part: 'launcher', class: 'launcher', type: 'button', 'aria-controls': 'panel' }, launcherIcon());
    button.addEventListener('click', () => this.toggle());
    button.addEventListener('pointerenter', this.#preload);
    button.addEventListener('focus', this.#preload);
    const title = h('span', { id: 'title' });
    const close = h('button', { class: 'close', type: 'button' }, '×');
    close.addEventListener('click', this.#closeFromPanel);
    const panel = h(
      'div',
      { id: 'panel', part: 'panel', class: 'panel', role: 'dialog', 'aria-labelledby': 'title', tabindex: '-1' },
      h('div', { part: 'header', class: 'header' }, title, close),
      surface,
    );
    panel.addEventListener('keydown', this.#onPanelKeydown);
    this.#launcher = { wrapper: h('div', {}, button, panel), button, panel, title, close };
    this.renderRoot.replaceChildren(this.#launcher.wrapper);
  }

  /** The launcher wears the accent colour too (the `--ckw-accent-color` custom property still wins). */
  #applyAccent(accent: string | undefined): void {
    if (!this.#accentRule) {
      const root = this.renderRoot as ShadowRoot;
      const sheet = new CSSStyleSheet();
      sheet.insertRule(':host{}');
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      this.#accentRule = sheet.cssRules[0] as CSSStyleRule;
    }
    this.#accentRule.style.setProperty('--_accent-attr', accent ?? ''); // '' removes it
  }

  #drawStatus(strings: WidgetStrings, locale: string): void {
    const { failure } = this.view;
    const status = this.#status;
    status.hidden = !failure && !this.view.loading;
    status.className = failure ? (failure.banner ? 'error banner' : 'error') : 'status';
    status.setAttribute('role', failure ? 'alert' : 'status');
    if (failure) status.setAttribute('part', 'error');
    else status.removeAttribute('part');
    if (!failure) return status.replaceChildren(strings.loading);
    const message = h('p', {}, this.#failureText(locale, failure.code) ?? loaderFailureText(locale, failure.code));
    // The technical detail helps whoever set the page up; a sign-in request needs none.
    if (failure.code !== 'auth_required') message.append(h('small', {}, failure.message));
    status.replaceChildren(message);
    if (!failure.retry) return;
    const button = h('button', { class: 'retry', type: 'button' }, strings.retry);
    button.addEventListener('click', this.#retry);
    status.append(button);
  }

  /** Lazy loading: an inline widget when it nears the viewport; a launcher when opened (hover and focus preload). */
  #arm(): void {
    this.#observer?.disconnect();
    if (!this.#config || this.#session) return;
    if (this.display === 'launcher') {
      if (this.opened) this.#preload();
      return;
    }
    // Already near the viewport (the usual inline widget): start now rather than after the observer's first
    // report, which comes only once the page has painted.
    if (nearViewport(this)) return this.#preload();
    this.#observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        this.#observer?.disconnect();
        this.#preload();
      },
      // The page's own viewport, also inside a frame (CMS previews): with the implicit root, Firefox measures a
      // framed page against the top window and clips at the frame's edge without the margin.
      { root: document, rootMargin: `${NEAR_PX}px` },
    );
    this.#observer.observe(this);
  }

  readonly #preload = () => void this.#activate(true);

  /** Loads the lazy code once and creates this element's session; `start` also starts it the first time. */
  #activate(start: boolean): Promise<WidgetSession | undefined> {
    const config = this.#config;
    if (!config) return Promise.resolve(undefined);
    // What the chunk will wait for, asked for with it: ChatKit's script and a custom backend's capabilities.
    if (!this.#loading) {
      startChatKitScript(config.scriptSrc, config.nonce);
      if (config.authMode === 'custom-fetch') startCapabilities(config.apiUrl);
    }
    this.#loading ??= loadSessionModule().then(
      (module) => {
        this.#failureText = module.failureText;
        if (!this.isConnected) return undefined;
        this.#session = module.createSession(this.#viewFor());
        if (start) void this.#session.start();
        return this.#session;
      },
      () => {
        this.#loading = undefined;
        const failure = { code: 'widget_unavailable', message: 'The chat code could not be downloaded.' } as const;
        this.view = { loading: false, failure: { ...failure, banner: false, retry: true } };
        this.#emit('ckw-error', failure);
        return undefined;
      },
    );
    return this.#loading;
  }

  #viewFor(): WidgetView {
    return {
      element: this,
      container: this.#mountPoint,
      config: () => this.#lastConfig!,
      pageOptions: () => this.options,
      getAuthToken: () => this.getAuthToken,
      scriptTimeout: () => this.scriptTimeout,
      capabilities: startCapabilities,
      show: (state) => {
        this.view = state;
      },
      setChatKit: (element) => {
        this.#chatkit = element;
      },
      chatkitReady: () => this.#ready.resolve(),
      renewReady: () => {
        if (this.#ready.settled) this.#ready = deferred();
      },
    };
  }

  readonly #retry = () => {
    if (!this.#config) return;
    if (this.#session) void this.#session.start();
    else this.#preload();
  };

  async #readyChatKit(): Promise<OpenAIChatKit> {
    await this.updateComplete;
    if (!this.#config) throw new Error(this.view.failure?.message);
    this.#preload();
    await this.ready;
    return this.#chatkit!;
  }

  #emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  #openedChanged(): void {
    this.#emit(this.opened ? 'ckw-open' : 'ckw-close', null);
    const launcher = this.#launcher;
    if (!launcher) return;
    if (this.opened) {
      this.#preload();
      launcher.panel.focus();
    } else if (launcher.panel.contains((this.renderRoot as ShadowRoot).activeElement)) {
      // Focus was in the closing panel: give it back to the button that opened it.
      launcher.button.focus();
    }
  }

  readonly #closeFromPanel = () => {
    this.close();
    this.#launcher?.button.focus();
  };

  readonly #onPanelKeydown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    this.#closeFromPanel();
  };
}
