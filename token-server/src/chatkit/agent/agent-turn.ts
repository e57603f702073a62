/**
 * Turns one Agents SDK run's stream into ChatKit events as they happen: text into assistant messages, tool calls
 * into a workflow with a task each, widget results into `widget` items, a client tool call into a pending
 * `client_tool_call`, and approval requests into the list the reply runner asks the user about. It is the only
 * place that knows both vocabularies. Each item is stored (through `persist`) before its `thread.item.done` is
 * sent, so what the client saw finished survives the server going away.
 */
import type { RunStreamEvent } from '@openai/agents';
import type { Metrics, ToolKind } from '../../metrics/metrics.js';
import { newId, now } from '../ids.js';
import type { ToolReport } from '../mcp/mcp-tools.js';
import type { EventSink } from '../protocol/sse.js';
import type { ClientToolCallItem, ThreadItem, WidgetItem } from '../protocol/types.js';
import { asWidgetRoot } from '../protocol/widgets.js';
import type { ApprovalRequest } from '../actions/approvals.js';
import { AssistantDraft } from './assistant-draft.js';
import { WorkflowDraft } from './workflow-draft.js';

/** The Agents SDK's output for a function tool that threw (its default error function). */
const SDK_TOOL_ERROR = 'An error occurred while running the tool.';

/** OpenAI's hosted tools, as their calls appear in the Responses stream, and how a task names them. */
const HOSTED_TOOLS: Record<string, string> = {
  web_search_call: 'web search',
  file_search_call: 'file search',
  code_interpreter_call: 'code interpreter',
};

interface HostedCallItem {
  id?: string;
  type?: string;
  action?: { query?: string };
  queries?: string[];
}

export interface AgentTurnOptions {
  clientToolNames: ReadonlySet<string>;
  maxToolCalls: number;
  /** Tool calls made in this reply before this run (a run resumed after an approval continues the count). */
  toolCallsSoFar?: number;
  /** What tools reported beside their output, by call id. */
  reports: ReadonlyMap<string, ToolReport>;
  /** Tool calls the user denied (a resumed run): their tasks show that, not success. */
  denied?: ReadonlySet<string>;
  /** Called once when the reply makes more tool calls than allowed: the caller stops the run. */
  onLimit(): void;
  /** Stores a finished item. */
  persist(item: ThreadItem): Promise<void>;
  /** Counts each tool call's outcome. */
  metrics: Pick<Metrics, 'toolCall'>;
}

interface RawCall {
  type?: string;
  callId?: string;
  id?: string;
  name?: string;
  arguments?: string;
}

export class AgentTurn {
  private finished = 0;
  private draft?: AssistantDraft;
  private workflow?: WorkflowDraft;
  private readonly names = new Map<string, string>();
  private readonly kinds = new Map<string, ToolKind>();
  private toolCalls: number;
  private clientCall?: ClientToolCallItem;
  readonly approvals: (ApprovalRequest & { callId: string })[] = [];
  limitReached = false;

  constructor(
    private readonly threadId: string,
    private readonly sink: EventSink,
    private readonly options: AgentTurnOptions,
  ) {
    this.toolCalls = options.toolCallsSoFar ?? 0;
  }

  get toolCallCount(): number {
    return this.toolCalls;
  }

  get pendingClientToolCall(): ClientToolCallItem | undefined {
    return this.clientCall;
  }

  /** True once anything the user can see was produced. */
  get producedOutput(): boolean {
    return this.finished > 0 || Boolean(this.draft?.hasText) || Boolean(this.workflow?.hasTasks) || Boolean(this.clientCall);
  }

  /** Shows servers that could not be reached before the model starts, so the user knows why tools are missing. */
  async unavailable(servers: string[]): Promise<void> {
    for (const server of servers) (await this.openWorkflow()).note(`${server} is unavailable`, `The ${server} service cannot be reached right now.`);
  }

