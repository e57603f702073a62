/**
 * One assistant turn: sends `stream_options`, streams the model's answer as ChatKit events, stores what is
 * finished, names the thread after its first reply (whatever its outcome), and turns every failure into an `error` event. When the
 * client goes away mid-answer, the model call is aborted, the partial answer is kept and a hidden note tells
 * the next turn that the user stopped it.
 */
import type { Logger } from 'pino';
import { APIConnectionTimeoutError, APIError } from 'openai';
import { newId, now } from '../ids.js';
import type { ChatKitLimits } from '../limits.js';
import { buildConversation } from '../model/conversation.js';
import { ModelStreamError, type ClientToolDefinition, type ReplyChunk, type ReplyModel } from '../model/reply-model.js';
import type { EventSink } from '../protocol/sse.js';
import { toThreadResponse, type ClientToolCallItem, type ThreadItem, type ThreadMetadata } from '../protocol/types.js';
import { allItems, type ThreadStore } from '../store/thread-store.js';
import { titleFromMessage } from '../title.js';
import { AssistantDraft } from './assistant-draft.js';

export const STOPPED_NOTE = 'The user stopped the previous answer before it finished. Do not continue it unless they ask.';

export interface ReplyDeps {
  store: ThreadStore;
  /** Null when no model is configured: every reply is then an error event saying what to set. */
  model: ReplyModel | null;
  clientTools: ClientToolDefinition[];
  limits: ChatKitLimits;
  logger: Logger;
}

export interface ReplyTurn {
  userId: string;
  thread: ThreadMetadata;
  sink: EventSink;
  /** Aborted when the client disconnects (the stop button closes the request). */
  clientGone: AbortSignal;
}

class DeadlineError extends Error {}

/**
 * Yields the model's chunks, aborting the upstream call when the first chunk takes longer than `firstMs` or the
 * stream then stays silent for longer than `idleMs`. The SDK's own timeout only covers each attempt's headers.
 */
async function* withDeadlines(
  chunks: AsyncIterable<ReplyChunk>,
  { firstMs, idleMs }: { firstMs: number; idleMs: number },
  upstream: AbortController,
): AsyncGenerator<ReplyChunk> {
  let expired = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      expired = true;
      upstream.abort();
    }, ms);
  };
  arm(firstMs);
  try {
    for await (const chunk of chunks) {
      arm(idleMs);
      yield chunk;
    }
  } catch (err) {
    if (!expired) throw err;
  } finally {
    clearTimeout(timer);
  }
  if (expired) throw new DeadlineError();
}

/** A user-facing sentence for a model failure; never the upstream body. */
function describeFailure(err: unknown): string {
  if (err instanceof DeadlineError || err instanceof APIConnectionTimeoutError) return 'The model took too long to answer. Please try again.';
  if (err instanceof APIError && err.status !== undefined) return `The model service failed (HTTP ${err.status}). Please try again.`;
  if (err instanceof ModelStreamError) return 'The model stopped with an error. Please try again.';
  return 'The model service could not be reached. Please try again.';
}

/** What the logs may know of a failure: upstream messages can echo request details (e.g. a masked API key). */
function describeForLog(err: unknown): Record<string, unknown> {
  if (err instanceof APIError) return { name: err.name, status: err.status, code: err.code, type: err.type };
  return { name: (err as Error)?.name ?? typeof err };
}

function parseArguments(raw: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw || '{}');
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through: the client still gets the text the model produced
  }
  return { input: raw };
}

export class ReplyRunner {
  constructor(private readonly deps: ReplyDeps) {}

  async run(turn: ReplyTurn): Promise<void> {
    turn.sink.send({ type: 'stream_options', stream_options: { allow_cancel: true } });
    const items = await allItems(this.deps.store, turn.userId, turn.thread.id);
    await this.reply(turn, items);
    // Whatever the outcome (answered, failed, stopped), the thread is named after its first message.
    await this.nameThread(turn, items);
  }

