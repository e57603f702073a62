/**
 * The approvals of `require_approval` tools as a registered action handler: the Approve / Deny buttons' action
 * resumes the paused run with the decision. Taken once, by its own user in its own thread, and only while the
 * thread still ends with the question: a replayed, foreign or outdated decision runs nothing.
 */
import type { PendingApproval, ThreadStore } from '../store/thread-store.js';
import { ActionError, type ActionHandler, type StreamingActionContext } from './action-registry.js';
import { APPROVAL_ACTION, readApprovalAction, type Decision } from './approvals.js';

export function approvalActions(deps: {
  store: ThreadStore;
  resume(context: StreamingActionContext, approval: PendingApproval, decision: Decision): Promise<void>;
}): ActionHandler {
  return {
    type: APPROVAL_ACTION,
    async handle(context) {
      const answer = readApprovalAction(context.action);
      if (!answer) throw new ActionError('This approval answer is not one this server understands.');
      const { userId, thread } = context;
      const approval = await deps.store.takePendingApproval(userId, thread.id, answer.approvalId);
      // A paused run resumes only where it paused: once the user has written again, the question is moot.
      const latest = approval && (await deps.store.listItems(userId, thread.id, { limit: 1, order: 'desc' })).data[0];
      if (!approval || latest?.id !== approval.widgetItemId) throw new ActionError('This request was already answered, or is no longer waiting for an answer.');
      await deps.resume(context, approval, answer.decision);
    },
  };
}
