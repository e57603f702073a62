/**
 * One assistant turn's lifecycle: sends `stream_options`, runs the agent (streamed into ChatKit events by
 * `AgentTurn`), stores what it produced, names the thread after its first reply (whatever its outcome), and turns
 * every failure into an `error` event. When the client goes away mid-answer, the run is aborted, the partial answer
 * is kept and a hidden note tells the next turn that the user stopped it. A run that needs the user's approval is
 * saved with an Approve / Deny widget, and resumed by `resume` when the decision arrives.
 */
import type { Logger } from 'pino';
import { APIConnectionTimeoutError, APIError } from 'openai';
import { MaxTurnsExceededError, type Agent, type StreamedRunResult } from '@openai/agents';
import type { Metrics } from '../../metrics/metrics.js';
import { upstreamErrorKind } from '../../metrics/upstream-error-kind.js';
import { approvalWidgetItem, decidedWidgetItem, type Decision } from '../actions/approvals.js';
import { AgentTurn } from '../agent/agent-turn.js';
import { turnContext, type AgentRuntime, type TurnContext } from '../agent/agent-runtime.js';
import { AgentStartError } from '../agent/agent-source.js';
import type { ComposerChoices } from '../composer-tools.js';
import { buildConversation, toAgentInput, turnAttachments } from '../agent/conversation.js';
import { loadAttachmentBytes, type ModelApi } from '../attachments/model-input.js';
import { newId, now } from '../ids.js';
import type { ChatKitLimits } from '../limits.js';
import type { EventSink } from '../protocol/sse.js';
import { toThreadResponse, type ThreadItem, type ThreadMetadata, type WidgetItem } from '../protocol/types.js';
import { allItems, type PendingApproval, type ThreadStore } from '../store/thread-store.js';
import { titleFromMessage } from '../title.js';

export const STOPPED_NOTE = 'The user stopped the previous answer before it finished. Do not continue it unless they ask.';
export const INTERRUPTED_NOTE = 'The server restarted before the previous answer finished; it was cut off, not stopped by the user.';
/** The `clientGone` abort reason when the server shuts down: the answer ends the same way, but the user did not stop it. */
export const SHUTDOWN_REASON = 'server_shutdown';

export interface ReplyDeps {
  store: ThreadStore;
  /** Null when no model is configured: every reply is then an error event saying what to set. */
  agents: AgentRuntime | null;
  limits: ChatKitLimits;
  logger: Logger;
  metrics: Metrics;
  /** What the model picker and composer tools may choose. */
  choices: ComposerChoices;
  /** How attachments reach the model: the API's shapes, and their bytes by owner and id. Absent when attachments are off. */
  attachments?: { api: ModelApi; read: (userId: string, attachmentId: string) => Promise<Buffer> };
}

export interface ReplyTurn {
  userId: string;
  thread: ThreadMetadata;
  sink: EventSink;
  /** Aborted when the client disconnects (the stop button closes the request). */
  clientGone: AbortSignal;
  /** The stream already began with `stream_options` (an action or structured input answered first). */
  optionsSent?: boolean;
  /** The thread's items, when the caller has just stored all of them (a new thread's first message). */
  history?: ThreadItem[];
  /** The title a new thread was stored with (saving a write); announced when the reply ends, like one given then. */
  namedOnCreation?: string;
}

class DeadlineError extends Error {}

/** Aborts the run when the model stays silent too long; a running tool has its own timeout, so it gets more. */
class Watchdog {
  expired = false;
  private timer?: NodeJS.Timeout;
  private armedMs = 0;

  constructor(private readonly upstream: AbortController) {}

