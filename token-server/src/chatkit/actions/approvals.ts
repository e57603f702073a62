/**
 * Asking before acting: the widget that shows what the agent wants to run with Approve and Deny buttons (server
 * actions, answered as `threads.custom_action`), its decided form, and reading the decision from an action.
 */
import { newId, now } from '../ids.js';
import type { WidgetItem, WidgetRoot } from '../protocol/types.js';

export const APPROVAL_ACTION = 'ckw.approval';
export type Decision = 'approve' | 'deny';

export interface ApprovalRequest {
  toolName: string;
  /** The arguments as the model wrote them (JSON text). */
  arguments: string;
}

const MAX_ARGUMENTS_SHOWN = 400;

function describe(requests: ApprovalRequest[]): string {
  return requests
    .map(({ toolName, arguments: args }) => {
      const shown = args.length > MAX_ARGUMENTS_SHOWN ? `${args.slice(0, MAX_ARGUMENTS_SHOWN - 1)}…` : args;
      return shown && shown !== '{}' ? `${toolName} with ${shown}` : toolName;
    })
    .join(', ');
}

function card(requests: ApprovalRequest[], footer: WidgetRoot | Record<string, unknown>): WidgetRoot {
  return {
    type: 'Card',
    size: 'sm',
    children: [
      { type: 'Title', value: 'Allow this action?', size: 'sm' },
      { type: 'Text', value: `The assistant wants to run ${describe(requests)}.` },
      footer,
    ],
  };
}

const button = (approvalId: string, decision: Decision, label: string, style: 'primary' | 'secondary') => ({
  type: 'Button',
  label,
  style,
  onClickAction: { type: APPROVAL_ACTION, payload: { approval_id: approvalId, decision }, handler: 'server', loadingBehavior: 'auto', streaming: true },
});

export function approvalWidgetItem(threadId: string, approvalId: string, requests: ApprovalRequest[]): WidgetItem {
  return {
    id: newId('widget'),
    thread_id: threadId,
    created_at: now(),
    type: 'widget',
    widget: card(requests, {
      type: 'Row',
      gap: 2,
      children: [button(approvalId, 'approve', 'Approve', 'primary'), button(approvalId, 'deny', 'Deny', 'secondary')],
    }),
    copy_text: `Allow ${describe(requests)}?`,
  };
}

/** The same widget once answered: the buttons give way to what was decided, so nothing can be pressed twice. */
export function decidedWidgetItem(pending: WidgetItem, requests: ApprovalRequest[], decision: Decision): WidgetItem {
  const badge = decision === 'approve' ? { type: 'Badge', label: 'Approved', color: 'success' } : { type: 'Badge', label: 'Denied', color: 'danger' };
  return { ...pending, widget: card(requests, badge) };
}

/** The decision an action carries, or undefined when it is not an approval answer. */
export function readApprovalAction(action: { type: string; payload?: unknown }): { approvalId: string; decision: Decision } | undefined {
  if (action.type !== APPROVAL_ACTION) return undefined;
  const payload = action.payload as { approval_id?: unknown; decision?: unknown } | null | undefined;
  if (typeof payload?.approval_id !== 'string' || !/^apr_[0-9a-f]{16}$/.test(payload.approval_id)) return undefined;
  if (payload.decision !== 'approve' && payload.decision !== 'deny') return undefined;
  return { approvalId: payload.approval_id, decision: payload.decision };
}
