/**
 * Operations as an operator meets them, on every real entry point (`npm run server`, `npm run serve`, `npm start`):
 * a log collector that stopped reading stdout must not stop the server or its shutdown; SIGTERM ends running
 * replies with a retryable error and keeps their partial answer; a second signal exits at once. The metrics
 * listener and the dropped-lines report are checked on the production build.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { startOpenAIMock, type OpenAIMock } from '../test-support/openai-mock.js';
import { scriptedModel, type ScriptedModel } from '../test-support/openai-mock-model.js';
import { MOCK_OPENAI_API_KEY, mockChatKitSessions } from '../test-support/openai-mock-sessions.js';
import { ENTRY_POINTS, buildServer, startServerProcess, waitFor, type EntryPoint } from '../test-support/server-process.js';
import { postJson } from '../test-support/start-app.js';
import { createThread, parseEvents, threadIdOf } from './chatkit/testing/harness.js';
import type { StreamEvent } from './chatkit/protocol/types.js';

const cwd = mkdtempSync(join(tmpdir(), 'ckw-operations-'));
after(() => rmSync(cwd, { recursive: true, force: true }));
before(buildServer);

const USER_SECRET = 'operations-test-user-secret-32-bytes!!';
const SIGNING_KEY = 'operations-test-signing-key-at-least-32-bytes';
const METRICS_TOKEN = 'operations-metrics-token-0123456789abcdef';
/** Requests sent while stdout is not read; each logs one line of about 300 bytes (a long request id). */
const REQUESTS = 5_000;
/**
 * How much the resident memory may grow over the load with stdout stalled. Measured here: about 140 MiB after start,
 * 190-210 MiB at the peak of the load (V8 grows its heap under load whatever the logs do); the log backlog itself is
 * capped at 1 MiB. That the backlog is capped, rather than memory merely having room, is shown by lines being
 * dropped (the operator's view below) and by log-destination.test.ts.
 */
const RSS_GROWTH_BOUND_BYTES = 150 * 1024 * 1024;
/** Generous: these start real processes on a shared machine; a hung server fails here instead of hanging the run. */
const PROCESS_TEST = { timeout: 120_000 };
const SHUTDOWN_TIMEOUT_MS = 3_000;

let dirs = 0;
const dataDir = () => join(cwd, `data-${++dirs}`);
const userToken = (sub: string) =>
  new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime('5m').sign(new TextEncoder().encode(USER_SECRET));

/** Sends `count` GETs of `path`, `concurrency` at a time; resolves with every status and echoed request id. */
async function load(url: string, count: number, concurrency = 16): Promise<{ statuses: number[]; echoed: number }> {
  const statuses: number[] = [];
  let echoed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const id = `stall-${String(next++).padStart(6, '0')}-${'r'.repeat(110)}`;
        const res = await fetch(url, { headers: { 'x-request-id': id } });
        await res.arrayBuffer();
        statuses.push(res.status);
        if (res.headers.get('x-request-id') === id) echoed++;
      }
    }),
  );
  return { statuses, echoed };
}