  /**
   * Handles one event of the run. Text while no workflow is open, and the events that show nothing, are handled at
   * once (no promise: a reply is mostly deltas); what may store an item returns a promise to wait for.
   */
  handle(event: RunStreamEvent): Promise<void> | undefined {
    if (event.type === 'raw_model_stream_event') {
      if (event.data.type === 'output_text_delta' && event.data.delta) {
        if (this.workflow) return this.text(event.data.delta);
        this.appendText(event.data.delta);
        return undefined;
      }
      // Hosted tools run inside the model's answer: shown from the raw stream, in the order they happen.
      if (event.data.type === 'model') {
        const raw = (event.data as { event?: { type?: string; item?: HostedCallItem } }).event;
        const label = raw?.item?.type ? HOSTED_TOOLS[raw.item.type] : undefined;
        if (label && raw?.item?.id) return this.hostedCall(raw.type, raw.item as HostedCallItem & { id: string }, label);
      }
      return undefined;
    }
    if (event.type !== 'run_item_stream_event') return undefined;
    return this.runItem(event);
  }

  private async runItem(event: Extract<RunStreamEvent, { type: 'run_item_stream_event' }>): Promise<void> {
    const raw = event.item.rawItem as RawCall & { output?: unknown };
    switch (event.name) {
      case 'tool_called':
        return this.toolCalled(raw);
      case 'tool_output':
        return await this.toolOutput(raw.callId ?? '', raw.name, event.item.type === 'tool_call_output_item' ? (event.item as { output?: unknown }).output : raw.output);
      case 'tool_approval_requested': {
        const callId = raw.callId ?? raw.id ?? '';
        const toolName = raw.name ?? this.names.get(callId) ?? 'a tool';
        (await this.openWorkflow()).waitingForApproval(callId, toolName);
        this.approvals.push({ callId, toolName, arguments: raw.arguments ?? '' });
        return;
      }
    }
  }

  /** Adds a message of the server's own (e.g. why the reply stopped), as its own finished assistant message. */
  async say(text: string): Promise<void> {
    await this.text(text);
    await this.closeDraft();
  }

  /** Adds a finished item made elsewhere (the approval widget), after what is already open is closed. */
  async add(item: WidgetItem): Promise<void> {
    await this.closeWorkflow();
    await this.closeDraft();
    await this.announce(item);
  }

  /**
   * Ends the turn: open items are finished and stored; a stopped reply (`complete: false`, the client is gone) keeps
   * its partial text; a failed one drops it. A pending client tool call is stored and announced last.
   */
  async finish(outcome: 'complete' | 'stopped' | 'failed'): Promise<void> {
    await this.closeWorkflow();
    if (outcome === 'complete') await this.closeDraft();
    else if (outcome === 'stopped' && this.draft?.hasText) await this.options.persist(this.draft.item());
    this.draft = undefined;
    if (this.clientCall && outcome === 'complete') await this.announce(this.clientCall);
  }

  private async text(delta: string): Promise<void> {
    await this.closeWorkflow();
    this.appendText(delta);
  }

  private appendText(delta: string): void {
    this.draft ??= new AssistantDraft(this.threadId, this.sink);
    this.draft.append(delta);
  }

  private async hostedCall(type: string | undefined, item: HostedCallItem & { id: string }, label: string): Promise<void> {
    if (type === 'response.output_item.added') {
      this.names.set(item.id, label);
      (await this.openWorkflow()).start(item.id, label, item.action?.query ?? item.queries?.[0]);
    } else if (type === 'response.output_item.done') {
      (await this.openWorkflow()).succeeded(item.id, label, item.action?.query ?? item.queries?.[0]);
    }
  }

