/**
 * The thread as the model sees it: a list of turns built from stored items and cut to a character budget by
 * dropping the oldest turns first, then written as the Agents SDK's input items.
 */
import type { AgentInputItem } from '@openai/agents';
import { attachmentContent, type AttachmentBytes, type ModelApi } from '../attachments/model-input.js';
import { describeStructuredInput } from '../protocol/structured-input.js';
import type { Attachment, ThreadItem, UserMessageItem, WorkflowItem } from '../protocol/types.js';

const CONTEXT_PREFIX = '[Context for the assistant, not shown to the user]';

export type ConversationTurn =
  | { kind: 'message'; role: 'user' | 'assistant'; text: string; attachments?: Attachment[] }
  /** A completed client tool call: the call and its output always travel together. */
  | { kind: 'tool_call'; callId: string; name: string; arguments: string; output: string };

function userText(item: UserMessageItem): string {
  const text = item.content.map((part) => part.text).join(' ');
  return item.quoted_text ? `> ${item.quoted_text.replace(/\n/g, '\n> ')}\n\n${text}` : text;
}

function toTurn(item: ThreadItem): ConversationTurn | undefined {
  switch (item.type) {
    case 'user_message':
      return item.attachments?.length
        ? { kind: 'message', role: 'user', text: userText(item), attachments: item.attachments }
        : { kind: 'message', role: 'user', text: userText(item) };
    case 'assistant_message': {
      const text = item.content.map((part) => part.text).join('');
      return text ? { kind: 'message', role: 'assistant', text } : undefined;
    }
    case 'client_tool_call':
      // A pending call has no output yet and cannot be sent to a model.
      if (item.status !== 'completed') return undefined;
      return {
        kind: 'tool_call',
        callId: item.call_id,
        name: item.name,
        arguments: JSON.stringify(item.arguments),
        output: JSON.stringify(item.output ?? null),
      };
    case 'sdk_hidden_context':
      return { kind: 'message', role: 'user', text: `${CONTEXT_PREFIX} ${item.content}` };
    case 'structured_input':
      return { kind: 'message', role: 'user', text: `${CONTEXT_PREFIX} ${describeStructuredInput(item)}` };
    case 'workflow':
      // Tool work of an earlier turn: what ran and how it ended, so a later turn can refer to it.
      return { kind: 'message', role: 'user', text: `${CONTEXT_PREFIX} Tools used in that answer: ${describeTasks(item)}` };
  }
}

function describeTasks(item: WorkflowItem): string {
  return item.workflow.tasks.map((task) => [task.title, task.content].filter(Boolean).join(': ')).join('; ');
}

function size(turn: ConversationTurn): number {
  return turn.kind === 'message' ? turn.text.length : turn.name.length + turn.arguments.length + turn.output.length;
}

/** Keeps the newest turns whose total size fits `budgetChars`; the newest turn is always kept (cut if needed). */
export function buildConversation(items: ThreadItem[], budgetChars: number): ConversationTurn[] {
  const turns = items.map(toTurn).filter((turn): turn is ConversationTurn => turn !== undefined);
  const kept: ConversationTurn[] = [];
  let used = 0;
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn = turns[i]!;
    if (used + size(turn) > budgetChars) {
      if (kept.length === 0 && turn.kind === 'message') kept.push({ ...turn, text: turn.text.slice(-budgetChars) });
      break;
    }
    kept.push(turn);
    used += size(turn);
  }
  return kept.reverse();
}

/** The attachments of the turns, oldest first (what a reply has to read). */
export function turnAttachments(turns: ConversationTurn[]): Attachment[] {
  return turns.flatMap((turn) => (turn.kind === 'message' ? (turn.attachments ?? []) : []));
}

/**
 * The turns as Agents SDK input items (the SDK writes them for the Responses or Chat Completions API); a user turn's
 * attachments follow its text, from `files` when given.
 */
export function toAgentInput(turns: ConversationTurn[], files?: { api: ModelApi; bytes: AttachmentBytes }): AgentInputItem[] {
  return turns.flatMap((turn): AgentInputItem[] => {
    if (turn.kind === 'tool_call')
      return [
        { type: 'function_call', callId: turn.callId, name: turn.name, arguments: turn.arguments, status: 'completed' },
        { type: 'function_call_result', callId: turn.callId, name: turn.name, status: 'completed', output: { type: 'text', text: turn.output } },
      ];
    if (turn.role === 'user' && turn.attachments?.length && files)
      return [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: turn.text },
            ...turn.attachments.map((attachment) => attachmentContent(files.api, attachment, files.bytes.get(attachment.id))),
          ],
        },
      ];
    if (turn.role === 'user') return [{ role: 'user', content: turn.text }];
    return [{ role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: turn.text }] }];
  });
}
