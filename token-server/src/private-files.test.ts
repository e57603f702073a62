/** Conversations and keys are readable by the server's own user only (security review, finding 5). */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { postJson, startTestApp } from '../test-support/start-app.js';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('files under DATA_DIR', () => {
  const root = mkdtempSync(join(tmpdir(), 'ckw-private-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  test('when DATA_DIR and its files already exist with loose permissions, the server makes them owner-only', async () => {
    const dataDir = join(root, 'loose');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'signing-key'), 'k'.repeat(43), { mode: 0o644 });
    chmodSync(join(dataDir, 'signing-key'), 0o644);
    const server = await startTestApp({
      env: { DATA_DIR: dataDir, SIGNING_KEY: '', PUBLIC_KEYS: 'pk_local=http://localhost:5173' },
      deps: { chatkitDatabasePath: undefined },
    });
    try {
      // A chat is written, so SQLite's write-ahead log exists too.
      const access = await postJson(`${server.url}/api/chatkit/public`, { public_key: 'pk_local' }, { origin: 'http://localhost:5173' });
      await postJson(`${server.url}/api/chatkit`, { type: 'threads.create', params: { input: { content: [{ type: 'input_text', text: 'hi' }], attachments: [], inference_options: {} } } }, { authorization: `Bearer ${access.body.token}` });
      assert.equal(mode(dataDir), 0o700);
      const files = readdirSync(dataDir);
      assert.ok(files.includes('chatkit.sqlite') && files.includes('signing-key'), files.join(', '));
      for (const file of files) assert.equal(mode(join(dataDir, file)), 0o600, `${file} is ${mode(join(dataDir, file)).toString(8)}`);
    } finally {
      await server.close();
    }
  });

  test('when DATA_DIR does not exist, it is created 0700 with its database and key 0600', async () => {
    const dataDir = join(root, 'fresh', 'data');
    const server = await startTestApp({ env: { DATA_DIR: dataDir, SIGNING_KEY: '' }, deps: { chatkitDatabasePath: undefined } });
    try {
      assert.equal(mode(dataDir), 0o700);
      for (const file of ['chatkit.sqlite', 'signing-key']) assert.equal(mode(join(dataDir, file)), 0o600, file);
    } finally {
      await server.close();
    }
  });
});