  private async toolCalled(raw: RawCall): Promise<void> {
    // A hosted call was shown from the raw stream already (it ran inside the model's answer).
    if (raw.type === 'hosted_tool_call') return;
    const callId = raw.callId ?? raw.id ?? newId('tool_call');
    const toolName = raw.name ?? 'a tool';
    this.names.set(callId, toolName);
    this.kinds.set(callId, raw.type === 'hosted_tool_call' ? 'hosted' : 'server');
    await this.closeDraft();
    if (raw.type === 'function_call' && this.options.clientToolNames.has(toolName)) {
      this.clientCall = clientToolCall(this.threadId, callId, toolName, raw.arguments ?? '');
      return;
    }
    this.toolCalls += 1;
    const workflow = await this.openWorkflow();
    if (this.toolCalls > this.options.maxToolCalls) {
      workflow.failed(callId, toolName, `Stopped: an answer may use at most ${this.options.maxToolCalls} tool calls.`);
      if (!this.limitReached) {
        this.limitReached = true;
        this.options.onLimit();
      }
      return;
    }
    workflow.start(callId, toolName, describeArguments(raw.arguments));
  }

  private async toolOutput(callId: string, name: string | undefined, output: unknown): Promise<void> {
    // A run resumed after an approval reports outputs of calls it did not announce: the result names its tool.
    const toolName = this.names.get(callId) ?? name ?? 'a tool';
    if (this.options.clientToolNames.has(toolName) || this.limitReached) return;
    const workflow = await this.openWorkflow();
    const kind = this.kinds.get(callId) ?? 'server';
    if (this.options.denied?.has(callId)) {
      this.options.metrics.toolCall('denied', kind);
      return workflow.failed(callId, toolName, 'You denied this action, so it did not run.');
    }
    const report = this.options.reports.get(callId);
    const text = outputText(output);
    if (report?.failure || text.startsWith(SDK_TOOL_ERROR)) {
      this.options.metrics.toolCall('error', kind);
      return workflow.failed(callId, toolName, report?.failure ?? 'The tool failed.');
    }
    this.options.metrics.toolCall('ok', kind);
    workflow.succeeded(callId, toolName);
    const widget = asWidgetRoot(report?.widget ?? parseWidget(text));
    if (widget) {
      await this.closeWorkflow();
      await this.announce({ id: newId('widget'), thread_id: this.threadId, created_at: now(), type: 'widget', widget });
    }
  }

  private async openWorkflow(): Promise<WorkflowDraft> {
    await this.closeDraft();
    this.workflow ??= new WorkflowDraft(this.threadId, this.sink);
    return this.workflow;
  }

  private async closeWorkflow(): Promise<void> {
    const workflow = this.workflow;
    this.workflow = undefined;
    if (workflow) await this.announce(workflow.finish());
  }

  private async closeDraft(): Promise<void> {
    const draft = this.draft;
    this.draft = undefined;
    if (!draft?.hasText) return;
    await this.options.persist(draft.item());
    draft.done();
    this.finished += 1;
  }

  /** Stores a finished item, then tells the client it is done. */
  private async announce(item: Exclude<ThreadItem, { type: 'sdk_hidden_context' }>): Promise<void> {
    await this.options.persist(item);
    this.finished += 1;
    this.sink.send({ type: 'thread.item.done', item });
  }
}

function clientToolCall(threadId: string, callId: string, name: string, args: string): ClientToolCallItem {
  return { id: newId('tool_call'), thread_id: threadId, created_at: now(), type: 'client_tool_call', status: 'pending', call_id: callId, name, arguments: parseArguments(args) };
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

/** A short line of what a tool was asked, for its task. */
function describeArguments(raw: string | undefined): string | undefined {
  if (!raw || raw === '{}') return undefined;
  return raw;
}

function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (output && typeof output === 'object' && typeof (output as { text?: unknown }).text === 'string') return (output as { text: string }).text;
  return output === undefined ? '' : JSON.stringify(output);
}

/** A code tool returns a widget as `{ "widget": {...} }` (as JSON text or an object). */
function parseWidget(text: string): unknown {
  if (!text.startsWith('{')) return undefined;
  try {
    return (JSON.parse(text) as { widget?: unknown }).widget;
  } catch {
    return undefined;
  }
}
