import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from '../token-server/src/config.js';
import { readDemoSettings, tokenServerEnvironment, usesDemoTools, type DemoAddresses } from './demo-settings.js';

const addresses: DemoAddresses = {
  siteUrl: 'http://localhost:8787',
  secondOriginUrl: 'http://localhost:8788',
  loopbackUrl: 'http://127.0.0.1:8787',
};

describe('the token server environment npm start builds', () => {
  test('with nothing set, both demo origins under both loopback names may use pk_demo, and users are verified by the demo JWKS', () => {
    const env = tokenServerEnvironment({}, readDemoSettings({}), addresses);
    const origins = 'http://localhost:8787|http://127.0.0.1:8787|http://localhost:8788|http://127.0.0.1:8788';
    assert.equal(env.PUBLIC_KEYS, `pk_demo=${origins}`);
    assert.equal(env.ALLOWED_ORIGINS, origins.replaceAll('|', ','));
    assert.equal(env.AUTH_JWKS_URL, 'http://127.0.0.1:8787/api/auth/jwks');
    assert.equal(env.AUTH_ISSUER, 'http://localhost:8787');
    assert.equal(env.AUTH_AUDIENCE, 'http://localhost:8787');
    assert.equal(env.AUTH_ALGORITHMS, 'EdDSA');
    assert.equal(env.DATA_DIR, './data');
  });

  test('what the environment sets wins, and an empty value (NAME= in .env) counts as unset', () => {
    const env = tokenServerEnvironment({ PUBLIC_KEYS: 'pk_mine=https://www.example.com', DATA_DIR: '', LOG_LEVEL: 'warn' }, readDemoSettings({}), addresses);
    assert.equal(env.PUBLIC_KEYS, 'pk_mine=https://www.example.com');
    assert.equal(env.DATA_DIR, './data');
    assert.equal(env.LOG_LEVEL, 'warn');
  });

  test('a verification source of one\'s own replaces the demo identity provider entirely', () => {
    const env = tokenServerEnvironment({ AUTH_JWT_SECRET: 'x'.repeat(32) }, readDemoSettings({}), addresses);
    assert.equal(env.AUTH_JWKS_URL, undefined);
    assert.equal(env.AUTH_ISSUER, undefined);
    assert.equal(env.AUTH_ALGORITHMS, undefined);
  });

  test('with the demo to-do server running, the agent uses it with forwarded user tokens and asks before deleting', () => {
    const env = tokenServerEnvironment({}, readDemoSettings({}), { ...addresses, todoMcpUrl: 'http://127.0.0.1:45678/mcp' });
    assert.deepEqual(JSON.parse(env.CHATKIT_MCP_SERVERS!), [{ name: 'todos', url: 'http://127.0.0.1:45678/mcp', forward_user: true, require_approval: ['delete_todo'] }]);
    assert.match(env.CHATKIT_INSTRUCTIONS!, /to-do list/);
    assert.equal(usesDemoTools({}), true);
    assert.equal(usesDemoTools({ CHATKIT_MCP_SERVERS: '[]' }), false, 'servers of one\'s own replace the demo\'s');
  });

  test('PORT is where the server really listens, even when the environment asked for any free port', () => {
    const env = tokenServerEnvironment({ PORT: '0' }, readDemoSettings({ PORT: '0' }), { ...addresses, loopbackUrl: 'http://127.0.0.1:41234' });
    assert.equal(env.PORT, '41234');
  });
});

describe('the demo sign-in stays on localhost (security review, finding 6)', () => {
  test('when HOST is beyond localhost with the anyone-can-sign-in provider, the demo refuses to start and says what to set', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20']) {
      assert.throws(
        () => readDemoSettings({ HOST: host }),
        (err: unknown) => err instanceof ConfigError && /^HOST /.test(err.message) && /AUTH_JWKS_URL/.test(err.message) && /DEMO_ALLOW_REMOTE_SIGN_IN=true/.test(err.message),
        host,
      );
    }
  });

  test('it starts on a loopback HOST, with a sign-in of one\'s own, or when told explicitly', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1']) assert.equal(readDemoSettings({ HOST: host }).host, host);
    assert.equal(readDemoSettings({ HOST: '0.0.0.0', AUTH_JWKS_URL: 'https://app.example.com/api/auth/jwks' }).host, '0.0.0.0');
    assert.equal(readDemoSettings({ HOST: '0.0.0.0', DEMO_ALLOW_REMOTE_SIGN_IN: 'true' }).host, '0.0.0.0');
  });
});
