/** What the reply runner needs from a model: a stream of text deltas and client tool calls for a conversation. */
import type { ConversationTurn } from './conversation.js';

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

export type ReplyChunk =
  | { type: 'text'; delta: string }
  | { type: 'tool_call'; callId: string; name: string; arguments: string };

export interface ReplyRequest {
  conversation: ConversationTurn[];
  tools: ClientToolDefinition[];
  signal: AbortSignal;
}

export interface ReplyModel {
  stream(request: ReplyRequest): AsyncIterable<ReplyChunk>;
}

/** The model stream ended in a way that is not a transport error (a `response.failed` or `error` event). */
export class ModelStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelStreamError';
  }
}
