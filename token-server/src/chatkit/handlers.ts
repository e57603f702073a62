/**
 * What each ChatKit request type does, for one authenticated user. JSON types return the answer body; streaming
 * types check everything that can fail with an HTTP status first and then return the stream to run.
 */
import { HttpError } from '../http/errors.js';
import type { Metrics } from '../metrics/metrics.js';
import type { ReplyLockStore } from '../stores/store.js';
import { newId, now } from './ids.js';
import { DEFAULT_PAGE_SIZE, type ChatKitLimits } from './limits.js';
import type { JsonRequest, StreamingRequest } from './protocol/parse-request.js';
import type { UserMessageInputParams } from './protocol/schemas.js';
import type { EventSink } from './protocol/sse.js';
import { answerStructuredInput } from './protocol/structured-input.js';
import {
  isHidden,
  toThreadResponse,
  type Attachment,
  type Page,
  type ThreadItem,
  type ThreadMetadata,
  type UserMessageItem,
  type VisibleThreadItem,
  type WidgetItem,
} from './protocol/types.js';
import { asWidgetRoot } from './protocol/widgets.js';
import { ActionError, ActionRegistry, type ActionContext, type ActionHandler, type StreamingActionContext } from './actions/action-registry.js';
import { approvalActions } from './actions/approval-handler.js';
import type { AttachmentService } from './attachments/attachment-service.js';
import { unsupportedForModel, type ModelApi } from './attachments/model-input.js';
import type { ComposerChoices } from './composer-tools.js';
import type { ReplyRunner, ReplyTurn } from './reply/reply-runner.js';
import type { Transcriber } from './transcription.js';
import { checkMessageSize, checkQuota, checkToolOutputSize, fitPage } from './storage-limits.js';
import { titleFromMessage } from './title.js';
import { withReplyFence } from './store/reply-fence.js';
import { UnknownCursorError, allItems, type AttachmentRecord, type PageQuery, type ThreadStore } from './store/thread-store.js';

/** The base URL this request reached the server at (PUBLIC_URL or its host), for the URLs an answer holds. */
export type BaseUrl = () => string;

/** Runs a prepared stream; `clientGone` aborts when the client disconnects. */
export type StreamRun = (sink: EventSink, clientGone: AbortSignal) => Promise<void>;

const threadNotFound = () => new HttpError(404, 'thread_not_found', 'No such thread.');
const threadBusy = () => new HttpError(409, 'thread_busy', 'This thread is answering right now; wait for the answer or stop it.');
const notSupported = (code: string, what: string) => new HttpError(501, code, `${what} are not supported by this server.`);
const clip = (text: string) => (text.length > 60 ? `${text.slice(0, 59)}…` : text);

/** A user message as it arrived, checked: its input, the attachments it carries, and the request's base URL. */
interface NewUserMessage {
  input: UserMessageInputParams;
  files: AttachmentRecord[];
  baseUrl: BaseUrl;
}

/** What the backend offers beyond threads and replies. */
export interface HandlerFeatures {
  choices: ComposerChoices;
  /** Registered widget action handlers (the approvals' is added by the handlers themselves). */
  actions: ActionHandler[];
  /** Dictation; absent when it is off, and then `dictationOff` says why. */
  transcriber?: Transcriber;
  dictationOff: string;
  /** Absent when attachments are off (`CHATKIT_ATTACHMENTS` unset). */
  attachments?: { service: AttachmentService; modelApi: ModelApi };
}

/** A stream that only says why nothing happened (chatkit-python's errors arrive after `stream_options` too). */
const errorStream =
  (message: string): StreamRun =>
  async (sink) => {
    sink.send({ type: 'stream_options', stream_options: { allow_cancel: false } });
    sink.send({ type: 'error', code: 'custom', message, allow_retry: false });
  };

export class ChatKitHandlers {
  private readonly actions: ActionRegistry;
  /** The reply turn behind each running action's context (the approvals resume a run in it). */
  private readonly actionTurns = new WeakMap<StreamingActionContext, ReplyTurn>();

