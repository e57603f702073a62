/**
 * A child process for the SQLite crash test: writes items to the ChatKit store at `argv[2]` as fast as it can and
 * prints `committed <id>` after each write returns, so the parent knows exactly what was committed when it kills
 * this process with -9.
 */
import { openSqliteThreadStore } from '../src/chatkit/store/sqlite-thread-store.js';

const store = openSqliteThreadStore(process.argv[2]!);
const threadId = 'thr_crash';
await store.createThread('writer', { id: threadId, created_at: new Date().toISOString(), status: { type: 'active' }, metadata: {} });
const item = (n: number) => ({
  id: `msg_${n}`,
  thread_id: threadId,
  created_at: new Date().toISOString(),
  type: 'assistant_message' as const,
  content: [{ type: 'output_text' as const, text: `item ${n} ${'x'.repeat(n % 500)}`, annotations: [] }],
});
// Waiting for each line to reach the pipe also lets the event loop run: a loop of settled awaits alone would
// never flush stdout once the pipe is full, and the parent would stop hearing about commits.
const say = (line: string) => new Promise((resolve) => process.stdout.write(line, resolve));
for (let n = 0; ; n++) {
  await store.addItem('writer', item(n));
  await say(`committed msg_${n}\n`);
}
