/**
 * The shutdown both entry points share, driven with real signals' stand-ins on a stand-in process object, so a
 * stop that never finishes can be tried without hanging a real one. The real processes are in ../operations.test.ts.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import { exitOnSignals } from './shutdown.js';

function standInProcess() {
  const exits: number[] = [];
  const proc = Object.assign(new EventEmitter(), {
    exit: (code: number) => void exits.push(code),
  }) as unknown as NodeJS.Process;
  const exited = () =>
    new Promise<number>((resolve) => {
      const check = () => (exits.length > 0 ? resolve(exits[0]!) : setTimeout(check, 10));
      check();
    });
  return { proc, exits, exited };
}

function memoryLogger(flushes = true) {
  const lines: any[] = [];
  const destination = { write: (line: string) => void lines.push(JSON.parse(line)), flush: (cb: () => void) => flushes && cb() };
  return { logger: pino({ base: undefined }, destination), lines };
}

const never = () => new Promise<boolean>(() => {});

describe('shutting down on a signal', () => {
  test('on SIGTERM, serving stops with most of the deadline left to requests, and the process exits 0', async () => {
    const { proc, exited } = standInProcess();
    const { logger, lines } = memoryLogger();
    const deadlines: number[] = [];
    exitOnSignals({ logger, timeoutMs: 5_000, stop: async (ms) => (deadlines.push(ms), true) }, proc);
    proc.emit('SIGTERM', 'SIGTERM');
    assert.equal(await exited(), 0);
    assert.equal(deadlines.length, 1);
    assert.ok(deadlines[0]! < 5_000 && deadlines[0]! >= 2_500, `requests got ${deadlines[0]} ms of 5000`);
    assert.equal(lines[0].msg, 'shutting down');
    assert.equal(lines[0].signal, 'SIGTERM');
  });

  test('when requests had to be cut off, it says so and still exits 0', async () => {
    const { proc, exited } = standInProcess();
    const { logger, lines } = memoryLogger();
    exitOnSignals({ logger, timeoutMs: 5_000, stop: async () => false }, proc);
    proc.emit('SIGINT', 'SIGINT');
    assert.equal(await exited(), 0);
    assert.ok(lines.some((l) => /cut off/.test(l.msg)));
  });

  test('when stopping never finishes, the process exits 1 at the deadline, saying why', async () => {
    const { proc, exited } = standInProcess();
    const { logger, lines } = memoryLogger();
    exitOnSignals({ logger, timeoutMs: 300, stop: never }, proc);
    proc.emit('SIGTERM', 'SIGTERM');
    assert.equal(await exited(), 1);
    assert.ok(lines.some((l) => l.level === 50 && /SHUTDOWN_TIMEOUT_MS/.test(l.msg)));
  });

  test('when serving stopped but the last log lines cannot be written (stdout not read), it exits 0 at the deadline', async () => {
    const { proc, exited } = standInProcess();
    const { logger, lines } = memoryLogger(false);
    exitOnSignals({ logger, timeoutMs: 300, stop: async () => true }, proc);
    proc.emit('SIGTERM', 'SIGTERM');
    assert.equal(await exited(), 0);
    assert.ok(!lines.some((l) => l.level === 50), 'no error: only the log flush was waiting');
  });

  test('a second signal exits at once with 1, without waiting for the stop', async () => {
    const { proc, exits } = standInProcess();
    const { logger, lines } = memoryLogger();
    exitOnSignals({ logger, timeoutMs: 1_000, stop: never }, proc);
    proc.emit('SIGTERM', 'SIGTERM');
    assert.deepEqual(exits, []);
    proc.emit('SIGINT', 'SIGINT');
    assert.deepEqual(exits, [1]);
    assert.ok(lines.some((l) => /second signal/.test(l.msg)));
  });

  test('a failing stop exits 1 and logs only the error name and message', async () => {
    const { proc, exited } = standInProcess();
    const { logger, lines } = memoryLogger();
    exitOnSignals({ logger, timeoutMs: 5_000, stop: async () => Promise.reject(new Error('store close failed')) }, proc);
    proc.emit('SIGTERM', 'SIGTERM');
    assert.equal(await exited(), 1);
    assert.deepEqual(lines.find((l) => l.msg === 'shutdown failed').failure, { name: 'Error', message: 'store close failed' });
  });
});
