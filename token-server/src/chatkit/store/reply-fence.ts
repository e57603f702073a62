/**
 * Fencing for a reply's writes. While a reply holds its thread's claim, its writes to that thread carry the claim's
 * fencing token (through AsyncLocalStorage, so reply and agent code pass nothing along). Each store keeps the
 * largest token that wrote to a thread and refuses a write with a smaller one, in the same transaction as the write:
 * a reply whose claim expired (its instance paused, or cut off from Redis) cannot write into a thread that another
 * reply has taken over since. Writes outside a claim (a rename, feedback) are not fenced.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface ReplyFence {
  threadId: string;
  token: number;
}

const current = new AsyncLocalStorage<ReplyFence>();

/** Runs `work` with its writes to `fence.threadId` fenced by `fence.token`. */
export function withReplyFence<T>(fence: ReplyFence, work: () => Promise<T>): Promise<T> {
  return current.run(fence, work);
}

/** The token writes to `threadId` carry here, or undefined when this code holds no claim on that thread. */
export function fenceFor(threadId: string): number | undefined {
  const fence = current.getStore();
  return fence?.threadId === threadId ? fence.token : undefined;
}

/** A fenced write refused because a newer claim has written to the thread. */
export class StaleReplyError extends Error {
  constructor(readonly threadId: string) {
    super('this reply lost its claim on the thread to a newer one; its write was refused');
    this.name = 'StaleReplyError';
  }
}