  private async reply(turn: ReplyTurn, items: ThreadItem[]): Promise<void> {
    const { sink, thread } = turn;
    const { model } = this.deps;
    if (!model) {
      sink.send({
        type: 'error',
        code: 'custom',
        message: 'This chat has no model configured. The server operator must set OPENAI_API_KEY and CHATKIT_MODEL.',
        allow_retry: false,
      });
      return;
    }

    // The bench soak measured `AbortSignal.any()` here keeping about 1 KB per call alive, growing without bound.
    const upstream = new AbortController();
    const forwardClientGone = () => upstream.abort(turn.clientGone.reason);
    if (turn.clientGone.aborted) forwardClientGone();
    else turn.clientGone.addEventListener('abort', forwardClientGone, { once: true });
    const { signal } = upstream;
    let draft: AssistantDraft | undefined;
    let toolCall: ClientToolCallItem | undefined;
    try {
      const chunks = model.stream({
        conversation: buildConversation(items, this.deps.limits.historyCharBudget),
        tools: this.deps.clientTools,
        signal,
      });
      const { modelTimeoutMs, modelIdleTimeoutMs } = this.deps.limits;
      // The first chunk may take two SDK attempts (one retry) and the backoff between them.
      const deadlines = { firstMs: 2 * modelTimeoutMs + 1_000, idleMs: modelIdleTimeoutMs };
      for await (const chunk of withDeadlines(chunks, deadlines, upstream)) {
        if (chunk.type === 'text') {
          draft ??= new AssistantDraft(thread.id, sink);
          draft.append(chunk.delta);
        } else {
          // One client tool per turn: the client runs it, and its output continues the reply.
          toolCall = this.pendingToolCall(thread.id, chunk);
          break;
        }
      }
    } catch (err) {
      if (!turn.clientGone.aborted) {
        this.deps.logger.warn({ failure: describeForLog(err), threadId: thread.id }, 'model reply failed');
        sink.send({ type: 'error', code: 'custom', message: describeFailure(err), allow_retry: true });
        return;
      }
    } finally {
      turn.clientGone.removeEventListener('abort', forwardClientGone);
    }

    if (turn.clientGone.aborted) return this.keepStoppedAnswer(turn, draft);
    if (!draft && !toolCall) {
      sink.send({ type: 'error', code: 'custom', message: 'The model returned an empty answer. Please try again.', allow_retry: true });
      return;
    }
    if (draft) {
      await this.deps.store.addItem(turn.userId, draft.item());
      draft.done();
    }
    if (toolCall) {
      await this.deps.store.addItem(turn.userId, toolCall);
      sink.send({ type: 'thread.item.done', item: toolCall });
    }
  }

  private pendingToolCall(threadId: string, chunk: Extract<ReplyChunk, { type: 'tool_call' }>): ClientToolCallItem {
    return {
      id: newId('tool_call'),
      thread_id: threadId,
      created_at: now(),
      type: 'client_tool_call',
      status: 'pending',
      call_id: chunk.callId || newId('tool_call'),
      name: chunk.name,
      arguments: parseArguments(chunk.arguments),
    };
  }

  private async keepStoppedAnswer(turn: ReplyTurn, draft: AssistantDraft | undefined): Promise<void> {
    const { store } = this.deps;
    if (draft?.hasText) await store.addItem(turn.userId, draft.item());
    await store.addItem(turn.userId, {
      id: newId('hidden_context'),
      thread_id: turn.thread.id,
      created_at: now(),
      type: 'sdk_hidden_context',
      content: STOPPED_NOTE,
    });
  }

  private async nameThread(turn: ReplyTurn, items: ThreadItem[]): Promise<void> {
    // Read again: the user may have renamed the thread while the answer streamed.
    const thread = await this.deps.store.getThread(turn.userId, turn.thread.id);
    const first = items.find((item) => item.type === 'user_message');
    if (!thread || thread.title || !first) return;
    thread.title = titleFromMessage(first);
    await this.deps.store.updateThread(turn.userId, thread);
    turn.sink.send({ type: 'thread.updated', thread: toThreadResponse(thread) });
  }

}
