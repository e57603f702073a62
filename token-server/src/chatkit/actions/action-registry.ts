/**
 * Widget actions (`threads.custom_action`, streamed, and `threads.sync_custom_action`, answered with JSON) go to the
 * handler registered for the action's `type`, as chatkit-python's `action()` / `sync_action()` do. The approvals of
 * `require_approval` tools are one such handler; a site adds its own with `createApp(config, { actions: [...] })`.
 */
import type { StreamEvent, ThreadMetadata, VisibleThreadItem, WidgetItem, WidgetRoot } from '../protocol/types.js';

export interface ActionRequest {
  type: string;
  payload?: unknown;
}

/** What every handler is told. */
export interface ActionContext {
  userId: string;
  thread: ThreadMetadata;
  action: ActionRequest;
  /** The widget whose button sent the action (`item_id`), when the client named one. */
  sender?: WidgetItem;
}

/** A streamed action's tools: each item change is stored before the client hears of it. */
export interface StreamingActionContext extends ActionContext {
  /** Aborted when the client goes away or the reply is stopped. */
  signal: AbortSignal;
  /** Stores a new item and shows it (`thread.item.done`). */
  addItem(item: VisibleThreadItem): Promise<void>;
  /** Stores an item in place of the one with its id and shows it (`thread.item.replaced`). */
  replaceItem(item: VisibleThreadItem): Promise<void>;
  /** Stores the widget's new tree and updates it on screen (`widget.root.updated`). */
  updateWidget(item: WidgetItem, widget: WidgetRoot): Promise<WidgetItem>;
  /** A transient event: `progress_update`, `notice` or `client_effect`. */
  send(event: Extract<StreamEvent, { type: 'progress_update' | 'notice' | 'client_effect' }>): void;
  /** Lets the model answer now, with the thread as it is (as after a user message). */
  reply(): Promise<void>;
}

export interface ActionHandler {
  /** The action `type` this handles (`onClickAction.type` in the widget). */
  type: string;
  /** `threads.custom_action` (a widget action with `streaming: true`, the default). */
  handle?(context: StreamingActionContext): Promise<void>;
  /** `threads.sync_custom_action` (`streaming: false`): an item to show in place of its old version, or nothing. */
  handleSync?(context: ActionContext): Promise<{ updated_item?: VisibleThreadItem } | void>;
}

/** Thrown by a handler to end the action with this message for the user (an `error` event, or a 400 when sync). */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly allowRetry = false,
  ) {
    super(message);
    this.name = 'ActionError';
  }
}

export class ActionRegistry {
  private readonly handlers = new Map<string, ActionHandler>();

  constructor(handlers: ActionHandler[]) {
    for (const handler of handlers) {
      if (!/^[\w.:-]{1,200}$/.test(handler.type ?? '')) throw new Error(`An action handler needs a "type" of letters, digits, ".", ":", "_" or "-"; got ${JSON.stringify(handler.type)}.`);
      if (!handler.handle && !handler.handleSync) throw new Error(`The action handler "${handler.type}" has neither handle() nor handleSync().`);
      if (this.handlers.has(handler.type)) throw new Error(`Two action handlers are registered for "${handler.type}".`);
      this.handlers.set(handler.type, handler);
    }
  }

  get(type: string): ActionHandler | undefined {
    return this.handlers.get(type);
  }
}
