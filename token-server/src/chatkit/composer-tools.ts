/**
 * ChatKit's composer tools (`composer.tools` in chatkit-js) on this backend: a tool the user picks before sending,
 * which the model must then use for that message (`inference_options.tool_choice: { id }`). They are the OpenAI
 * hosted tools of `CHATKIT_HOSTED_TOOLS`, and the MCP servers of `CHATKIT_MCP_SERVERS` that have a `"composer"` entry.
 * Also the model picker's rule: `inference_options.model` must be one of `CHATKIT_MODELS` (or, without a picker,
 * the configured model).
 */
import type { ModelChoice } from '../config.js';
import type { HostedToolConfig } from './agent/agent-config.js';
import type { McpServerConfig } from './mcp/mcp-config.js';

/** What the composer shows for a tool (chatkit-js `ToolOption`, in this API's snake_case). */
export interface ComposerTool {
  id: string;
  label: string;
  icon: string;
  short_label?: string;
  placeholder_override?: string;
  pinned: boolean;
}

/** What choosing a tool makes the model do: call that hosted tool, or call one of that MCP server's tools. */
export type ToolTarget = { kind: 'hosted'; tool: HostedToolConfig['type'] } | { kind: 'mcp'; server: string };

const HOSTED: Record<HostedToolConfig['type'], Omit<ComposerTool, 'id'>> = {
  web_search: { label: 'Search the web', icon: 'globe', short_label: 'Search', pinned: false },
  code_interpreter: { label: 'Run code', icon: 'square-code', short_label: 'Code', pinned: false },
  file_search: { label: 'Search files', icon: 'document', short_label: 'Files', pinned: false },
};

/** The id MCP servers' composer tools carry, so a server named like a hosted tool cannot be confused with it. */
export const mcpToolId = (server: string) => `mcp:${server}`;

/** The turn's choice once checked: a model to use instead of the default, and a tool the model must use. */
export interface TurnChoice {
  model?: string;
  tool?: ToolTarget;
}

export type ChoiceResult = { ok: true; choice: TurnChoice } | { ok: false; message: string };

export class ComposerChoices {
  readonly tools: ComposerTool[];
  private readonly targets = new Map<string, ToolTarget>();

  constructor(
    hostedTools: HostedToolConfig[],
    mcpServers: McpServerConfig[],
    readonly models: ModelChoice[],
    /** The model replies use when none is picked (`CHATKIT_MODEL`). */
    private readonly defaultModel: string,
  ) {
    const tools: ComposerTool[] = [];
    for (const hosted of hostedTools) {
      if (this.targets.has(hosted.type)) continue;
      this.targets.set(hosted.type, { kind: 'hosted', tool: hosted.type });
      tools.push({ id: hosted.type, ...HOSTED[hosted.type] });
    }
    for (const server of mcpServers) {
      if (!server.composer) continue;
      const id = mcpToolId(server.name);
      this.targets.set(id, { kind: 'mcp', server: server.name });
      const { label, icon, shortLabel, placeholderOverride, pinned } = server.composer;
      tools.push({ id, label, icon: icon ?? 'cube', short_label: shortLabel, placeholder_override: placeholderOverride, pinned });
    }
    this.tools = tools;
  }

  /** Checks a message's inference options; the message says what the user can do about a refusal. */
  resolve(options: { model?: string | null; tool_choice?: { id: string } | null } | null | undefined): ChoiceResult {
    const choice: TurnChoice = {};
    const model = options?.model;
    if (model) {
      const allowed = this.models.length > 0 ? this.models.some((entry) => entry.id === model) : model === this.defaultModel;
      if (!allowed) {
        const offered = this.models.map((entry) => entry.label).join(', ');
        return { ok: false, message: offered ? `The model "${clip(model)}" is not available here; pick one of: ${offered}.` : `This chat does not offer a choice of model ("${clip(model)}" is not available).` };
      }
      if (model !== this.defaultModel) choice.model = model;
    }
    const toolId = options?.tool_choice?.id;
    if (toolId) {
      const tool = this.targets.get(toolId);
      if (!tool) return { ok: false, message: `The tool "${clip(toolId)}" is not available here; pick another tool or none.` };
      choice.tool = tool;
    }
    return { ok: true, choice };
  }
}

const clip = (text: string) => (text.length > 60 ? `${text.slice(0, 59)}…` : text);
