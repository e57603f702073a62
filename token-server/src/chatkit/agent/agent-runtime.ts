/**
 * Runs the agent with the Agents SDK: one model provider on the real `openai` SDK (our timeout and retry policy,
 * any OpenAI-compatible `baseURL`, Responses or Chat Completions), tracing off (nothing leaves the server but the
 * model calls), and per turn an agent made of the configured or given one plus the MCP tools, hosted tools and
 * the page's client tools. A paused run (an approval) is restored from its serialised state with a fresh context.
 */
import OpenAI from 'openai';
import { Agent, RunContext, RunState, Runner, tool, type AgentInputItem, type StreamedRunResult, type Tool } from '@openai/agents';
import { codeInterpreterTool, fileSearchTool, OpenAIProvider, webSearchTool } from '@openai/agents-openai';
import type { McpHub, McpToolContext, ToolReport } from '../mcp/mcp-tools.js';
import type { TurnChoice } from '../composer-tools.js';
import type { AgentConfig, ClientToolDefinition, HostedToolConfig, ModelSettings } from './agent-config.js';
import { resolveAgent, type AgentContext, type AgentSource } from './agent-source.js';
import { modelFetch } from './model-fetch.js';

/** The context every tool of a turn sees (`runContext.context`). */
export interface TurnContext extends McpToolContext {
  threadId: string;
}

export interface AgentRuntimeOptions {
  model: ModelSettings;
  modelTimeoutMs: number;
  config: AgentConfig;
  /** An agent from code or `CHATKIT_AGENT_MODULE`; the configured one when absent. */
  agent?: AgentSource;
  mcp?: McpHub;
  clientTools: ClientToolDefinition[];
}

export interface PreparedAgent {
  agent: Agent<any, any>;
  /** MCP servers whose tools could not be listed for this turn. */
  unavailable: string[];
}

function hostedTool(config: HostedToolConfig): Tool {
  if (config.type === 'web_search') return webSearchTool();
  if (config.type === 'file_search') return fileSearchTool(config.vectorStoreId);
  return codeInterpreterTool();
}

/** A tool the page runs: the run stops at it (`stopAtToolNames`), and the client's answer continues the reply. */
function clientTool(definition: ClientToolDefinition): Tool {
  return tool({
    name: definition.name,
    description: definition.description ?? definition.name,
    parameters: { type: 'object', properties: {}, ...definition.parameters, additionalProperties: true } as any,
    strict: false,
    execute: async () => 'The user\'s browser runs this tool; its result arrives with the next request.',
  });
}

export class AgentRuntime {
  private readonly runner: Runner;
  private readonly base: AgentSource;
  readonly clientToolNames: ReadonlySet<string>;
  /** The hosted and client tools, fixed at start. */
  private readonly fixedTools: Tool[];
  /** The configured agent with the fixed tools, made once: without MCP servers or a pick, every turn gets this one. */
  private plainAgent?: Agent<any, any>;

  constructor(private readonly options: AgentRuntimeOptions) {
    const { model } = options;
    // Bounded wait for the first byte, at most one retry, and no SDK console logging (it can print raw chunks).
    // A local OpenAI-compatible provider may need no key, but the SDK refuses an empty one.
    const client = new OpenAI({
      apiKey: model.apiKey || 'no-key-needed',
      baseURL: model.baseURL,
      timeout: options.modelTimeoutMs,
      maxRetries: 1,
      logLevel: 'off',
      // What each open reply holds while the model streams is mostly its transport: see model-fetch.ts.
      fetch: modelFetch(),
    });
    this.runner = new Runner({
      modelProvider: new OpenAIProvider({ openAIClient: client, useResponses: model.api === 'responses' }),
      tracingDisabled: true,
      traceIncludeSensitiveData: false,
    });
    this.base =
      options.agent ??
      new Agent({
        name: 'Assistant',
        instructions: model.instructions,
        model: model.model,
        // The whole history is sent every turn, so nothing needs to be kept upstream.
        modelSettings: { store: false },
      });
    this.clientToolNames = new Set(options.clientTools.map((definition) => definition.name));
    this.fixedTools = [...options.config.hostedTools.map(hostedTool), ...options.clientTools.map(clientTool)];
  }

  get maxToolCalls(): number {
    return this.options.config.maxToolCalls;
  }

  get toolTimeoutMs(): number {
    return this.options.config.toolTimeoutMs;
  }

  /**
   * The agent for one turn. `choice` is what the user picked in the composer (already checked): another model, or
   * a tool the model must use for this message. A picked hosted tool is forced by name; a picked MCP server leaves
   * only its tools on offer and requires a tool call (the SDK lets the model answer freely after that first call).
   */
  async prepare(context: AgentContext, choice: TurnChoice = {}): Promise<PreparedAgent> {
    // The configured agent without MCP servers or a pick is the same every turn: made once. An agent from code may
    // be another one each turn (a function gives it), so it is resolved and cloned every time.
    if (!this.options.agent && !this.options.mcp && !choice.model && !choice.tool) {
      if (!this.plainAgent) {
        const base = await resolveAgent(this.base, context);
        this.plainAgent = this.withTools(base, [...base.tools, ...this.fixedTools], choice);
      }
      return { agent: this.plainAgent, unavailable: [] };
    }
    const base = await resolveAgent(this.base, context);
    const server = choice.tool?.kind === 'mcp' ? choice.tool.server : undefined;
    const mcp = this.options.mcp ? await this.options.mcp.toolsFor(context.userId, server) : { tools: [], unavailable: [] };
    const tools = server ? mcp.tools : [...base.tools, ...mcp.tools, ...this.fixedTools];
    return { agent: this.withTools(base, tools, choice), unavailable: mcp.unavailable };
  }

  private withTools(base: Agent<any, any>, tools: Agent<any, any>['tools'], choice: TurnChoice): Agent<any, any> {
    const server = choice.tool?.kind === 'mcp' ? choice.tool.server : undefined;
    const toolChoice = choice.tool?.kind === 'hosted' ? choice.tool.tool : server && tools.length > 0 ? 'required' : undefined;
    return base.clone({
      tools,
      ...(choice.model && { model: choice.model }),
      ...(toolChoice && { modelSettings: { ...base.modelSettings, toolChoice } }),
      ...(this.clientToolNames.size > 0 && !server && { toolUseBehavior: { stopAtToolNames: [...this.clientToolNames] } }),
    });
  }

  /** Starts a streamed run; the model may make at most `maxToolCalls` rounds of tool calls (plus its answer). */
  run(agent: Agent<any, any>, input: AgentInputItem[] | RunState<TurnContext, Agent<any, any>>, context: TurnContext, signal: AbortSignal): Promise<StreamedRunResult<TurnContext, Agent<any, any>>> {
    return this.runner.run(agent, input, { stream: true, context, signal, maxTurns: this.maxToolCalls + 2 });
  }

  /** The paused run, with this turn's context in place of the one it was saved with. */
  restore(agent: Agent<any, any>, serialised: string, context: TurnContext): Promise<RunState<TurnContext, Agent<any, any>>> {
    return RunState.fromStringWithContext(agent, serialised, new RunContext(context), { contextStrategy: 'replace' });
  }
}

/** A turn's context: who is chatting, and where tools report what the user should see. */
export function turnContext(userId: string, threadId: string): { context: TurnContext; reports: Map<string, ToolReport> } {
  const reports = new Map<string, ToolReport>();
  return { context: { userId, threadId, reportToolCall: (callId, report) => reports.set(callId, report) }, reports };
}
