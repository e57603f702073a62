/**
 * Test-only stand-in for OpenAI's ChatKit script (`script-src` points here in the end-to-end tests, since the
 * real CDN cannot be reached). It defines `<openai-chatkit>` and does what the real element does with the options
 * the widget gives it: in custom mode it speaks the ChatKit protocol to `api.url` through `api.fetch` (create a
 * thread, stream the reply, list threads, open `initialThread`), in hosted mode it asks `getClientSecret`. It
 * draws a plain chat so people and tests can see what happened. With `composer.attachments.enabled` it offers a file
 * picker and uploads the way ChatKit's two-phase strategy does: `attachments.create`, then the bytes to the
 * `upload_descriptor` (with its method and headers), then the ids in the next message's `input.attachments`.
 */
interface CustomApi {
  url: string;
  domainKey: string;
  fetch?: typeof fetch;
}
interface HostedApi {
  getClientSecret(current: string | null): Promise<string>;
}
interface StandInOptions {
  api: CustomApi | HostedApi;
  theme?: 'light' | 'dark' | { colorScheme?: 'light' | 'dark'; color?: { accent?: { primary?: string } } };
  header?: { title?: { text?: string } };
  startScreen?: { greeting?: string };
  composer?: {
    placeholder?: string;
    attachments?: { enabled: boolean; accept?: Record<string, string[]>; maxSize?: number; maxCount?: number };
    dictation?: { enabled: boolean };
    models?: { id: string; label: string; default?: boolean }[];
    tools?: { id: string; label: string }[];
  };
  initialThread?: string | null;
}
interface WidgetNode {
  type: string;
  value?: string;
  label?: string;
  children?: WidgetNode[];
  onClickAction?: { type: string; payload?: unknown; handler?: 'server' | 'client' };
}
interface Attachment {
  id: string;
  name: string;
  type: 'file' | 'image';
  preview_url?: string;
  upload_descriptor?: { url: string; method: string; headers?: Record<string, string> };
}
interface ThreadItem {
  id: string;
  type: string;
  attachments?: Attachment[];
  content?: { type: string; text: string }[];
  workflow?: { tasks: { title?: string; content?: string; status_indicator?: string }[] };
  widget?: WidgetNode;
}
interface ChatKitEvent {
  type: string;
  thread?: { id: string; title?: string };
  item?: ThreadItem;
  item_id?: string;
  update?: { type: string; delta?: string; task_index?: number; task?: { title?: string; content?: string; status_indicator?: string } };
  message?: string;
}
interface ErrorAnswer {
  error?: { code?: string; message?: string };
}

const STYLES = `
:host { display: block; height: 100%; font: 15px/1.5 system-ui, sans-serif; --bg: #ffffff; --text: #1a1d24; --muted: #687082;
  --line: #e3e6ee; --bubble: #f1f3f8; --accent: #10a37f; }
:host([data-scheme="dark"]) { --bg: #181b22; --text: #e8ebf1; --muted: #9aa3b2; --line: #2b3140; --bubble: #232834; }
.frame { display: flex; flex-direction: column; height: 100%; background: var(--bg); color: var(--text); }
header { padding: 12px 16px; border-bottom: 1px solid var(--line); font-weight: 600; display: flex; justify-content: space-between; gap: 8px; }
header small { color: var(--muted); font-weight: 400; }
.history { display: flex; gap: 6px; flex-wrap: wrap; padding: 8px 16px 0; margin: 0; list-style: none; font-size: 12px; color: var(--muted); }
.history:empty { display: none; }
.history li { border: 1px solid var(--line); border-radius: 999px; padding: 1px 8px; }
.messages { flex: 1; overflow: auto; padding: 16px; display: flex; flex-direction: column; gap: 10px; }
.greeting { margin: auto; text-align: center; color: var(--muted); font-size: 18px; }
.message { max-width: 80%; padding: 8px 12px; border-radius: 14px; white-space: pre-wrap; }
.message[data-role="user"] { align-self: flex-end; background: var(--accent); color: #fff; }
.message[data-role="assistant"] { align-self: flex-start; background: var(--bubble); }
.status { padding: 0 16px; color: var(--muted); font-size: 13px; min-height: 0; }
.error { margin: 0 16px 8px; padding: 8px 12px; border-radius: 10px; background: #fdecec; color: #9b1c1c; font-size: 14px; }
.error[hidden], .status:empty { display: none; }
.workflow { align-self: flex-start; margin: 0; padding: 6px 12px 6px 28px; border: 1px dashed var(--line); border-radius: 12px; font-size: 13px; color: var(--muted); }
.widget { align-self: stretch; border: 1px solid var(--line); border-radius: 14px; padding: 10px 12px; display: flex; flex-direction: column; gap: 4px; }
.widget button { align-self: flex-start; padding: 4px 12px; }
form { display: flex; gap: 8px; padding: 12px 16px 16px; }
input { flex: 1; padding: 10px 12px; border-radius: 12px; border: 1px solid var(--line); background: var(--bg); color: var(--text); font: inherit; }
button { padding: 0 16px; border: 0; border-radius: 12px; background: var(--accent); color: #fff; font: inherit; font-weight: 600; }
`;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.textContent = text;
  return node;
}