  constructor(
    private readonly store: ThreadStore,
    private readonly runner: ReplyRunner,
    private readonly limits: ChatKitLimits,
    private readonly metrics: Metrics,
    /** One reply at a time per thread (a second concurrent reply would interleave), across instances when shared. */
    private readonly replyLocks: ReplyLockStore,
    private readonly features: HandlerFeatures,
  ) {
    const approvals = approvalActions({
      store,
      resume: (context, approval, decision) => runner.resume(this.actionTurns.get(context)!, approval, decision),
    });
    this.actions = new ActionRegistry([approvals, ...features.actions]);
  }

  async json(userId: string, request: JsonRequest, baseUrl: BaseUrl): Promise<unknown> {
    switch (request.type) {
      case 'threads.get_by_id': {
        const thread = await this.ownThread(userId, request.params.thread_id);
        const items = await this.store.listItems(userId, thread.id, { limit: DEFAULT_PAGE_SIZE, order: 'asc' });
        const page = fitPage(items, this.limits.maxPageBytes);
        return toThreadResponse(thread, { ...page, data: await this.withFreshPreviews(userId, page.data, baseUrl) });
      }
      case 'threads.list': {
        const page = await this.paginate(() => this.store.listThreads(userId, this.pageQuery(request.params)));
        return { ...page, data: page.data.map((thread) => toThreadResponse(thread)) };
      }
      case 'items.list': {
        const thread = await this.ownThread(userId, request.params.thread_id);
        const page = await this.paginate(() => this.store.listItems(userId, thread.id, this.pageQuery(request.params)));
        const fitted = fitPage({ ...page, data: page.data.filter((item) => !isHidden(item)) }, this.limits.maxPageBytes);
        return { ...fitted, data: await this.withFreshPreviews(userId, fitted.data, baseUrl) };
      }
      case 'items.feedback': {
        const thread = await this.ownThread(userId, request.params.thread_id);
        await this.store.addFeedback(userId, thread.id, request.params.item_ids, request.params.kind);
        return {};
      }
      case 'threads.update': {
        const thread = await this.ownThread(userId, request.params.thread_id);
        const title = request.params.title.trim();
        thread.title = title || undefined;
        await this.store.updateThread(userId, thread);
        return toThreadResponse(thread);
      }
      case 'threads.delete': {
        const thread = await this.ownThread(userId, request.params.thread_id);
        const claim = await this.replyLocks.acquire(thread.id);
        if (!claim) throw threadBusy();
        try {
          const files = this.features.attachments ? await this.store.listThreadAttachments(userId, thread.id) : [];
          await this.store.deleteThread(userId, thread.id);
          await this.features.attachments?.service.removeFiles(userId, files);
        } finally {
          await claim.release();
        }
        return {};
      }
      case 'threads.sync_custom_action': {
        const thread = await this.ownThread(userId, request.params.thread_id);
        const { action } = request.params;
        const sender = await this.sender(userId, thread.id, request.params.item_id);
        if (sender === 'not_a_widget') throw new HttpError(400, 'not_a_widget', 'A widget action must name the widget item it came from.');
        const handler = this.actions.get(action.type);
        if (!handler?.handleSync) throw new HttpError(400, 'unknown_action', `This server has no handler for the action "${clip(action.type)}".`);
        let result: Awaited<ReturnType<NonNullable<ActionHandler['handleSync']>>>;
        try {
          result = await handler.handleSync({ userId, thread, action, sender });
        } catch (err) {
          if (err instanceof ActionError) throw new HttpError(400, 'action_failed', err.message);
          throw err;
        }
        const updated = result?.updated_item;
        if (!updated) return {};
        // Stored, so the thread shows the same after a reload; only an item of this thread can be updated.
        await this.replaceOwnItem(userId, thread, updated);
        return { updated_item: updated };
      }
      case 'attachments.create':
        return this.attachmentService().create(userId, request.params, baseUrl());
      case 'attachments.delete':
        await this.attachmentService().remove(userId, request.params.attachment_id);
        return {};
      case 'input.transcribe': {
        const { transcriber, dictationOff } = this.features;
        if (!transcriber) throw new HttpError(400, 'dictation_off', dictationOff);
        return transcriber.transcribe(request.params.audio_base64, request.params.mime_type);
      }
    }
  }