/** Reads a ChatKit event stream event by event. */
async function openStream(url: string, token: string, body: unknown) {
  const res = await fetch(`${url}/api/chatkit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  const events: StreamEvent[] = [];
  return {
    events,
    /** Reads until `done(events)` holds or the stream ends; true when it held. */
    async until(done: (seen: StreamEvent[]) => boolean): Promise<boolean> {
      for (;;) {
        if (done(events)) return true;
        const end = buffered.indexOf('\n\n');
        if (end >= 0) {
          events.push(...parseEvents(buffered.slice(0, end + 2)));
          buffered = buffered.slice(end + 2);
          continue;
        }
        const { value, done: ended } = await reader.read();
        if (ended) return done(events);
        buffered += decoder.decode(value, { stream: true });
      }
    },
  };
}

const textDeltas = (events: StreamEvent[]) =>
  events.filter((e) => e.type === 'thread.item.updated' && e.update.type === 'assistant_message.content_part.text_delta').length;

for (const entry of [ENTRY_POINTS.server, ENTRY_POINTS.serve, ENTRY_POINTS.demo] as EntryPoint[]) {
  describe(`operations: ${entry.name}`, () => {
    test(`with stdout never read, ${REQUESTS} logged requests are all answered, memory stays bounded, and SIGTERM ends it within the deadline + 2 s`, PROCESS_TEST, async (t) => {
      const server = startServerProcess(entry, { LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), DATA_DIR: dataDir() }, { cwd, signal: t.signal });
      try {
        const url = await server.url;
        server.stallStdout();
        const startRss = server.rss();
        let peakRss = startRss;
        const sampler = setInterval(() => (peakRss = Math.max(peakRss, server.rss())), 100);
        const { statuses, echoed } = await load(`${url}/healthz`, REQUESTS).finally(() => clearInterval(sampler));
        peakRss = Math.max(peakRss, server.rss());

        assert.equal(statuses.length, REQUESTS);
        assert.deepEqual([...new Set(statuses)], [200], 'every request was answered 200');
        assert.equal(echoed, REQUESTS, 'every answer carried its request id');
        const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
        assert.ok(peakRss - startRss < RSS_GROWTH_BOUND_BYTES, `RSS grew from ${mib(startRss)} to ${mib(peakRss)}; at most ${mib(RSS_GROWTH_BOUND_BYTES)} allowed`);

        const signalledAt = performance.now();
        server.child.kill('SIGTERM');
        const code = await server.exited;
        const tookMs = performance.now() - signalledAt;
        t.diagnostic(`RSS ${mib(startRss)} at start, ${mib(peakRss)} at peak; exited ${Math.round(tookMs)} ms after SIGTERM`);
        assert.ok(tookMs < SHUTDOWN_TIMEOUT_MS + 2_000, `exited ${Math.round(tookMs)} ms after SIGTERM (deadline ${SHUTDOWN_TIMEOUT_MS} ms)`);
        assert.equal(code, 0, server.output().stderr);
      } finally {
        server.child.kill('SIGKILL');
      }
    });

    describe('with a reply streaming at the moment of SIGTERM', () => {
      let model: ScriptedModel;
      let openai: OpenAIMock;
      before(async () => {
        model = scriptedModel();
        openai = await startOpenAIMock(model.routes);
      });
      after(() => openai.close());

      test('the client gets a retryable error event, the process exits 0, and the partial answer is stored', PROCESS_TEST, async (t) => {
        const env = {
          AUTH_JWT_SECRET: USER_SECRET,
          SIGNING_KEY,
          OPENAI_API_KEY: MOCK_OPENAI_API_KEY,
          OPENAI_BASE_URL: openai.baseURL,
          SHUTDOWN_TIMEOUT_MS: '5000',
          DATA_DIR: dataDir(),
        };
        const server = startServerProcess(entry, env, { cwd, signal: t.signal });
        let threadId: string;
        try {
          const url = await server.url;
          const token = await userToken('user_sigterm');
          model.enqueue({ deltas: ['The tides ', 'are caused ', 'by the moon'], fault: 'hang', faultAfter: 2 });
          const hanging = model.hanging();
          const stream = await openStream(url, token, createThread('Explain tides'));
          assert.ok(await stream.until((seen) => textDeltas(seen) === 2));
          await hanging;
          threadId = threadIdOf(stream.events);

          server.child.kill('SIGTERM');
          await stream.until(() => false); // to the end of the stream
          const last = stream.events.at(-1)!;
          assert.equal(last.type, 'error', JSON.stringify(stream.events.map((e) => e.type)));
          assert.equal(last.type === 'error' && last.allow_retry, true);
          assert.equal(await server.exited, 0, server.output().stderr);
          assert.equal(openai.requests.at(-1)!.aborted, true, 'the model call was aborted');
        } finally {
          server.child.kill('SIGKILL');
        }

        // The next start, on the same data, has the partial answer in the thread.
        const restarted = startServerProcess(entry, env, { cwd, signal: t.signal });
        try {
          const url = await restarted.url;
          const items = await postJson(`${url}/api/chatkit`, { type: 'items.list', params: { thread_id: threadId, order: 'asc' } }, { authorization: `Bearer ${await userToken('user_sigterm')}` });
          assert.equal(items.status, 200, items.text);
          assert.deepEqual(
            items.body.data.map((item: any) => [item.type, item.content?.[0]?.text]),
            [
              ['user_message', 'Explain tides'],
              ['assistant_message', 'The tides are caused '],
            ],
          );
        } finally {
          restarted.child.kill('SIGTERM');
          await restarted.exited;
        }
      });
    });

    test('a second signal exits at once (1), without waiting for a request still in flight', PROCESS_TEST, async (t) => {
      const sessions = mockChatKitSessions();
      const openai = await startOpenAIMock(sessions.routes);
      const server = startServerProcess(
        entry,
        {
          LOG_LEVEL: 'info',
          AUTH_JWT_SECRET: USER_SECRET,
          SIGNING_KEY,
          OPENAI_API_KEY: MOCK_OPENAI_API_KEY,
          OPENAI_BASE_URL: openai.baseURL,
          CHATKIT_WORKFLOW_ID: 'wf_second_signal',
          SHUTDOWN_TIMEOUT_MS: '60000',
          DATA_DIR: dataDir(),
        },
        { cwd, signal: t.signal },
      );
      try {
        const url = await server.url;
        openai.fault({ kind: 'slow', delayMs: 30_000, pathPrefix: '/v1/chatkit/sessions' });
        const inFlight = postJson(`${url}/api/chatkit/start`, undefined, { authorization: `Bearer ${await userToken('user_second')}` }).then(
          (res) => `answered ${res.status}`,
          () => 'cut off',
        );
        await waitFor(() => (openai.requests.length > 0 ? true : undefined));

        server.child.kill('SIGTERM');
        await waitFor(() => (/"msg":"shutting down"/.test(server.output().stdout) ? true : undefined));
        server.child.kill('SIGINT');
        assert.equal(await server.exited, 1);
        assert.equal(await inFlight, 'cut off', 'the process did not wait for the request in flight');
        assert.match(server.output().stdout, /second signal: exiting now/);
      } finally {
        server.child.kill('SIGKILL');
        await openai.close();
      }
    });
  });
}

/** A port free right now on 127.0.0.1 (for METRICS_PORT, which takes no 0). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe(`operations: ${ENTRY_POINTS.serve.name}, the operator's view`, () => {
  test('once the collector reads again, one warning line says how many lines were dropped, and /metrics counts them too', PROCESS_TEST, async (t) => {
    const server = startServerProcess(ENTRY_POINTS.serve, { LOG_LEVEL: 'info', METRICS_TOKEN, DATA_DIR: dataDir() }, { cwd, signal: t.signal });
    try {
      const url = await server.url;
      server.stallStdout();
      const { statuses } = await load(`${url}/healthz`, REQUESTS);
      assert.deepEqual([...new Set(statuses)], [200]);
      server.resumeStdout();
      const warning = await waitFor(() =>
        server
          .output()
          .stdout.split('\n')
          .filter((line) => line.includes('"dropped_lines"'))
          .map((line) => JSON.parse(line))[0],
      );
      assert.equal(warning.level, 40);
      assert.ok(warning.dropped_lines > 0 && warning.dropped_lines < REQUESTS, `${warning.dropped_lines} dropped`);
      const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      const counted = Number(/^ckw_log_lines_dropped_total (\d+)$/m.exec(metrics)?.[1]);
      assert.equal(counted, warning.dropped_lines);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  test('with METRICS_HOST:METRICS_PORT, /metrics is served there and not on the main port, and both close on SIGTERM', PROCESS_TEST, async (t) => {
    const port = await freePort();
    const server = startServerProcess(ENTRY_POINTS.serve, { METRICS_HOST: '127.0.0.1', METRICS_PORT: String(port), DATA_DIR: dataDir() }, { cwd, signal: t.signal });
    try {
      const url = await server.url;
      assert.equal((await fetch(`${url}/metrics`)).status, 404);
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /^# TYPE ckw_http_requests_total counter$/m);
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0, server.output().stderr);
      await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`), 'the metrics port is closed too');
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});
