/**
 * The shutdown both entry points share: signals driven on a stand-in process object (so a stop that never finishes
 * can be tried without hanging a real one), and `stopServing` on the real app with a reply streaming. The real
 * processes are in ../operations.test.ts.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { startOpenAIMock } from '../../test-support/openai-mock.js';
import { scriptedModel } from '../../test-support/openai-mock-model.js';
import { postJson, startTestApp } from '../../test-support/start-app.js';
import { INTERRUPTED_NOTE, STOPPED_NOTE } from '../chatkit/reply/reply-runner.js';
import { addMessage, createThread, parseEvents, threadIdOf } from '../chatkit/testing/harness.js';
import type { StreamEvent } from '../chatkit/protocol/types.js';
import { exitOnSignals, stopServing } from './shutdown.js';

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

describe('stopServing with a reply streaming', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ckw-shutdown-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const secret = 'shutdown-test-user-secret-at-least-32b!';
  const token = () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('user_stop').setExpirationTime('5m').sign(new TextEncoder().encode(secret));

  test('the reply ends with a retryable error, the partial answer is stored, and the next turn knows it was cut off, not stopped', async () => {
    const model = scriptedModel();
    const mock = await startOpenAIMock(model.routes);
    const options = {
      env: { AUTH_JWT_SECRET: secret, OPENAI_API_KEY: 'sk-test-shutdown', OPENAI_BASE_URL: mock.baseURL },
      deps: { chatkitDatabasePath: join(dir, 'chatkit.sqlite') },
    };
    try {
      const first = await startTestApp(options);
      model.enqueue({ deltas: ['Half of ', 'an answer', ' never sent'], fault: 'hang', faultAfter: 2 });
      const hanging = model.hanging();
      const res = await fetch(`${first.url}/api/chatkit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
        body: JSON.stringify(createThread('Tell me everything')),
      });
      // Read until the two text deltas arrived, so the server has the partial answer in hand.
      const reader = res.body!.getReader();
      let text = '';
      const deltas = () => (text.match(/text_delta/g) ?? []).length;
      while (deltas() < 2) text += new TextDecoder().decode((await reader.read()).value);
      await hanging;
      const stopped = stopServing({ app: first.app, servers: [first.server] }, 5_000);
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += new TextDecoder().decode(chunk.value);
      assert.equal(await stopped, true, 'nothing had to be cut off');
      const events: StreamEvent[] = parseEvents(text);
      assert.deepEqual(events.at(-1), { type: 'error', code: 'custom', message: 'The server is restarting; please try again.', allow_retry: true });

      const second = await startTestApp(options);
      try {
        const threadId = threadIdOf(events);
        const auth = { authorization: `Bearer ${await token()}` };
        const items = await postJson(`${second.url}/api/chatkit`, { type: 'items.list', params: { thread_id: threadId, order: 'asc' } }, auth);
        assert.deepEqual(items.body.data.map((item: any) => item.content?.[0]?.text), ['Tell me everything', 'Half of an answer']);
        model.enqueue({ deltas: ['Here is all of it.'] });
        await postJson(`${second.url}/api/chatkit`, addMessage(threadId, 'Please go on'), auth);
        const sent = JSON.stringify(mock.requests.at(-1)!.body);
        assert.ok(sent.includes(INTERRUPTED_NOTE) && !sent.includes(STOPPED_NOTE), sent);
      } finally {
        await second.close();
      }
    } finally {
      await mock.close();
    }
  });
});