  async prepareStream(userId: string, request: StreamingRequest, baseUrl: BaseUrl): Promise<StreamRun> {
    switch (request.type) {
      case 'threads.create': {
        const files = await this.checkInput(userId, request.params.input, true);
        const refused = this.refusedByModel(files);
        if (refused) return refused;
        const picked = this.features.choices.resolve(request.params.input.inference_options);
        if (!picked.ok) return errorStream(picked.message);
        return async (sink, clientGone) => {
          const thread: ThreadMetadata = { id: newId('thread'), created_at: now(), status: { type: 'active' }, metadata: {} };
          const reply = await this.locked(thread.id, (claimedSink, stopped) =>
            this.createThreadAndReply(userId, thread, { input: request.params.input, files, baseUrl }, claimedSink, stopped),
          );
          await reply(sink, clientGone);
        };
      }
      case 'threads.add_user_message': {
        const thread = await this.ownThread(userId, request.params.thread_id);
        const files = await this.checkInput(userId, request.params.input, false, thread.id);
        const refused = this.refusedByModel(files);
        if (refused) return refused;
        const picked = this.features.choices.resolve(request.params.input.inference_options);
        if (!picked.ok) return errorStream(picked.message);
        await this.checkRoom(userId, thread.id);
        return this.locked(thread.id, (sink, clientGone) =>
          this.addMessageAndReply(userId, thread, { input: request.params.input, files, baseUrl }, sink, clientGone),
        );
      }
      case 'threads.add_client_tool_output': {
        const thread = await this.ownThread(userId, request.params.thread_id);
        const latest = (await this.store.listItems(userId, thread.id, { limit: 1, order: 'desc' })).data[0];
        if (latest?.type !== 'client_tool_call' || latest.status !== 'pending')
          throw new HttpError(409, 'no_pending_client_tool_call', 'This thread is not waiting for a client tool result.');
        await checkQuota(this.store, userId, this.limits, { newThread: false, bytes: checkToolOutputSize(request.params.result, this.limits) });
        await this.checkRoom(userId, thread.id);
        return this.locked(thread.id, async (sink, clientGone) => {
          this.metrics.toolCall(clientToolFailed(request.params.result) ? 'error' : 'ok', 'client');
          await this.store.saveItem(userId, { ...latest, status: 'completed', output: request.params.result });
          await this.runner.run({ userId, thread, sink, clientGone });
        });
      }
      case 'threads.retry_after_item': {
        const thread = await this.ownThread(userId, request.params.thread_id);
        const item = await this.store.getItem(userId, thread.id, request.params.item_id);
        if (!item) throw new HttpError(404, 'item_not_found', 'No such item in this thread.');
        if (item.type !== 'user_message') throw new HttpError(400, 'not_a_user_message', 'Only a user message can be answered again.');
        return this.locked(thread.id, async (sink, clientGone) => {
          const later = await allItems(this.store, userId, thread.id, item.id);
          await this.store.deleteItems(userId, thread.id, later.map((entry) => entry.id));
          await this.runner.run({ userId, thread, sink, clientGone });
        });
      }
      case 'threads.custom_action': {
        const thread = await this.ownThread(userId, request.params.thread_id);
        const { action } = request.params;
        const sender = await this.sender(userId, thread.id, request.params.item_id);
        if (sender === 'not_a_widget') return errorStream('A widget action must name the widget item it came from.');
        const handler = this.actions.get(action.type);
        if (!handler?.handle) return errorStream('This action is not supported by this server.');
        await this.checkRoom(userId, thread.id);
        return this.locked(thread.id, async (sink, clientGone) => {
          sink.send({ type: 'stream_options', stream_options: { allow_cancel: true } });
          const turn: ReplyTurn = { userId, thread, sink, clientGone, optionsSent: true };
          const context = this.streamingContext({ userId, thread, action, sender }, turn);
          try {
            await handler.handle!(context);
          } catch (err) {
            if (!(err instanceof ActionError)) throw err;
            sink.send({ type: 'error', code: 'custom', message: err.message, allow_retry: err.allowRetry });
          }
        });
      }
      case 'threads.add_structured_input': {
        const thread = await this.ownThread(userId, request.params.thread_id);
        const item = await this.store.getItem(userId, thread.id, request.params.item_id);
        if (!item) throw new HttpError(404, 'item_not_found', 'No such item in this thread.');
        if (item.type !== 'structured_input') throw new HttpError(400, 'not_structured_input', 'That item is not waiting for structured input.');
        if (item.status !== 'pending') throw new HttpError(409, 'already_answered', 'These questions were already answered.');
        await checkQuota(this.store, userId, this.limits, { newThread: false, bytes: Buffer.byteLength(JSON.stringify(request.params.input)) });
        await this.checkRoom(userId, thread.id);
        return this.locked(thread.id, async (sink, clientGone) => {
          // Read again under the claim: of two answers sent at once, only the first counts.
          const current = await this.store.getItem(userId, thread.id, item.id);
          if (current?.type !== 'structured_input' || current.status !== 'pending') return errorStream('These questions were already answered.')(sink, clientGone);
          sink.send({ type: 'stream_options', stream_options: { allow_cancel: true } });
          const answered = answerStructuredInput(current, request.params.input);
          await this.store.saveItem(userId, answered);
          sink.send({ type: 'thread.item.replaced', item: answered });
          await this.runner.run({ userId, thread, sink, clientGone, optionsSent: true });
        });
      }
    }
  }

