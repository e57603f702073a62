/**
 * The configured MCP servers as Agents SDK function tools for one user's turn: each call goes through the shared
 * connection with the server's timeout, carries a freshly minted user token when the server has `forward_user`,
 * and its output is cut before the model sees it. What the user should see besides the model's text (a widget in
 * the result, a failure) is reported to the turn through `McpToolContext`.
 */
import { tool, type FunctionTool, type RunContext } from '@openai/agents';
import type { Logger } from 'pino';
import type { ServerKeys } from '../../auth/server-keys.js';
import type { McpServerConfig } from './mcp-config.js';
import { isTransportFailure, McpConnection, type McpStatus } from './mcp-connection.js';

/** What a tool call reports beside its output: a widget to show, or why it failed. */
export interface ToolReport {
  widget?: unknown;
  failure?: string;
}

/** The part of the agent's run context that MCP tools use. */
export interface McpToolContext {
  userId: string;
  reportToolCall(callId: string, report: ToolReport): void;
}

export interface McpToolSet {
  tools: FunctionTool<McpToolContext>[];
  /** Servers whose tools could not be listed for this turn. */
  unavailable: string[];
}

export interface McpHub {
  /** The tools of every server, or of the one named by `only` (a composer tool the user picked). */
  toolsFor(userId: string, only?: string): Promise<McpToolSet>;
  status(): McpStatus[];
  /** Connects every server that can be reached without a user (stdio servers start here). */
  warmUp(): Promise<void>;
  close(): Promise<void>;
}

export interface McpHubOptions {
  logger: Logger;
  keys: ServerKeys;
  /** `iss` of forwarded user tokens (PUBLIC_URL). */
  issuer: string;
  toolTimeoutMs: number;
  toolOutputMaxChars: number;
}

/** Cuts text to `max` characters, saying so, so the model knows it did not see everything. */
export function truncateForModel(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n[output truncated: ${text.length - max} more characters not shown]`;
}

function describeCallFailure(server: string, err: unknown): string {
  const name = (err as Error)?.name;
  const message = String((err as Error)?.message ?? '');
  if (/timed out|timeout/i.test(message) || name === 'TimeoutError') return `The ${server} service took too long to answer.`;
  if (name === 'McpUnavailableError' || isTransportFailure(err)) return `The ${server} service cannot be reached.`;
  return `The ${server} service failed to run this tool.`;
}

export function createMcpHub(configs: McpServerConfig[], options: McpHubOptions): McpHub {
  const connections = configs.map((config) => new McpConnection(config, options.logger.child({ component: 'mcp' }), options.toolTimeoutMs));

  const tokenFor = (connection: McpConnection, userId: string) =>
    connection.config.transport === 'http' && connection.config.forwardUser
      ? options.keys.mintForwardedUserToken({ subject: userId, audience: connection.name, issuer: options.issuer })
      : Promise.resolve(undefined);

  const asTool = (connection: McpConnection, info: { name: string; description?: string; inputSchema: Record<string, unknown> }) => {
    const approval = connection.config.requireApproval;
    return tool<any, McpToolContext>({
      name: info.name,
      description: info.description ?? `${info.name} (${connection.name})`,
      parameters: { type: 'object', properties: {}, ...info.inputSchema, additionalProperties: true } as any,
      strict: false,
      needsApproval: approval === true || approval.includes(info.name),
      async execute(input: unknown, runContext?: RunContext<McpToolContext>, details?) {
        const context = runContext!.context;
        const callId = details?.toolCall?.callId ?? '';
        const args = input && typeof input === 'object' ? (input as Record<string, unknown>) : {};
        try {
          const result = await connection.call(info.name, args, { token: await tokenFor(connection, context.userId), signal: details?.signal });
          const widget = result.structured?.widget;
          if (result.isError) {
            context.reportToolCall(callId, { failure: truncateForModel(result.text || 'The tool reported an error.', 300) });
          } else if (widget !== undefined) {
            context.reportToolCall(callId, { widget });
          }
          const forModel = result.text || (result.structured ? JSON.stringify(result.structured) : '');
          return truncateForModel(forModel || '(no output)', options.toolOutputMaxChars);
        } catch (err) {
          const failure = describeCallFailure(connection.name, err);
          context.reportToolCall(callId, { failure });
          options.logger.warn({ mcpServer: connection.name, tool: info.name, failure: (err as Error)?.name }, 'MCP tool call failed');
          return `${failure} Tell the user; do not pretend it worked.`;
        }
      },
    });
  };

  return {
    async toolsFor(userId, only) {
      const tools: FunctionTool<McpToolContext>[] = [];
      const unavailable: string[] = [];
      const taken = new Set<string>();
      const offered = connections.filter((connection) => only === undefined || connection.name === only);
      const listed = await Promise.all(
        offered.map(async (connection) => {
          try {
            return { connection, infos: await connection.tools(await tokenFor(connection, userId)) };
          } catch {
            unavailable.push(connection.name);
            return { connection, infos: [] };
          }
        }),
      );
      for (const { connection, infos } of listed) {
        for (const info of infos) {
          // Two servers offering the same tool name: the first configured wins (the model can call only one).
          if (taken.has(info.name)) continue;
          taken.add(info.name);
          tools.push(asTool(connection, info));
        }
      }
      return { tools, unavailable };
    },
    status: () => connections.map((connection) => connection.status()),
    warmUp: async () => {
      await Promise.all(connections.map((connection) => connection.warmUp()));
    },
    close: async () => {
      await Promise.all(connections.map((connection) => connection.close()));
    },
  };
}
