/**
 * What the agent is made of, as plain data read once at start: the model and how to reach it, instructions, MCP
 * servers, OpenAI hosted tools, and the bounds on tool work. A module or an `Agent` given in code replaces the
 * configured agent's model and instructions; MCP servers and client tools are added to either.
 */
import type { McpServerConfig } from '../mcp/mcp-config.js';

export interface ModelSettings {
  /** `OPENAI_API_KEY`; may be empty for a provider at `baseURL` that needs no key. */
  apiKey: string;
  /** An OpenAI-compatible base URL (`OPENAI_BASE_URL`); the SDK default when absent. */
  baseURL?: string;
  model: string;
  instructions?: string;
  api: 'responses' | 'chat_completions';
}

/** A tool the browser runs (ChatKit's `onClientTool`); the model may call it, the client answers. */
export interface ClientToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

/** OpenAI's hosted tools (`CHATKIT_HOSTED_TOOLS`), run by the Responses API itself. */
export type HostedToolConfig = { type: 'web_search' } | { type: 'file_search'; vectorStoreId: string } | { type: 'code_interpreter' };

export interface AgentConfig {
  mcpServers: McpServerConfig[];
  hostedTools: HostedToolConfig[];
  /** `CHATKIT_AGENT_MODULE`: absolute path of a module whose default export is an `Agent` or `(context) => Agent`. */
  modulePath?: string;
  /** `CHATKIT_MAX_TOOL_CALLS`: tool calls one reply may make before it is stopped. */
  maxToolCalls: number;
  /** `CHATKIT_TOOL_TIMEOUT_MS`: the longest one MCP tool call may take. */
  toolTimeoutMs: number;
  /** `CHATKIT_TOOL_OUTPUT_MAX_CHARS`: tool output beyond this is cut before the model reads it. */
  toolOutputMaxChars: number;
}

export const DEFAULT_AGENT_CONFIG: AgentConfig = {
  mcpServers: [],
  hostedTools: [],
  maxToolCalls: 16,
  toolTimeoutMs: 30_000,
  toolOutputMaxChars: 20_000,
};

/** Parses `CHATKIT_HOSTED_TOOLS` (`web_search,file_search:vs_123,code_interpreter`); throws with what is wrong. */
export function parseHostedTools(raw: string): HostedToolConfig[] {
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry): HostedToolConfig => {
      if (entry === 'web_search' || entry === 'code_interpreter') return { type: entry };
      const fileSearch = /^file_search:([\w-]+)$/.exec(entry);
      if (fileSearch) return { type: 'file_search', vectorStoreId: fileSearch[1]! };
      throw new Error(`must be a comma list of web_search, file_search:<vector_store_id> and code_interpreter; "${entry}" is none of them.`);
    });
}