  /** The tools a streamed action works with; each change is stored before the client is told. */
  private streamingContext(base: ActionContext, turn: ReplyTurn): StreamingActionContext {
    const { userId, thread } = base;
    const { sink } = turn;
    const ownItem = (item: VisibleThreadItem) => {
      if (item.thread_id !== thread.id) throw new Error(`An action handler for "${base.action.type}" gave an item of another thread.`);
    };
    const context: StreamingActionContext = {
      ...base,
      signal: turn.clientGone,
      addItem: async (item) => {
        ownItem(item);
        await this.store.addItem(userId, item);
        sink.send({ type: 'thread.item.done', item });
      },
      replaceItem: async (item) => {
        await this.replaceOwnItem(userId, thread, item);
        sink.send({ type: 'thread.item.replaced', item });
      },
      updateWidget: async (item, widget) => {
        const root = asWidgetRoot(widget);
        if (!root) throw new Error(`An action handler for "${base.action.type}" gave a widget that is not a Card, ListView or Basic root.`);
        const updated: WidgetItem = { ...item, widget: root };
        await this.replaceOwnItem(userId, thread, updated);
        sink.send({ type: 'thread.item.updated', item_id: item.id, update: { type: 'widget.root.updated', widget: root } });
        return updated;
      },
      send: (event) => sink.send(event),
      reply: () => this.runner.run(turn),
    };
    this.actionTurns.set(context, turn);
    return context;
  }

  /** Stores an item over the one with its id, which must be in this user's thread. */
  private async replaceOwnItem(userId: string, thread: ThreadMetadata, item: VisibleThreadItem): Promise<void> {
    const existing = item.thread_id === thread.id ? await this.store.getItem(userId, thread.id, item.id) : undefined;
    if (!existing) throw new Error('An action handler updated an item that is not in this thread.');
    await this.store.saveItem(userId, item);
  }

