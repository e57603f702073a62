/** Every bound the backend enforces, with defaults that suit a public chat widget. */
export interface ChatKitLimits {
  /** Largest request body accepted, in bytes (413 `body_too_large` beyond). */
  maxBodyBytes: number;
  /** Longest user message, in characters (400 `message_too_long`). */
  maxMessageChars: number;
  /** Longest stored user message as JSON, in bytes: text, tags, ids and options together (400 `message_too_large`). */
  maxMessageBytes: number;
  /** Largest client tool result, as JSON bytes (400 `tool_output_too_large`). */
  maxToolOutputBytes: number;
  /** Threads one user may keep (409 `too_many_threads`: delete one first). */
  maxThreadsPerUser: number;
  /** Items one user may keep over all their threads (409 `quota_exceeded`). */
  maxItemsPerUser: number;
  /** Bytes of stored items one user may keep (409 `quota_exceeded`). */
  maxBytesPerUser: number;
  /** Items one thread may hold (409 `thread_full`: start a new thread). */
  maxItemsPerThread: number;
  /** Characters of history sent to the model; the oldest turns are dropped beyond it. */
  historyCharBudget: number;
  /** ChatKit requests per user per minute (429 `rate_limited`). */
  requestsPerMinute: number;
  /** Model replies per signed-in user per minute (429 `rate_limited`). */
  repliesPerMinute: number;
  /** Model replies per anonymous visitor per minute (429 `rate_limited`). */
  visitorRepliesPerMinute: number;
  /** Model replies of all anonymous visitors on one client address per minute, however many identities it holds. */
  visitorRepliesPerIpPerMinute: number;
  /** Wait for the model to start answering (per attempt). */
  modelTimeoutMs: number;
  /** Longest silence allowed between two chunks of a streaming answer. */
  modelIdleTimeoutMs: number;
  /** Largest dictation recording (`input.transcribe`), decoded, in bytes (413 `audio_too_large`); its request may be this big as base64. */
  maxAudioBytes: number;
  /** Wait for the transcription API's answer (per attempt). */
  transcribeTimeoutMs: number;
  /** Largest page `threads.list` and `items.list` return, whatever `limit` asks. */
  maxPageSize: number;
  /** An `items.list` page ends early once its items reach this many JSON bytes (at least one item is sent). */
  maxPageBytes: number;
}

export const DEFAULT_LIMITS: ChatKitLimits = {
  maxBodyBytes: 64 * 1024,
  maxMessageChars: 8000,
  maxMessageBytes: 32 * 1024,
  maxToolOutputBytes: 16 * 1024,
  maxThreadsPerUser: 200,
  maxItemsPerUser: 5_000,
  maxBytesPerUser: 5 * 1024 * 1024,
  maxItemsPerThread: 500,
  historyCharBudget: 48_000,
  requestsPerMinute: 120,
  repliesPerMinute: 20,
  visitorRepliesPerMinute: 10,
  visitorRepliesPerIpPerMinute: 30,
  modelTimeoutMs: 30_000,
  modelIdleTimeoutMs: 30_000,
  maxAudioBytes: 4 * 1024 * 1024,
  transcribeTimeoutMs: 30_000,
  maxPageSize: 100,
  maxPageBytes: 256 * 1024,
};

export const DEFAULT_PAGE_SIZE = 20;
