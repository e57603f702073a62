/** Replies through the Responses API, streamed; its events map one-to-one onto ChatKit's. */
import type OpenAI from 'openai';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import type { ConversationTurn } from './conversation.js';
import { ModelStreamError, type ModelSettings, type ReplyModel } from './reply-model.js';

function toInput(turns: ConversationTurn[]): ResponseInputItem[] {
  return turns.flatMap((turn): ResponseInputItem[] =>
    turn.kind === 'message'
      ? [{ role: turn.role, content: turn.text }]
      : [
          { type: 'function_call', call_id: turn.callId, name: turn.name, arguments: turn.arguments },
          { type: 'function_call_output', call_id: turn.callId, output: turn.output },
        ],
  );
}

export function responsesModel(client: OpenAI, settings: ModelSettings): ReplyModel {
  return {
    async *stream({ conversation, tools, signal }) {
      const stream = await client.responses.create(
        {
          model: settings.model,
          instructions: settings.instructions,
          input: toInput(conversation),
          tools: tools.length
            ? tools.map((tool) => ({ type: 'function', name: tool.name, description: tool.description, parameters: tool.parameters, strict: false }))
            : undefined,
          // The whole history is sent every turn, so nothing needs to be kept upstream.
          store: false,
          stream: true,
        },
        { signal },
      );
      for await (const event of stream) {
        switch (event.type) {
          case 'response.output_text.delta':
            yield { type: 'text', delta: event.delta };
            break;
          case 'response.output_item.done':
            if (event.item.type === 'function_call')
              yield { type: 'tool_call', callId: event.item.call_id, name: event.item.name, arguments: event.item.arguments };
            break;
          case 'response.failed':
            throw new ModelStreamError(event.response.error?.code ?? 'response_failed');
          case 'error':
            throw new ModelStreamError(event.code ?? 'error');
        }
      }
    },
  };
}
