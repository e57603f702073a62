/** Every bound the backend enforces, with defaults that suit a public chat widget. */
export interface ChatKitLimits {
  /** Largest request body accepted, in bytes (413 `body_too_large` beyond). */
  maxBodyBytes: number;
  /** Longest user message, in characters (400 `message_too_long`). */
  maxMessageChars: number;
  /** Threads one user may keep (409 `too_many_threads`: delete one first). */
  maxThreadsPerUser: number;
  /** Items one thread may hold (409 `thread_full`: start a new thread). */
  maxItemsPerThread: number;
  /** Characters of history sent to the model; the oldest turns are dropped beyond it. */
  historyCharBudget: number;
  /** ChatKit requests per user per minute (429 `rate_limited`). */
  requestsPerMinute: number;
  /** Model replies per user per minute (429 `rate_limited`). */
  repliesPerMinute: number;
  /** Wait for the model to start answering (per attempt). */
  modelTimeoutMs: number;
  /** Longest silence allowed between two chunks of a streaming answer. */
  modelIdleTimeoutMs: number;
  /** Largest page `threads.list` and `items.list` return, whatever `limit` asks. */
  maxPageSize: number;
}

export const DEFAULT_LIMITS: ChatKitLimits = {
  maxBodyBytes: 64 * 1024,
  maxMessageChars: 8000,
  maxThreadsPerUser: 200,
  maxItemsPerThread: 500,
  historyCharBudget: 48_000,
  requestsPerMinute: 120,
  repliesPerMinute: 20,
  modelTimeoutMs: 30_000,
  modelIdleTimeoutMs: 30_000,
  maxPageSize: 100,
};

export const DEFAULT_PAGE_SIZE = 20;
