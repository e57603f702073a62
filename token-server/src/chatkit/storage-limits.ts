/**
 * What one user may store, checked before anything is written: the size of one message (all of it as stored,
 * not only its text), a client tool's result, and the per-user quota of threads, items and bytes. Also the byte
 * budget of one `items.list` page. Each refusal is a clear error saying what to do.
 */
import { HttpError } from '../http/errors.js';
import type { ChatKitLimits } from './limits.js';
import type { Page } from './protocol/types.js';
import type { ThreadStore } from './store/thread-store.js';

/** Bytes `value` takes as stored (JSON). */
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '');

/** A turn stores up to three items (message, answer, and a tool call or a stop note). */
const ITEMS_PER_TURN = 3;

export function checkMessageSize(input: unknown, limits: ChatKitLimits): number {
  const bytes = jsonBytes(input);
  if (bytes > limits.maxMessageBytes)
    throw new HttpError(400, 'message_too_large', `This message takes ${bytes} bytes with its tags and options; at most ${limits.maxMessageBytes} are allowed.`);
  return bytes;
}

export function checkToolOutputSize(output: unknown, limits: ChatKitLimits): number {
  const bytes = jsonBytes(output);
  if (bytes > limits.maxToolOutputBytes)
    throw new HttpError(400, 'tool_output_too_large', `The client tool result takes ${bytes} bytes; at most ${limits.maxToolOutputBytes} are allowed.`);
  return bytes;
}

/** Refuses a turn that would take the user over their quota: 409 `too_many_threads` or `quota_exceeded`. */
export async function checkQuota(
  store: ThreadStore,
  userId: string,
  limits: ChatKitLimits,
  turn: { newThread: boolean; bytes: number },
): Promise<void> {
  const usage = await store.usage(userId);
  if (turn.newThread && usage.threads >= limits.maxThreadsPerUser)
    throw new HttpError(409, 'too_many_threads', `You have ${limits.maxThreadsPerUser} conversations, the most allowed; delete one to start another.`);
  if (usage.items + ITEMS_PER_TURN > limits.maxItemsPerUser || usage.bytes + turn.bytes > limits.maxBytesPerUser)
    throw new HttpError(409, 'quota_exceeded', 'Your conversations have used all the storage this chat allows; delete older conversations to continue.');
}

/** Ends a page early once its items pass `maxBytes` (keeping at least one), so one answer stays small. */
export function fitPage<T extends { id: string }>(page: Page<T>, maxBytes: number): Page<T> {
  let used = 0;
  const kept: T[] = [];
  for (const item of page.data) {
    used += jsonBytes(item);
    if (kept.length > 0 && used > maxBytes) return { data: kept, has_more: true, after: kept.at(-1)!.id };
    kept.push(item);
  }
  return page;
}
