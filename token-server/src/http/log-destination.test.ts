/**
 * The log output when stdout is not read: a stand-in for a pipe whose reader stalled (writes are accepted into its
 * queue but never completed until released), the way a full pipe behaves for Node's async stdout.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { boundedDestination } from './log-destination.js';

function stalledPipe() {
  const written: string[] = [];
  const held: Array<() => void> = [];
  let flowing = false;
  const out = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk, _encoding, callback) {
      written.push(String(chunk));
      if (flowing) callback();
      else held.push(() => callback());
    },
  });
  return {
    out,
    written,
    /** The reader comes back: everything queued is taken, and later writes complete at once. */
    resume() {
      flowing = true;
      for (const release of held.splice(0)) release();
    },
  };
}

const line = (i: number) => `${JSON.stringify({ level: 30, msg: 'request completed', i, pad: 'x'.repeat(150) })}\n`;

describe('log lines while stdout is not being read', () => {
  test('what is queued stays under the backlog bound, and the rest is dropped and counted', () => {
    const pipe = stalledPipe();
    let drops = 0;
    const destination = boundedDestination({ out: pipe.out, backlogBytes: 64 * 1024, onDrop: () => drops++ });
    for (let i = 0; i < 5_000; i++) destination.write(line(i));
    assert.ok(pipe.out.writableLength <= 64 * 1024, `${pipe.out.writableLength} bytes queued`);
    assert.ok(destination.dropped > 4_000, `${destination.dropped} dropped`);
    assert.equal(drops, destination.dropped);
  });

  test('once the reader is back, lines flow again and one warning count says how many were dropped', async () => {
    const pipe = stalledPipe();
    const reports: number[] = [];
    const destination = boundedDestination({ out: pipe.out, backlogBytes: 64 * 1024, onDrained: (n) => reports.push(n) });
    for (let i = 0; i < 2_000; i++) destination.write(line(i));
    assert.deepEqual(reports, [], 'nothing to report while still stalled');
    pipe.resume();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(reports, [destination.dropped]);
    const before = pipe.written.length;
    destination.write(line(-1));
    assert.equal(pipe.written.length, before + 1, 'a new line is written, not dropped');
  });

  test('flush waits for the queue to be written, and answers at once when it is empty', async () => {
    const pipe = stalledPipe();
    const destination = boundedDestination({ out: pipe.out, backlogBytes: 64 * 1024 });
    let flushed = false;
    destination.flush(() => (flushed = true));
    assert.equal(flushed, true);
    for (let i = 0; i < 200; i++) destination.write(line(i));
    flushed = false;
    destination.flush(() => (flushed = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(flushed, false);
    pipe.resume();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(flushed, true);
  });

  test('a reader that went away (EPIPE) does not crash the server; lines are dropped', () => {
    const out = new Writable({ write: (_chunk, _encoding, callback) => callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })) });
    const destination = boundedDestination({ out });
    destination.write(line(1));
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        destination.write(line(2));
        assert.equal(destination.dropped, 1);
        resolve();
      }),
    );
  });
});