  /** The widget an action names (`item_id`): 404 when it is not in the thread, `not_a_widget` for another item. */
  private async sender(userId: string, threadId: string, itemId: string | null | undefined): Promise<WidgetItem | undefined | 'not_a_widget'> {
    if (!itemId) return undefined;
    const item = await this.store.getItem(userId, threadId, itemId);
    if (!item) throw new HttpError(404, 'item_not_found', 'No such item in this thread.');
    return item.type === 'widget' ? item : 'not_a_widget';
  }

  /**
   * A new thread's first turn, under the thread's claim. Without files the thread, named after its first message,
   * and that message are stored in one transaction (the client still learns the title when the reply ends); files
   * are attached to a thread that already exists, so then the thread is stored first and named at the end.
   */
  private async createThreadAndReply(userId: string, thread: ThreadMetadata, incoming: NewUserMessage, sink: EventSink, clientGone: AbortSignal) {
    if (incoming.files.length > 0) {
      await this.store.createThread(userId, thread);
      sink.send({ type: 'thread.created', thread: toThreadResponse(thread) });
      return this.addMessageAndReply(userId, thread, incoming, sink, clientGone);
    }
    const message = userMessage(thread.id, incoming.input, []);
    const title = titleFromMessage(message);
    await this.store.createThread(userId, { ...thread, title }, message);
    sink.send({ type: 'thread.created', thread: toThreadResponse(thread) });
    sink.send({ type: 'thread.item.done', item: message });
    await this.runner.run({ userId, thread, sink, clientGone, history: [message], namedOnCreation: title });
  }

  private async addMessageAndReply(userId: string, thread: ThreadMetadata, { input, files, baseUrl }: NewUserMessage, sink: EventSink, clientGone: AbortSignal) {
    const attachments = files.length > 0 ? await this.attachmentService().attach(userId, files, thread.id, baseUrl()) : [];
    const message = userMessage(thread.id, input, attachments);
    await this.store.addItem(userId, message);
    sink.send({ type: 'thread.item.done', item: message });
    await this.runner.run({ userId, thread, sink, clientGone });
  }

  /**
   * Claims the thread for one reply now (409 when taken); the claim ends when the returned run finishes. The run's
   * `clientGone` also fires when a stop is requested for the thread on any instance (`stop()`), or the claim is lost.
   */
  private async locked(threadId: string, run: StreamRun): Promise<StreamRun> {
    const claim = await this.replyLocks.acquire(threadId);
    if (!claim) throw threadBusy();
    return async (sink, clientGone) => {
      // Either signal stops the reply, with its own reason (the runner tells a shutdown from a stop by it).
      const stop = new AbortController();
      const signals = [clientGone, claim.stopped];
      const abort = () => stop.abort(signals.find((signal) => signal.aborted)?.reason);
      for (const signal of signals) {
        if (signal.aborted) abort();
        else signal.addEventListener('abort', abort, { once: true });
      }
      try {
        // The reply's writes to this thread carry the claim's fencing token: once a newer claim has written, the
        // database refuses this one's writes (a reply whose claim expired cannot write over its successor).
        await withReplyFence({ threadId, token: claim.token }, () => run(sink, stop.signal));
      } finally {
        clientGone.removeEventListener('abort', abort);
        claim.stopped.removeEventListener('abort', abort);
        await claim.release();
      }
    };
  }

  /** Stops the reply running in this user's thread, wherever it runs; false when none was running. */
  async stop(userId: string, threadId: string): Promise<boolean> {
    const thread = await this.ownThread(userId, threadId);
    return this.replyLocks.requestStop(thread.id);
  }

  private async ownThread(userId: string, threadId: string): Promise<ThreadMetadata> {
    const thread = await this.store.getThread(userId, threadId);
    if (!thread) throw threadNotFound();
    return thread;
  }

