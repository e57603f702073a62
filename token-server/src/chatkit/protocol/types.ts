/**
 * Wire shapes of the ChatKit server protocol, as the official server serialises them (null fields omitted,
 * ISO-8601 timestamps). Only the item types this backend produces or stores are modelled.
 */

export interface Page<T> {
  data: T[];
  has_more: boolean;
  after?: string;
}

export type ThreadStatus = { type: 'active' } | { type: 'locked' | 'closed'; reason?: string };

/** A thread without its items, as stored. */
export interface ThreadMetadata {
  title?: string;
  id: string;
  created_at: string;
  status: ThreadStatus;
  metadata: Record<string, unknown>;
}

export interface Thread extends ThreadMetadata {
  items: Page<ThreadItem>;
}

export type UserMessageContent =
  | { type: 'input_text'; text: string }
  | { type: 'input_tag'; id: string; text: string; data: Record<string, unknown>; group?: string; interactive: boolean };

export interface InferenceOptions {
  tool_choice?: { id: string };
  model?: string;
}

export interface OutputText {
  annotations: unknown[];
  text: string;
  type: 'output_text';
}

/** chatkit-python 1.6 `AttachmentUploadDescriptor`. */
export interface AttachmentUploadDescriptor {
  url: string;
  method: 'POST' | 'PUT';
  headers: Record<string, string>;
}

/** chatkit-python 1.6 `FileAttachment` / `ImageAttachment` as serialised (null fields and `metadata` omitted). */
export interface AttachmentBase {
  id: string;
  name: string;
  mime_type: string;
  /** Only in the `attachments.create` answer: where the bytes go. */
  upload_descriptor?: AttachmentUploadDescriptor;
  /** Set once a user message carries it. */
  thread_id?: string;
}
export type Attachment = (AttachmentBase & { type: 'file' }) | (AttachmentBase & { type: 'image'; preview_url: string });

interface ItemBase {
  id: string;
  thread_id: string;
  created_at: string;
}

export interface UserMessageItem extends ItemBase {
  type: 'user_message';
  content: UserMessageContent[];
  attachments: Attachment[];
  quoted_text?: string;
  inference_options: InferenceOptions;
}

export interface AssistantMessageItem extends ItemBase {
  type: 'assistant_message';
  content: OutputText[];
}

export interface ClientToolCallItem extends ItemBase {
  type: 'client_tool_call';
  status: 'pending' | 'completed';
  call_id: string;
  name: string;
  arguments: Record<string, unknown>;
  output?: unknown;
}

/** A workflow task as chatkit-python 1.6 serialises a `CustomTask` (null fields omitted). */
export interface CustomTask {
  type: 'custom';
  title?: string;
  icon?: string;
  content?: string;
  status_indicator: 'none' | 'loading' | 'complete';
}

export interface Workflow {
  type: 'custom' | 'reasoning';
  tasks: CustomTask[];
  summary?: { title: string; icon?: string } | { duration: number };
  expanded: boolean;
}

/** Tool work the user sees: one task per tool call. */
export interface WorkflowItem extends ItemBase {
  type: 'workflow';
  workflow: Workflow;
}

/** A ChatKit widget tree (`Card`, `ListView` or `Basic` at the root); validated where it enters. */
export type WidgetRoot = { type: 'Card' | 'ListView' | 'Basic'; [key: string]: unknown };

export interface WidgetItem extends ItemBase {
  type: 'widget';
  widget: WidgetRoot;
  copy_text?: string;
}

/** One question of a `structured_input` item (chatkit-python 1.6 `StructuredInput`), with its answer once given. */
export type StructuredInputQuestion = {
  id: string;
  question: string;
  answer?: { values: string[]; skipped: boolean };
} & ({ type: 'multiple_choice'; options: { value: string }[]; multiple: boolean } | { type: 'freeform'; description?: string });

/** Questions the user answers in the composer (`threads.add_structured_input`). */
export interface StructuredInputItem extends ItemBase {
  type: 'structured_input';
  status: 'pending' | 'answered' | 'skipped';
  inputs: StructuredInputQuestion[];
}

/** Context for the model that is stored in the thread but never sent to the client. */
export interface HiddenContextItem extends ItemBase {
  type: 'sdk_hidden_context';
  content: string;
}

export type ThreadItem = UserMessageItem | AssistantMessageItem | ClientToolCallItem | WorkflowItem | WidgetItem | StructuredInputItem | HiddenContextItem;
export type VisibleThreadItem = Exclude<ThreadItem, HiddenContextItem>;

export type AssistantMessageUpdate =
  | { type: 'assistant_message.content_part.added'; content_index: number; content: OutputText }
  | { type: 'assistant_message.content_part.text_delta'; content_index: number; delta: string }
  | { type: 'assistant_message.content_part.done'; content_index: number; content: OutputText };

export type WorkflowUpdate =
  | { type: 'workflow.task.added'; task_index: number; task: CustomTask }
  | { type: 'workflow.task.updated'; task_index: number; task: CustomTask };

/** A widget changed in place (chatkit-python `WidgetRootUpdated`). */
export type WidgetUpdate = { type: 'widget.root.updated'; widget: WidgetRoot };

export type StreamEvent =
  | { type: 'thread.created'; thread: Thread }
  | { type: 'thread.updated'; thread: Thread }
  | { type: 'thread.item.added'; item: VisibleThreadItem }
  | { type: 'thread.item.updated'; item_id: string; update: AssistantMessageUpdate | WorkflowUpdate | WidgetUpdate }
  | { type: 'thread.item.done'; item: VisibleThreadItem }
  | { type: 'thread.item.replaced'; item: VisibleThreadItem }
  | { type: 'thread.item.removed'; item_id: string }
  | { type: 'stream_options'; stream_options: { allow_cancel: boolean } }
  | { type: 'progress_update'; icon?: string; text: string }
  | { type: 'client_effect'; name: string; data: Record<string, unknown> }
  | { type: 'notice'; level: 'info' | 'warning' | 'danger'; message: string; title?: string }
  | { type: 'error'; code: 'stream.error' | 'custom'; message?: string; allow_retry: boolean };

export function isHidden(item: ThreadItem): item is HiddenContextItem {
  return item.type === 'sdk_hidden_context';
}

/** A thread as the client sees it: metadata plus a page of visible items (empty in stream events). */
export function toThreadResponse(thread: ThreadMetadata, items: Page<ThreadItem> = { data: [], has_more: false }): Thread {
  return {
    title: thread.title,
    id: thread.id,
    created_at: thread.created_at,
    status: thread.status,
    metadata: thread.metadata,
    items: { ...items, data: items.data.filter((item) => !isHidden(item)) },
  };
}
