/**
 * A child process for the SQLite crash test: writes to the ChatKit store at `argv[2]` as fast as it can (single
 * items, and three-item batches through `addItems`) and prints `committed <id>[,<id>...]` after each write returns,
 * so the parent knows exactly what was committed when it kills this process with -9.
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
for (let n = 0; ; n += 4) {
  await store.addItem('writer', item(n));
  process.stdout.write(`committed msg_${n}\n`);
  await store.addItems('writer', [item(n + 1), item(n + 2), item(n + 3)]);
  process.stdout.write(`committed msg_${n + 1},msg_${n + 2},msg_${n + 3}\n`);
}