  /** Checks a message before anything is stored; the attachments it carries. */
  private async checkInput(userId: string, input: UserMessageInputParams, newThread: boolean, threadId?: string): Promise<AttachmentRecord[]> {
    const files = input.attachments.length > 0 ? await this.attachmentService().checkForMessage(userId, input.attachments, threadId) : [];
    const length = input.content.reduce((sum, part) => sum + part.text.length, 0) + (input.quoted_text?.length ?? 0);
    if (length > this.limits.maxMessageChars)
      throw new HttpError(400, 'message_too_long', `Messages may be at most ${this.limits.maxMessageChars} characters long.`);
    if (files.length === 0 && input.content.every((part) => part.text.trim() === '')) throw new HttpError(400, 'empty_message', 'The message is empty.');
    await checkQuota(this.store, userId, this.limits, { newThread, bytes: checkMessageSize(input, this.limits) });
    return files;
  }

  private attachmentService(): AttachmentService {
    if (!this.features.attachments) throw notSupported('attachments_not_supported', 'Attachments');
    return this.features.attachments.service;
  }

  /** A stream that only says why, when the configured model API cannot take one of the files (nothing is stored). */
  private refusedByModel(files: AttachmentRecord[]): StreamRun | undefined {
    const reason = this.features.attachments && files.length > 0 && unsupportedForModel(this.features.attachments.modelApi, files);
    if (!reason) return undefined;
    return async (sink) => {
      sink.send({ type: 'stream_options', stream_options: { allow_cancel: false } });
      sink.send({ type: 'error', code: 'custom', message: reason, allow_retry: false });
    };
  }

  /** Stored preview URLs expire: user messages are answered with fresh ones. */
  private async withFreshPreviews<T extends ThreadItem>(userId: string, items: T[], baseUrl: BaseUrl): Promise<T[]> {
    const service = this.features.attachments?.service;
    if (!service) return items;
    return Promise.all(
      items.map(async (item) =>
        item.type === 'user_message' && item.attachments?.length
          ? { ...item, attachments: await service.refreshPreviews(userId, item.attachments, baseUrl()) }
          : item,
      ),
    );
  }

  /** A turn adds up to three items (message, answer, and a tool call or a stop note). */
  private async checkRoom(userId: string, threadId: string): Promise<void> {
    if ((await this.store.countItems(userId, threadId)) + 3 > this.limits.maxItemsPerThread)
      throw new HttpError(409, 'thread_full', 'This thread is full; start a new one.');
  }

  private pageQuery(params: { limit?: number | null; order?: 'asc' | 'desc' | null; after?: string | null }): PageQuery {
    return {
      limit: Math.min(params.limit ?? DEFAULT_PAGE_SIZE, this.limits.maxPageSize),
      order: params.order ?? 'desc',
      after: params.after ?? undefined,
    };
  }

  private async paginate<T>(load: () => Promise<Page<T>>): Promise<Page<T>> {
    try {
      return await load();
    } catch (err) {
      if (err instanceof UnknownCursorError) throw new HttpError(400, 'invalid_cursor', 'The "after" cursor names nothing in this list.');
      throw err;
    }
  }

}

/** A client tool reports failure the way tools tell a model: a result object with an `error`. */
function clientToolFailed(result: unknown): boolean {
  return typeof result === 'object' && result !== null && Boolean((result as { error?: unknown }).error);
}

function userMessage(threadId: string, input: UserMessageInputParams, attachments: Attachment[]): UserMessageItem {
  const options = input.inference_options;
  return {
    id: newId('message'),
    thread_id: threadId,
    created_at: now(),
    type: 'user_message',
    content: input.content.map((part) =>
      part.type === 'input_text'
        ? { type: 'input_text', text: part.text }
        : { type: 'input_tag', id: part.id, text: part.text, data: part.data ?? {}, group: part.group ?? undefined, interactive: part.interactive ?? false },
    ),
    attachments,
    quoted_text: input.quoted_text ?? undefined,
    inference_options: {
      tool_choice: options?.tool_choice ?? undefined,
      model: options?.model ?? undefined,
    },
  };
}