class OpenAIChatKitStandIn extends HTMLElement {
  #options: StandInOptions | undefined;
  #threadId: string | null = null;
  #ready = false;
  readonly #messages = element('div', { class: 'messages', 'data-testid': 'standin-messages' });
  readonly #history = element('ul', { class: 'history', 'data-testid': 'standin-history', 'aria-label': 'Your threads' });
  readonly #title = element('span', { 'data-testid': 'standin-title' });
  readonly #status = element('p', { class: 'status', 'data-testid': 'standin-status', role: 'status' });
  readonly #error = element('p', { class: 'error', 'data-testid': 'standin-error', role: 'alert' });
  readonly #input = element('input', { 'data-testid': 'standin-input', 'aria-label': 'Message' });
  readonly #file = element('input', { type: 'file', 'data-testid': 'standin-file', 'aria-label': 'Attach a file' });
  /** Uploaded attachments waiting for the next message. */
  #pending: Attachment[] = [];
  // What the composer offers besides text, drawn from `composer` as the real one does (the controls stay inert
  // except the model and tool pickers, whose choice goes with the message as `inference_options`).
  readonly #models = element('select', { 'data-testid': 'standin-model', 'aria-label': 'Model' });
  readonly #tools = element('select', { 'data-testid': 'standin-tool', 'aria-label': 'Tool' });
  readonly #attach = element('button', { type: 'button', 'data-testid': 'standin-attach', 'aria-label': 'Attach a file' }, '📎');
  readonly #dictate = element('button', { type: 'button', 'data-testid': 'standin-dictation', 'aria-label': 'Dictate' }, '🎤');

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLES);
    root.adoptedStyleSheets = [sheet];
    const form = element('form');
    // The real composer's paperclip opens a hidden file input; tests give that input files directly.
    this.#file.hidden = true;
    this.#file.addEventListener('change', () => void this.#upload([...(this.#file.files ?? [])]));
    this.#attach.addEventListener('click', () => this.#file.click());
    form.append(this.#file, this.#attach, this.#dictate, this.#models, this.#tools, this.#input, element('button', { type: 'submit', 'data-testid': 'standin-send' }, 'Send'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = this.#input.value.trim();
      this.#input.value = '';
      if (text) void this.sendUserMessage({ text });
    });
    const header = element('header');
    header.append(this.#title, element('small', {}, 'ChatKit stand-in'));
    const frame = element('div', { class: 'frame' });
    this.#error.hidden = true;
    frame.append(header, this.#history, this.#messages, this.#status, this.#error, form);
    root.append(frame);
  }

  setOptions(options: StandInOptions): void {
    const apiChanged = this.#options?.api !== options.api;
    this.#options = options;
    this.#applyLook();
    if (apiChanged)
      setTimeout(async () => {
        await this.#connect();
        if (this.#ready) return;
        this.#ready = true;
        // The real element is ready once its frame has loaded, a network round trip after setOptions (here: to the
        // page's own origin, which any CSP allows); by then the React wrapper, which attaches its listeners in an
        // effect after the first setOptions, is listening.
        await fetch(location.href, { method: 'HEAD' }).catch(() => undefined);
        this.#emit('chatkit.ready', {});
      });
  }

  focusComposer(): void {
    this.#input.focus();
  }

  async setThreadId(threadId: string | null): Promise<void> {
    this.#error.hidden = true;
    if (!threadId) {
      this.#showThread(null, []);
      return;
    }
    const thread = await this.#request<{ id: string; items: { data: ThreadItem[] } }>('threads.get_by_id', { thread_id: threadId });
    if (thread) this.#showThread(thread.id, thread.items.data);
  }

  async sendUserMessage({ text }: { text: string }): Promise<void> {
    this.#error.hidden = true;
    const picked = { ...(this.#models.value && { model: this.#models.value }), ...(this.#tools.value && { tool_choice: { id: this.#tools.value } }) };
    const input = { content: [{ type: 'input_text', text }], attachments: this.#pending.map((file) => file.id), inference_options: picked };
    this.#pending = [];
    this.#file.value = '';
    const response = this.#threadId
      ? await this.#post('threads.add_user_message', { thread_id: this.#threadId, input })
      : await this.#post('threads.create', { input });
    if (!response) return;
    this.#emit('chatkit.response.start', {});
    await this.#readStream(response);
    this.#emit('chatkit.response.end', {});
    await this.#listThreads();
  }

  #applyLook(): void {
    const options = this.#options!;
    const theme = options.theme;
    this.dataset.scheme = typeof theme === 'string' ? theme : (theme?.colorScheme ?? 'light');
    const accent = typeof theme === 'object' ? theme.color?.accent?.primary : undefined;
    if (accent) this.style.setProperty('--accent', accent);
    else this.style.removeProperty('--accent');
    this.#title.textContent = options.header?.title?.text ?? 'Chat';
    this.#input.placeholder = options.composer?.placeholder ?? 'Message';
    this.#applyComposer();
    if (!this.#threadId && this.#messages.childElementCount <= 1) this.#showGreeting();
  }

  #applyComposer(): void {
    const composer = this.#options!.composer ?? {};
    this.#attach.hidden = !composer.attachments?.enabled;
    this.#attach.dataset.accept = Object.keys(composer.attachments?.accept ?? {}).join(',');
    this.#attach.dataset.maxCount = String(composer.attachments?.maxCount ?? '');
    this.#dictate.hidden = !composer.dictation?.enabled;
    const models = composer.models ?? [];
    this.#models.hidden = models.length === 0;
    this.#models.replaceChildren(...models.map((model) => Object.assign(element('option', { value: model.id }, model.label), { selected: Boolean(model.default) })));
    const tools = composer.tools ?? [];
    this.#tools.hidden = tools.length === 0;
    this.#tools.replaceChildren(element('option', { value: '' }, 'No tool'), ...tools.map((tool) => element('option', { value: tool.id }, tool.label)));
  }

  #showGreeting(): void {
    this.#messages.replaceChildren(element('p', { class: 'greeting', 'data-testid': 'standin-greeting' }, this.#options?.startScreen?.greeting ?? 'What can I help with?'));
  }

  async #connect(): Promise<void> {
    const api = this.#options!.api;
    if ('getClientSecret' in api) {
      this.#status.textContent = 'Starting a hosted session…';
      try {
        await api.getClientSecret(null);
        // The secret itself is never shown: only that the session exists.
        this.#status.textContent = 'Hosted session started (the conversation runs on OpenAI).';
        this.dataset.hostedSession = 'started';
      } catch (error) {
        this.#showError(`Could not start a hosted session: ${(error as Error).message}`);
      }
      return;
    }
    this.#status.textContent = '';
    await this.#listThreads();
    const initial = this.#options!.initialThread;
    if (initial) await this.setThreadId(initial);
  }

  async #listThreads(): Promise<void> {
    const page = await this.#request<{ data: { id: string; title?: string }[] }>('threads.list', { limit: 20, order: 'desc' });
    if (!page) return;
    this.#history.replaceChildren(...page.data.map((thread) => element('li', { 'data-thread-id': thread.id }, thread.title ?? 'New chat')));
    this.#history.dataset.loaded = 'true';
  }

  #showThread(threadId: string | null, items: ThreadItem[]): void {
    this.#threadId = threadId;
    this.dataset.threadId = threadId ?? '';
    if (items.length === 0) this.#showGreeting();
    else this.#messages.replaceChildren();
    for (const item of items) this.#addItem(item);
    this.#emit('chatkit.thread.change', { threadId });
  }

  #addItem(item: ThreadItem): HTMLElement | undefined {
    if (item.type === 'workflow' || item.type === 'widget') {
      this.#messages.querySelector('.greeting')?.remove();
      const node = item.type === 'workflow' ? this.#workflow(item) : this.#widget(item);
      this.#messages.append(node);
      return node;
    }
    if (item.type !== 'user_message' && item.type !== 'assistant_message') return undefined;
    this.#messages.querySelector('.greeting')?.remove();
    const bubble = element('div', { class: 'message', 'data-role': item.type === 'user_message' ? 'user' : 'assistant', 'data-item-id': item.id });
    bubble.textContent = (item.content ?? []).map((part) => part.text).join('');
    this.#messages.append(bubble);
    for (const file of item.attachments ?? []) {
      const shown = file.type === 'image' && file.preview_url
        ? element('img', { src: file.preview_url, alt: file.name })
        : element('span', {}, file.name);
      shown.dataset.testid = 'standin-attachment';
      this.#messages.append(shown);
    }
    return bubble;
  }

  /** ChatKit's two-phase upload: announce each file, send its bytes where the answer says, keep it for the message. */
  async #upload(files: File[]): Promise<void> {
    for (const file of files) {
      const created = await this.#request<Attachment>('attachments.create', { name: file.name, size: file.size, mime_type: file.type });
      if (!created?.upload_descriptor) return;
      const { url, method, headers } = created.upload_descriptor;
      const uploaded = await fetch(url, { method, headers, body: file }).catch(() => undefined);
      if (!uploaded?.ok) {
        const body = (await uploaded?.json().catch(() => ({}))) as ErrorAnswer | undefined;
        this.#showError(`Upload failed: ${body?.error?.message ?? 'network error'}`);
        return;
      }
      this.#pending.push(created);
      this.#status.textContent = `Attached ${file.name}`;
    }
  }

  /** Tool work: one line per task, as ChatKit lists a workflow's tasks. */
  #workflow(item: ThreadItem): HTMLElement {
    const list = element('ul', { class: 'workflow', 'data-item-id': item.id, 'data-testid': 'standin-workflow' });
    for (const task of item.workflow?.tasks ?? []) list.append(this.#task(task));
    return list;
  }

  #task(task: { title?: string; content?: string; status_indicator?: string }): HTMLElement {
    return element('li', { 'data-status': task.status_indicator ?? 'none' }, [task.title, task.content].filter(Boolean).join(' — '));
  }

  /** A widget's text and buttons; a server-handled button sends `threads.custom_action` as ChatKit does. */
  #widget(item: ThreadItem): HTMLElement {
    const box = element('div', { class: 'widget', 'data-item-id': item.id, 'data-testid': 'standin-widget' });
    const draw = (node: WidgetNode) => {
      if (node.type === 'Button') {
        const button = element('button', { type: 'button' }, node.label ?? '');
        const action = node.onClickAction;
        button.addEventListener('click', () => {
          if (action?.handler === 'server' || action?.handler === undefined) void this.#customAction(item.id, { type: action!.type, payload: action!.payload });
        });
        box.append(button);
        return;
      }
      if (node.value !== undefined) box.append(element('span', { 'data-widget': node.type }, node.value));
      else if (node.type === 'Badge') box.append(element('span', { 'data-widget': 'Badge' }, node.label ?? ''));
      for (const child of node.children ?? []) draw(child);
    };
    if (item.widget) draw(item.widget);
    return box;
  }

  async #customAction(itemId: string, action: { type: string; payload?: unknown }): Promise<void> {
    if (!this.#threadId) return;
    const response = await this.#post('threads.custom_action', { thread_id: this.#threadId, item_id: itemId, action });
    if (!response) return;
    this.#emit('chatkit.response.start', {});
    await this.#readStream(response);
    this.#emit('chatkit.response.end', {});
  }

  #replace(item: ThreadItem): void {
    const old = this.#messages.querySelector(`[data-item-id="${item.id}"]`);
    const node = item.type === 'workflow' ? this.#workflow(item) : item.type === 'widget' ? this.#widget(item) : undefined;
    if (old && node) old.replaceWith(node);
    else if (!old) this.#addItem(item);
  }

  async #readStream(response: Response): Promise<void> {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    const bubbles = new Map<string, HTMLElement>();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += value;
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const frame = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = frame.split('\n').find((line) => line.startsWith('data: '));
        if (data) this.#handleEvent(JSON.parse(data.slice(6)) as ChatKitEvent, bubbles);
      }
    }
  }

  #handleEvent(event: ChatKitEvent, bubbles: Map<string, HTMLElement>): void {
    switch (event.type) {
      case 'thread.created':
        this.#threadId = event.thread!.id;
        this.dataset.threadId = event.thread!.id;
        this.#emit('chatkit.thread.change', { threadId: event.thread!.id });
        break;
      case 'thread.item.added': {
        const bubble = this.#addItem(event.item!);
        if (bubble) bubbles.set(event.item!.id, bubble);
        break;
      }
      case 'thread.item.updated':
        if (event.update?.type === 'assistant_message.content_part.text_delta') bubbles.get(event.item_id!)?.append(event.update.delta ?? '');
        if (event.update?.type === 'workflow.task.added') bubbles.get(event.item_id!)?.append(this.#task(event.update.task ?? {}));
        if (event.update?.type === 'workflow.task.updated') bubbles.get(event.item_id!)?.children[event.update.task_index ?? 0]?.replaceWith(this.#task(event.update.task ?? {}));
        break;
      case 'thread.item.replaced':
        this.#replace(event.item!);
        break;
      case 'thread.item.done': {
        if (event.item!.type === 'workflow' || event.item!.type === 'widget') {
          this.#replace(event.item!);
          break;
        }
        const existing = bubbles.get(event.item!.id);
        if (existing) {
          existing.textContent = (event.item!.content ?? []).map((part) => part.text).join('');
          existing.dataset.done = 'true';
        } else this.#addItem(event.item!)?.setAttribute('data-done', 'true');
        break;
      }
      case 'error':
        this.#showError(event.message ?? 'The reply failed.');
        break;
    }
  }

  async #post(type: string, params: Record<string, unknown>): Promise<Response | undefined> {
    const api = this.#options?.api;
    if (!api || !('url' in api)) return undefined;
    try {
      const response = await (api.fetch ?? fetch)(api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type, params }),
      });
      if (response.ok) return response;
      const body = (await response.json().catch(() => ({}))) as ErrorAnswer;
      this.#showError(`${response.status} ${body.error?.code ?? ''}: ${body.error?.message ?? 'request failed'}`);
    } catch (error) {
      this.#showError(`Network error: ${(error as Error).message}`);
    }
    return undefined;
  }

  async #request<T>(type: string, params: Record<string, unknown>): Promise<T | undefined> {
    const response = await this.#post(type, params);
    return response ? ((await response.json()) as T) : undefined;
  }

  #showError(message: string): void {
    this.#error.textContent = message;
    this.#error.hidden = false;
    this.#emit('chatkit.error', { error: new Error(message) });
  }

  #emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }
}

customElements.define('openai-chatkit', OpenAIChatKitStandIn);
