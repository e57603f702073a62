/**
 * The real entry point in its own process: what an operator sees at start, on a bad variable, and on SIGTERM.
 * Both ways to run it: the TypeScript source under tsx (`npm run server`) and the production build on bare node
 * (`npm run serve`), which must need no TypeScript loader and find the built widget from its own folder.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { startOpenAIMock } from '../test-support/openai-mock.js';
import { MOCK_OPENAI_API_KEY, mockChatKitSessions } from '../test-support/openai-mock-sessions.js';
import { ENTRY_POINTS, WIDGET_LOADER, buildServer, startServerProcess, waitFor } from '../test-support/server-process.js';
import { postJson } from '../test-support/start-app.js';

// A directory of its own, so a developer's .env or ./data is never read or written.
const cwd = mkdtempSync(join(tmpdir(), 'ckw-server-'));
after(() => rmSync(cwd, { recursive: true, force: true }));
before(buildServer);

for (const variant of [ENTRY_POINTS.server, ENTRY_POINTS.serve]) describe(`the server process: ${variant.name}`, () => {
  const startServer = (env: Record<string, string>) => startServerProcess(variant, env, { cwd });

  test('it starts, answers /healthz and serves the built widget', async () => {
    const { child, output, exited } = startServer({});
    try {
      const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(output().stdout)?.[1]);
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      const loader = await fetch(`${url}/chat-kit-widget.js`);
      assert.equal(loader.status, 200);
      assert.equal(await loader.text(), readFileSync(WIDGET_LOADER, 'utf8'));
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  test('a bad variable stops the start with exit 1 and one line on stderr naming it', async () => {
    const { output, exited } = startServer({ PORT: 'eighty' });
    assert.equal(await exited, 1);
    const { stderr, stdout } = output();
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.match(stderr, /^PORT must be a whole number/);
    assert.doesNotMatch(stderr, /at .*\.ts:\d+/, 'no stack trace');
    assert.equal(stdout, '');
  });

  test('on SIGTERM it finishes the request in flight, then exits 0', async () => {
    const sessions = mockChatKitSessions();
    const openai = await startOpenAIMock(sessions.routes);
    const secret = 'server-test-user-secret-at-least-32-bytes';
    const { child, output, exited } = startServer({
      AUTH_JWT_SECRET: secret,
      OPENAI_API_KEY: MOCK_OPENAI_API_KEY,
      OPENAI_BASE_URL: openai.baseURL,
      CHATKIT_WORKFLOW_ID: 'wf_shutdown',
      SIGNING_KEY: 'server-test-signing-key-at-least-32-bytes',
    });
    try {
      const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(output().stdout)?.[1]);
      openai.fault({ kind: 'slow', delayMs: 700, pathPrefix: '/v1/chatkit/sessions' });
      const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('user_inflight').setExpirationTime('5m').sign(new TextEncoder().encode(secret));
      const inFlight = postJson(`${url}/api/chatkit/start`, undefined, { authorization: `Bearer ${token}` });
      await waitFor(() => (openai.requests.length > 0 ? true : undefined)); // the request reached the upstream call

      child.kill('SIGTERM');
      const res = await inFlight;
      assert.equal(res.status, 200, res.text);
      assert.equal(sessions.bySecret(res.body.client_secret)?.user, 'user_inflight');
      assert.equal(await exited, 0, output().stderr);
      await assert.rejects(fetch(`${url}/healthz`), 'the port is closed after shutdown');
    } finally {
      child.kill('SIGKILL');
      await openai.close();
    }
  });
});
