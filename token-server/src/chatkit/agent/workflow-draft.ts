/**
 * The tool work of one stretch of a reply, shown while it happens: a `workflow` item with one task per tool call,
 * added when the first tool starts, updated as each runs, finishes or fails, and done (with its duration) when the
 * model goes back to writing or the reply ends. Shapes as chatkit-python 1.6 sends them.
 */
import { newId, now } from '../ids.js';
import type { EventSink } from '../protocol/sse.js';
import type { CustomTask, WorkflowItem } from '../protocol/types.js';

const MAX_TASK_CONTENT = 300;

export class WorkflowDraft {
  private readonly id = newId('workflow');
  private readonly createdAt = now();
  private readonly started = Date.now();
  private readonly tasks: CustomTask[] = [];
  private readonly indexByCall = new Map<string, number>();

  constructor(
    private readonly threadId: string,
    private readonly sink: EventSink,
  ) {
    sink.send({ type: 'thread.item.added', item: this.item() });
  }

  /** A tool call began; `detail` names what it was asked (shown under the title). */
  start(callId: string, toolName: string, detail?: string): void {
    this.add(callId, { type: 'custom', title: `Running ${toolName}`, icon: 'bolt', content: clip(detail), status_indicator: 'loading' });
  }

  succeeded(callId: string, toolName: string, detail?: string): void {
    this.update(callId, { type: 'custom', title: `Used ${toolName}`, icon: 'check-circle', content: clip(detail), status_indicator: 'complete' });
  }

  failed(callId: string, toolName: string, reason: string): void {
    this.update(callId, { type: 'custom', title: `${toolName} failed`, icon: 'info', content: clip(reason), status_indicator: 'complete' });
  }

  waitingForApproval(callId: string, toolName: string): void {
    this.update(callId, { type: 'custom', title: `${toolName} needs your approval`, icon: 'keys', status_indicator: 'none' });
  }

  /** A task with no call behind it (a server that could not be reached before the model started). */
  note(title: string, reason: string): void {
    // Its key only has to differ from every tool call id in this item.
    this.add(`note:${this.tasks.length}`, { type: 'custom', title, icon: 'info', content: clip(reason), status_indicator: 'complete' });
  }

  get hasTasks(): boolean {
    return this.tasks.length > 0;
  }

  /** Ends every task still running (hosted tools report no end of their own); returns the item to store. */
  finish(): WorkflowItem {
    this.tasks.forEach((task, index) => {
      if (task.status_indicator !== 'loading') return;
      this.tasks[index] = { ...task, status_indicator: 'complete' };
      this.sink.send({ type: 'thread.item.updated', item_id: this.id, update: { type: 'workflow.task.updated', task_index: index, task: this.tasks[index]! } });
    });
    const item = this.item();
    return { ...item, workflow: { ...item.workflow, summary: { duration: Math.round((Date.now() - this.started) / 1000) } } };
  }

  private add(callId: string, task: CustomTask): void {
    const index = this.tasks.push(dropEmpty(task)) - 1;
    this.indexByCall.set(callId, index);
    this.sink.send({ type: 'thread.item.updated', item_id: this.id, update: { type: 'workflow.task.added', task_index: index, task: this.tasks[index]! } });
  }

  private update(callId: string, task: CustomTask): void {
    const index = this.indexByCall.get(callId);
    if (index === undefined) return this.add(callId, task);
    this.tasks[index] = dropEmpty(task);
    this.sink.send({ type: 'thread.item.updated', item_id: this.id, update: { type: 'workflow.task.updated', task_index: index, task: this.tasks[index]! } });
  }

  private item(): WorkflowItem {
    return { id: this.id, thread_id: this.threadId, created_at: this.createdAt, type: 'workflow', workflow: { type: 'custom', tasks: [...this.tasks], expanded: false } };
  }
}

const clip = (text: string | undefined) => (text && text.length > MAX_TASK_CONTENT ? `${text.slice(0, MAX_TASK_CONTENT - 1)}…` : text || undefined);

/** As the reference server: absent fields are left out, never sent as null or undefined. */
function dropEmpty(task: CustomTask): CustomTask {
  return Object.fromEntries(Object.entries(task).filter(([, value]) => value !== undefined)) as unknown as CustomTask;
}
