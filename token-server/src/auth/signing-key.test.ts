import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError } from '../config.js';
import { loadSigningKey } from './signing-key.js';

describe('the server signing key', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'ckw-key-')), 'nested', 'data');
  after(() => rmSync(join(dataDir, '..', '..'), { recursive: true, force: true }));

  test('without SIGNING_KEY, one is generated into DATA_DIR readable only by the owner, and reused on the next start', () => {
    const first = loadSigningKey({ dataDir });
    const path = join(dataDir, 'signing-key');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.ok(readFileSync(path, 'utf8').length >= 32);
    assert.deepEqual(loadSigningKey({ dataDir }), first);
  });

  test('SIGNING_KEY wins over the generated one', () => {
    const key = 'k'.repeat(40);
    assert.deepEqual(loadSigningKey({ dataDir, signingKey: key }), new TextEncoder().encode(key));
  });

  test('an unusable DATA_DIR is a one-line config error naming it', () => {
    const underAFile = join(dataDir, 'signing-key', 'data');
    assert.throws(() => loadSigningKey({ dataDir: underAFile }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /^DATA_DIR .*SIGNING_KEY/);
      return true;
    });
  });
});
