/** Replies through Chat Completions, streamed, for OpenAI-compatible providers without the Responses API. */
import type OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ConversationTurn } from './conversation.js';
import type { ModelSettings, ReplyModel } from './reply-model.js';

function toMessages(instructions: string | undefined, turns: ConversationTurn[]): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = instructions ? [{ role: 'system', content: instructions }] : [];
  for (const turn of turns) {
    if (turn.kind === 'message') messages.push({ role: turn.role, content: turn.text });
    else
      messages.push(
        { role: 'assistant', content: null, tool_calls: [{ id: turn.callId, type: 'function', function: { name: turn.name, arguments: turn.arguments } }] },
        { role: 'tool', tool_call_id: turn.callId, content: turn.output },
      );
  }
  return messages;
}

export function chatCompletionsModel(client: OpenAI, settings: ModelSettings): ReplyModel {
  return {
    async *stream({ conversation, tools, signal }) {
      const stream = await client.chat.completions.create(
        {
          model: settings.model,
          messages: toMessages(settings.instructions, conversation),
          tools: tools.length
            ? tools.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } }))
            : undefined,
          stream: true,
        },
        { signal },
      );
      // Tool calls arrive in fragments keyed by index; they are complete only when the stream ends.
      const calls = new Map<number, { id: string; name: string; arguments: string }>();
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta;
        if (!delta) continue;
        if (delta.content) yield { type: 'text', delta: delta.content };
        for (const fragment of delta.tool_calls ?? []) {
          const call = calls.get(fragment.index) ?? { id: '', name: '', arguments: '' };
          call.id ||= fragment.id ?? '';
          call.name += fragment.function?.name ?? '';
          call.arguments += fragment.function?.arguments ?? '';
          calls.set(fragment.index, call);
        }
      }
      if (signal.aborted) return;
      for (const call of calls.values()) yield { type: 'tool_call', callId: call.id, name: call.name, arguments: call.arguments };
    },
  };
}
