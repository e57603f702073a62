/**
 * The narrow storage interface the ChatKit backend depends on. Every call is scoped by `userId`: a thread or
 * item of another user behaves exactly like one that does not exist.
 */
import type { Page, ThreadItem, ThreadMetadata } from '../protocol/types.js';

export interface PageQuery {
  limit: number;
  order: 'asc' | 'desc';
  /** Id of the last record of the previous page. */
  after?: string;
}

/** Thrown when `after` names no record of this user (in this thread). */
export class UnknownCursorError extends Error {
  constructor() {
    super('unknown pagination cursor');
    this.name = 'UnknownCursorError';
  }
}

/** What one user keeps stored, for the per-user quota. */
export interface StorageUsage {
  threads: number;
  items: number;
  /** Bytes of the items as stored (their JSON). */
  bytes: number;
  /** Declared sizes of the user's attachments (their own budget: files are far larger than messages). */
  attachmentBytes: number;
}

/**
 * A paused agent run waiting for the user's Approve or Deny: the serialised run state and the widget that asks.
 * It belongs to one user and one thread, and is taken at most once.
 */
export interface PendingApproval {
  id: string;
  threadId: string;
  /** The approval widget item, replaced by its decided form when the answer arrives. */
  widgetItemId: string;
  /** The Agents SDK's `RunState` as a string: what resumes the run, even after a restart. */
  runState: string;
  /** What the widget asks about, to draw its decided form. */
  requests: { toolName: string; arguments: string }[];
  createdAt: string;
}

/**
 * An uploaded (or announced) file of one user: what `attachments.create` declared, how far its upload got, and the
 * thread its message put it in. The bytes live in the attachment storage (disk or S3), never here.
 */
export interface AttachmentRecord {
  id: string;
  name: string;
  mimeType: string;
  /** The declared size in bytes; the upload must be exactly this long. */
  size: number;
  /** `pending` until the upload starts, `uploading` while one runs (the URL is used up), `ready` once stored. */
  status: 'pending' | 'uploading' | 'ready';
  /** Set once a user message carries it; unattached records are swept after a while. */
  threadId?: string;
  /** Unix ms. */
  createdAtMs: number;
}

/** An attachment row as both databases keep it: status and thread in columns (what queries change), the rest as JSON. */
export interface AttachmentRow {
  thread_id: string | null;
  status: string;
  data: string;
}

export function attachmentFromRow(row: AttachmentRow): AttachmentRecord {
  const record = { ...(JSON.parse(row.data) as AttachmentRecord), status: row.status as AttachmentRecord['status'] };
  if (row.thread_id) record.threadId = row.thread_id;
  return record;
}

export interface ThreadStore {
  /** Which database this is, for /readyz. */
  kind: 'sqlite' | 'postgres';
  /**
   * With `firstItem` (an item of this thread, e.g. the message that starts it), the thread and that item are stored
   * in one transaction: both or neither.
   */
  createThread(userId: string, thread: ThreadMetadata, firstItem?: ThreadItem): Promise<void>;
  getThread(userId: string, threadId: string): Promise<ThreadMetadata | undefined>;
  /** Returns false when the thread is not this user's. */
  updateThread(userId: string, thread: ThreadMetadata): Promise<boolean>;
  /** Deletes the thread, its items and its attachments' records; false when it is not this user's. */
  deleteThread(userId: string, threadId: string): Promise<boolean>;
  listThreads(userId: string, query: PageQuery): Promise<Page<ThreadMetadata>>;
  countThreads(userId: string): Promise<number>;

  addItem(userId: string, item: ThreadItem): Promise<void>;
  /** Replaces a stored item with the same id. */
  saveItem(userId: string, item: ThreadItem): Promise<void>;
  deleteItems(userId: string, threadId: string, itemIds: string[]): Promise<void>;
  getItem(userId: string, threadId: string, itemId: string): Promise<ThreadItem | undefined>;
  /** Hidden items are included; callers that answer the client filter them. */
  listItems(userId: string, threadId: string, query: PageQuery): Promise<Page<ThreadItem>>;
  countItems(userId: string, threadId: string): Promise<number>;
  /** Records a thumbs up/down on items of this user's thread; ids that name no such item are ignored. */
  addFeedback(userId: string, threadId: string, itemIds: string[], kind: 'positive' | 'negative'): Promise<void>;

  savePendingApproval(userId: string, approval: PendingApproval): Promise<void>;
  /** Removes and returns the approval when it is this user's and this thread's; undefined when not (or taken). */
  takePendingApproval(userId: string, threadId: string, approvalId: string): Promise<PendingApproval | undefined>;

  saveAttachment(userId: string, record: AttachmentRecord): Promise<void>;
  getAttachment(userId: string, attachmentId: string): Promise<AttachmentRecord | undefined>;
  /** Moves this user's attachment from one status to another in one step; false when it was not in `from`. */
  setAttachmentStatus(userId: string, attachmentId: string, from: AttachmentRecord['status'], to: AttachmentRecord['status']): Promise<boolean>;
  /**
   * Puts ready attachments of this user into the thread, all or none: false (nothing changed) when one is not this
   * user's, not ready, or already in another thread.
   */
  attachToThread(userId: string, attachmentIds: string[], threadId: string): Promise<boolean>;
  /** False when it is not this user's. */
  deleteAttachment(userId: string, attachmentId: string): Promise<boolean>;
  /** The attachments in one of this user's threads (to remove their files with the thread). */
  listThreadAttachments(userId: string, threadId: string): Promise<AttachmentRecord[]>;
  /** Deletes up to `limit` records, of any user, that no message took and that were created before `createdBeforeMs`. */
  takeOrphanAttachments(createdBeforeMs: number, limit: number): Promise<{ userId: string; attachmentId: string }[]>;

  usage(userId: string): Promise<StorageUsage>;
  /**
   * Retention: deletes up to `limit` users whose id starts with `userIdPrefix` and who have written nothing (no
   * thread or item created, changed or deleted) since `idleSinceMs` (unix ms), with all their threads, items and
   * attachment records.
   * Returns the ids deleted; fewer than `limit` means none are left.
   */
  deleteIdleUsers(userIdPrefix: string, idleSinceMs: number, limit: number): Promise<string[]>;

  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A page from rows fetched with one extra row (to learn whether another page exists). As the reference server:
 * a thread page names its cursor only when there is more to fetch; an item page always names its last item, so
 * a client can poll for newer ones.
 */
export function toPage<T extends { id: string }>(rows: T[], limit: number, cursor: 'when_more' | 'always'): Page<T> {
  const has_more = rows.length > limit;
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  return last && (has_more || cursor === 'always') ? { data, has_more, after: last.id } : { data, has_more };
}

/** Every item of a thread in order, optionally only those after the item `after`. */
export async function allItems(store: ThreadStore, userId: string, threadId: string, after?: string): Promise<ThreadItem[]> {
  const items: ThreadItem[] = [];
  let cursor = after;
  for (;;) {
    const page = await store.listItems(userId, threadId, { limit: 200, order: 'asc', after: cursor });
    items.push(...page.data);
    if (!page.has_more) return items;
    cursor = page.after;
  }
}
