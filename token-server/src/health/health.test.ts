import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMemoryStores } from '../stores/memory-store.js';
import { startStack } from '../../test-support/stack.js';
import { getJson, startTestApp } from '../../test-support/start-app.js';

describe('health and readiness', () => {
  test('with nothing configured, /healthz is ok and /readyz lists each feature as off with what to set', async () => {
    const server = await startTestApp();
    try {
      assert.deepEqual((await getJson(`${server.url}/healthz`)).body, { ok: true });
      const ready = await getJson(`${server.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.equal(ready.body.ready, true);
      assert.deepEqual(ready.body.checks, { store: 'ok', chatkit_store: 'ok' });
      assert.deepEqual(ready.body.backends, { store: 'memory', chatkit_store: 'sqlite' }, 'the embedded defaults');
      for (const [name, feature] of Object.entries(ready.body.features as Record<string, { on: boolean; enable?: string }>)) {
        assert.equal(feature.on, false, name);
        assert.ok(feature.enable, `${name} says how to turn it on`);
      }
      assert.match(ready.body.features.public_access.enable, /PUBLIC_KEYS/);
      assert.match(ready.body.features.user_auth.enable, /AUTH_JWKS_URL/);
    } finally {
      await server.close();
    }
  });

  test('with everything configured, the features are on and the JWKS is checked', async () => {
    const stack = await startStack();
    try {
      const ready = await getJson(`${stack.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.equal(ready.body.checks.user_auth_keys, 'ok');
      assert.equal(stack.jwks.fetchCount, 1);
      for (const name of ['user_auth', 'hosted_sessions', 'public_access', 'custom_backend_model']) assert.equal(ready.body.features[name].on, true, name);
    } finally {
      await stack.close();
    }
  });

  test('when the store cannot be reached, /readyz is 503 naming it', async () => {
    const stores = { ...createMemoryStores({ clock: { now: Date.now } }), ping: async () => false };
    const server = await startTestApp({ deps: { stores } });
    try {
      const ready = await getJson(`${server.url}/readyz`);
      assert.equal(ready.status, 503);
      assert.equal(ready.body.checks.store, 'failing');
      assert.equal((await getJson(`${server.url}/healthz`)).status, 200, 'liveness does not depend on the store');
    } finally {
      await server.close();
    }
  });
});