  /** Called on every model event: the same wait again restarts the timer in place (no new timer per event). */
  arm(ms: number): void {
    if (this.timer && ms === this.armedMs) {
      this.timer.refresh();
      return;
    }
    clearTimeout(this.timer);
    this.armedMs = ms;
    this.timer = setTimeout(() => {
      this.expired = true;
      this.upstream.abort();
    }, ms);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/** A user-facing sentence for a model failure; never the upstream body. */
function describeFailure(err: unknown): string {
  if (err instanceof DeadlineError || err instanceof APIConnectionTimeoutError) return 'The model took too long to answer. Please try again.';
  if (err instanceof APIError && err.status !== undefined) return `The model service failed (HTTP ${err.status}). Please try again.`;
  if (err instanceof APIError) return 'The model stopped with an error. Please try again.';
  if (err instanceof AgentStartError) return 'This chat\'s assistant could not be started. Please try again later.';
  return 'The model service could not be reached. Please try again.';
}

/** What the logs may know of a failure: upstream messages can echo request details (e.g. a masked API key). */
function describeForLog(err: unknown): Record<string, unknown> {
  if (err instanceof APIError) return { name: err.name, status: err.status, code: err.code, type: err.type };
  return { name: (err as Error)?.name ?? typeof err };
}

/** The SDK wraps what the model client threw; the user-facing message depends on the original. */
function rootCause(err: unknown): unknown {
  let current = err;
  for (let depth = 0; depth < 5 && current instanceof Error && !(current instanceof APIError) && !(current instanceof AgentStartError) && current.cause; depth++)
    current = current.cause;
  return current;
}

export class ReplyRunner {
  constructor(private readonly deps: ReplyDeps) {}

  async run(turn: ReplyTurn): Promise<void> {
    if (!turn.optionsSent) turn.sink.send({ type: 'stream_options', stream_options: { allow_cancel: true } });
    const items = turn.history ?? (await allItems(this.deps.store, turn.userId, turn.thread.id));
    await this.reply(turn, items);
    // Whatever the outcome (answered, failed, stopped), the thread is named after its first message.
    await this.nameThread(turn, items);
  }

  /** Continues a paused run with the user's decision; the approval was taken from the store by the caller. */
  async resume(turn: ReplyTurn, approval: PendingApproval, decision: Decision): Promise<void> {
    if (!turn.optionsSent) turn.sink.send({ type: 'stream_options', stream_options: { allow_cancel: true } });
    const pending = await this.deps.store.getItem(turn.userId, turn.thread.id, approval.widgetItemId);
    if (pending?.type === 'widget') {
      const decided = decidedWidgetItem(pending, approval.requests, decision);
      await this.deps.store.saveItem(turn.userId, decided);
      turn.sink.send({ type: 'thread.item.replaced', item: decided });
    }
    await this.stream(turn, async (agents, context, signal) => {
      const { agent } = await agents.prepare({ userId: turn.userId, threadId: turn.thread.id, signal });
      const state = await agents.restore(agent, approval.runState, context);
      const denied = new Set(decision === 'deny' ? state.getInterruptions().map((item) => (item.rawItem as { callId?: string }).callId ?? '') : []);
      for (const interruption of state.getInterruptions()) {
        if (decision === 'approve') state.approve(interruption);
        else state.reject(interruption);
      }
      return { agent, result: await agents.run(agent, state, context, signal), unavailable: [], denied };
    });
  }

  private async reply(turn: ReplyTurn, items: ThreadItem[]): Promise<void> {
    // The latest message's picks hold for the answers that follow it (tool results, approvals, a retry).
    const latest = items.findLast((item) => item.type === 'user_message');
    const picked = this.deps.choices.resolve(latest?.type === 'user_message' ? latest.inference_options : undefined);
    if (!picked.ok) {
      turn.sink.send({ type: 'error', code: 'custom', message: picked.message, allow_retry: false });
      return;
    }
    return this.stream(turn, async (agents, context, signal) => {
      const { agent, unavailable } = await agents.prepare({ userId: turn.userId, threadId: turn.thread.id, signal }, picked.choice);
      const turns = buildConversation(items, this.deps.limits.historyCharBudget);
      const { attachments } = this.deps;
      const files = attachments && {
        api: attachments.api,
        bytes: await loadAttachmentBytes(turnAttachments(turns), (id) => attachments.read(turn.userId, id)),
      };
      const input = toAgentInput(turns, files);
      if (unavailable.length > 0)
        input.push({ role: 'user', content: `[Context for the assistant, not shown to the user] These tool services are unavailable right now: ${unavailable.join(', ')}. If the user needs them, say so.` });
      return { agent, result: await agents.run(agent, input, context, signal), unavailable, denied: new Set<string>() };
    });
  }

  private async stream(
    turn: ReplyTurn,
    start: (
      agents: AgentRuntime,
      context: TurnContext,
      signal: AbortSignal,
    ) => Promise<{ agent: Agent<any, any>; result: StreamedRunResult<TurnContext, Agent<any, any>>; unavailable: string[]; denied: ReadonlySet<string> }>,
  ): Promise<void> {
    const { sink, thread, userId } = turn;
    const { agents, limits, logger, store, metrics } = this.deps;
    if (!agents) {
      sink.send({
        type: 'error',
        code: 'custom',
        message: 'This chat has no model configured. The server operator must set OPENAI_API_KEY (or OPENAI_BASE_URL for a compatible provider).',
        allow_retry: false,
      });
      return;
    }

    // The bench soak measured `AbortSignal.any()` here keeping about 1 KB per call alive, growing without bound.
    const upstream = new AbortController();
    const forwardClientGone = () => upstream.abort(turn.clientGone.reason);
    if (turn.clientGone.aborted) forwardClientGone();
    else turn.clientGone.addEventListener('abort', forwardClientGone, { once: true });
    const { context, reports } = turnContext(userId, thread.id);
    const timer = metrics.replyStarted();
    const watchdog = new Watchdog(upstream);
    // The first event may take two SDK attempts (one retry) and the backoff between them.
    watchdog.arm(2 * limits.modelTimeoutMs + 1_000);
    let agentTurn: AgentTurn | undefined;
    let result: StreamedRunResult<TurnContext, Agent<any, any>> | undefined;
    try {
      const started = await start(agents, context, upstream.signal);
      result = started.result;
      agentTurn = new AgentTurn(thread.id, sink, {
        clientToolNames: agents.clientToolNames,
        maxToolCalls: agents.maxToolCalls,
        reports,
        denied: started.denied,
        onLimit: () => upstream.abort(),
        persist: (item) => store.addItem(userId, item),
        metrics,
      });
      await agentTurn.unavailable(started.unavailable);
      let outputSeen = false;
      for await (const event of result) {
        const toolRunning = event.type === 'run_item_stream_event' && event.name === 'tool_called';
        watchdog.arm(toolRunning ? agents.toolTimeoutMs + limits.modelIdleTimeoutMs : limits.modelIdleTimeoutMs);
        // Most events are handled at once; awaiting nothing would still cost a turn of the microtask queue per event.
        const handling = agentTurn.handle(event);
        if (handling) await handling;
        if (!outputSeen && agentTurn.producedOutput) {
          outputSeen = true;
          timer.firstEvent();
        }
      }
      await result.completed;
      if (watchdog.expired) throw new DeadlineError();
      if (result.error) throw result.error;
      // One model call per reply: the agent run (which may ask the model several times, around tool calls).
      metrics.modelCall(turn.clientGone.aborted ? 'cancelled' : 'ok');
    } catch (err) {
      if (turn.clientGone.aborted || agentTurn?.limitReached) metrics.modelCall(turn.clientGone.aborted ? 'cancelled' : 'ok');
      else {
        const cause = watchdog.expired ? new DeadlineError() : err instanceof MaxTurnsExceededError ? err : rootCause(err);
        const timedOut = cause instanceof DeadlineError || cause instanceof APIConnectionTimeoutError;
        metrics.modelCall(timedOut ? 'timeout' : 'error');
        if (timedOut || cause instanceof APIError) metrics.upstreamError('model', upstreamErrorKind(cause, { timedOut }));
        logger.warn({ failure: describeForLog(cause), threadId: thread.id }, 'model reply failed');
        // Tool work that happened stays in the thread; a half-written answer does not.
        await agentTurn?.finish('failed');
        const message =
          cause instanceof MaxTurnsExceededError ? 'The assistant took too many steps for this answer and was stopped. Please try again.' : describeFailure(cause);
        sink.send({ type: 'error', code: 'custom', message, allow_retry: true });
        return;
      }
    } finally {
      timer.end();
      watchdog.stop();
      turn.clientGone.removeEventListener('abort', forwardClientGone);
    }

    if (turn.clientGone.aborted || !agentTurn) {
      // Stopped (before the agent even started, when there is no turn): keep what was written, and say so.
      await agentTurn?.finish('stopped');
      const note = turn.clientGone.reason === SHUTDOWN_REASON ? INTERRUPTED_NOTE : STOPPED_NOTE;
      await store.addItem(userId, { id: newId('hidden_context'), thread_id: thread.id, created_at: now(), type: 'sdk_hidden_context', content: note });
      return;
    }
    if (agentTurn.limitReached) {
      await agentTurn.say(`I stopped here: this answer needed more than ${agents.maxToolCalls} tool calls, the most one answer may use.`);
    } else if (result && result.interruptions.length > 0) {
      await this.askForApproval(turn, agentTurn, result);
    } else if (!agentTurn.producedOutput) {
      sink.send({ type: 'error', code: 'custom', message: 'The model returned an empty answer. Please try again.', allow_retry: true });
      return;
    }
    await agentTurn.finish('complete');
  }

  private async askForApproval(turn: ReplyTurn, agentTurn: AgentTurn, result: StreamedRunResult<TurnContext, Agent<any, any>>): Promise<void> {
    const approvalId = newId('approval');
    const requests = agentTurn.approvals.map(({ toolName, arguments: args }) => ({ toolName, arguments: args }));
    const widget: WidgetItem = approvalWidgetItem(turn.thread.id, approvalId, requests);
    await this.deps.store.savePendingApproval(turn.userId, {
      id: approvalId,
      threadId: turn.thread.id,
      widgetItemId: widget.id,
      runState: result.state.toString(),
      requests,
      createdAt: now(),
    });
    await agentTurn.add(widget);
  }

  private async nameThread(turn: ReplyTurn, items: ThreadItem[]): Promise<void> {
    // Read again: the user may have renamed the thread while the answer streamed.
    const thread = await this.deps.store.getThread(turn.userId, turn.thread.id);
    const first = items.find((item) => item.type === 'user_message');
    if (!thread || !first) return;
    if (!thread.title) {
      thread.title = titleFromMessage(first);
      await this.deps.store.updateThread(turn.userId, thread);
    } else if (thread.title !== turn.namedOnCreation) return; // named before, or renamed while the answer streamed
    turn.sink.send({ type: 'thread.updated', thread: toThreadResponse(thread) });
  }
}
