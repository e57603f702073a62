import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err}`);
    return err;
  }
  assert.fail(`${JSON.stringify(env)} was accepted`);
}

describe('configuration', () => {
  test('with nothing set, the server starts on 127.0.0.1:8787 with every optional feature off', () => {
    const config = loadConfig({});
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 8787);
    assert.equal(config.trustProxy, 0);
    assert.equal(config.userAuth, undefined);
    assert.deepEqual(config.publicKeys, []);
    assert.equal(config.chatkit.backend, 'custom');
    assert.equal(config.chatkit.modelApi, 'responses');
    assert.equal(config.hosted.sessionTtlSeconds, 600);
    assert.match(config.dataDir, /\/data$/);
    assert.equal(config.shutdownTimeoutMs, 10_000);
    assert.equal(config.metrics, undefined, '/metrics is off');
  });

  test('METRICS_TOKEN guards /metrics on the main port; METRICS_PORT moves it to an address of its own (127.0.0.1 by default)', () => {
    const token = 'm'.repeat(32);
    assert.deepEqual(loadConfig({ METRICS_TOKEN: token }).metrics, { token, listen: undefined });
    assert.deepEqual(loadConfig({ METRICS_PORT: '9464' }).metrics, { token: undefined, listen: { host: '127.0.0.1', port: 9464 } });
    assert.deepEqual(loadConfig({ METRICS_HOST: '0.0.0.0', METRICS_PORT: '9464', METRICS_TOKEN: token }).metrics, { token, listen: { host: '0.0.0.0', port: 9464 } });
  });

  test('the anonymous-access limits, quotas and retention have their documented defaults, and each variable sets one', () => {
    const defaults = loadConfig({});
    assert.deepEqual(
      [defaults.limits.perIpPerMinute, defaults.limits.perUserPerMinute, defaults.limits.publicPerIpPerMinute, defaults.limits.perPublicKeyPerMinute],
      [300, 60, 30, 600],
    );
    assert.equal(defaults.limits.publicPerVisitorPerMinute, 20);
    assert.equal(defaults.limits.ipv6PrefixBits, 64);
    assert.deepEqual(defaults.chatkit.limits, {
      maxThreadsPerUser: 200,
      maxItemsPerUser: 5000,
      maxBytesPerUser: 5 * 1024 * 1024,
      visitorRepliesPerMinute: 10,
      visitorRepliesPerIpPerMinute: 30,
    });
    assert.equal(defaults.chatkit.visitorRetentionDays, 30);
    assert.equal(defaults.production, false);

    const set = loadConfig({
      RATE_LIMIT_PER_KEY: '2000', RATE_LIMIT_PUBLIC_PER_IP: '10', RATE_LIMIT_PUBLIC_PER_VISITOR: '5', RATE_LIMIT_IPV6_PREFIX: '56',
      CHATKIT_QUOTA_BYTES: '1048576', RATE_LIMIT_VISITOR_REPLIES: '3', VISITOR_RETENTION_DAYS: '0', NODE_ENV: 'production',
    });
    assert.deepEqual([set.limits.perPublicKeyPerMinute, set.limits.publicPerIpPerMinute, set.limits.publicPerVisitorPerMinute, set.limits.ipv6PrefixBits], [2000, 10, 5, 56]);
    assert.equal(set.chatkit.limits.maxBytesPerUser, 1048576);
    assert.equal(set.chatkit.limits.visitorRepliesPerMinute, 3);
    assert.equal(set.chatkit.visitorRetentionDays, 0);
    assert.equal(set.production, true);
  });

  test('empty values count as unset (NAME= lines in .env files)', () => {
    assert.equal(loadConfig({ PORT: '', AUTH_JWKS_URL: '  ' }).port, 8787);
  });

  const bad: Array<[string, Record<string, string>]> = [
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'chat.example.com' }],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'https://ok.test,https://bad.test/path' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'true' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['AUTH_JWKS_URL', { AUTH_JWKS_URL: 'ftp://keys.test/jwks' }],
    ['AUTH_JWT_SECRET', { AUTH_JWT_SECRET: 'too-short-secret' }],
    ['AUTH_JWT_PUBLIC_KEY', { AUTH_JWT_PUBLIC_KEY: 'not a pem' }],
    ['AUTH_ALGORITHMS', { AUTH_JWT_SECRET: 'x'.repeat(32), AUTH_ALGORITHMS: 'RS256' }],
    ['AUTH_ALGORITHMS', { AUTH_JWKS_URL: 'https://keys.test/jwks', AUTH_ALGORITHMS: 'HS256' }],
    ['AUTH_JWKS_URL, AUTH_JWT_SECRET', { AUTH_JWKS_URL: 'https://keys.test/jwks', AUTH_JWT_SECRET: 'x'.repeat(32) }],
    ['OPENAI_BASE_URL', { OPENAI_BASE_URL: 'localhost:11434' }],
    ['CHATKIT_WORKFLOW_ID', { CHATKIT_WORKFLOW_ID: 'wf with spaces' }],
    ['CHATKIT_SESSION_TTL', { CHATKIT_SESSION_TTL: '10' }],
    ['CHATKIT_BACKEND', { CHATKIT_BACKEND: 'both' }],
    ['CHATKIT_MODEL_API', { CHATKIT_MODEL_API: 'completions' }],
    ['PUBLIC_KEYS', { PUBLIC_KEYS: 'demo=http://localhost:8787' }],
    ['PUBLIC_KEYS', { PUBLIC_KEYS: 'pk_demo=' }],
    ['PUBLIC_KEYS', { PUBLIC_KEYS: 'pk_demo=localhost' }],
    ['PUBLIC_KEYS', { PUBLIC_KEYS: 'pk_a=http://a.test;pk_a=http://b.test' }],
    ['SIGNING_KEY', { SIGNING_KEY: 'short' }],
    ['REDIS_URL', { REDIS_URL: 'http://cache.test' }],
    ['RATE_LIMIT_PER_KEY', { RATE_LIMIT_PER_KEY: '0' }],
    ['RATE_LIMIT_PUBLIC_PER_IP', { RATE_LIMIT_PUBLIC_PER_IP: 'many' }],
    ['RATE_LIMIT_IPV6_PREFIX', { RATE_LIMIT_IPV6_PREFIX: '129' }],
    ['RATE_LIMIT_VISITOR_REPLIES_PER_IP', { RATE_LIMIT_VISITOR_REPLIES_PER_IP: '-1' }],
    ['CHATKIT_QUOTA_BYTES', { CHATKIT_QUOTA_BYTES: '100' }],
    ['VISITOR_RETENTION_DAYS', { VISITOR_RETENTION_DAYS: '30d' }],
    ['SHUTDOWN_TIMEOUT_MS', { SHUTDOWN_TIMEOUT_MS: 'soon' }],
    ['SHUTDOWN_TIMEOUT_MS', { SHUTDOWN_TIMEOUT_MS: '10' }],
    ['METRICS_TOKEN', { METRICS_TOKEN: 'short-token' }],
    ['METRICS_PORT', { METRICS_PORT: '99999' }],
    ['METRICS_HOST', { METRICS_HOST: '127.0.0.1' }],
    ['SIGNING_KEY', { REDIS_URL: 'redis://cache.test:6379' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://db.test/chat' }],
    ['CHATKIT_REPLY_LOCK_SECONDS', { CHATKIT_REPLY_LOCK_SECONDS: '1' }],
  ];
  for (const [name, env] of bad) {
    test(`a bad ${name} stops the start with one line naming it`, () => {
      const { message } = configError(env);
      assert.ok(message.startsWith(`${name} `), message);
      assert.ok(!message.includes('\n'), 'one line');
    });
  }

  test('several instances: DATABASE_URL and REDIS_URL (with the shared SIGNING_KEY) are read, and the reply claim lasts 15 s unless set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://chat@db.test/chat', REDIS_URL: 'redis://cache.test:6379', SIGNING_KEY: 'k'.repeat(32) });
    assert.deepEqual([config.databaseUrl, config.redisUrl, config.replyLockTtlMs], ['postgres://chat@db.test/chat', 'redis://cache.test:6379', 15_000]);
    assert.equal(loadConfig({ CHATKIT_REPLY_LOCK_SECONDS: '30' }).replyLockTtlMs, 30_000);
  });

  test('error lines never repeat a secret value', () => {
    const secret = 'short-secret-canary';
    assert.ok(!configError({ AUTH_JWT_SECRET: secret }).message.includes(secret));
    assert.ok(!configError({ SIGNING_KEY: secret }).message.includes(secret));
    assert.ok(!configError({ METRICS_TOKEN: secret }).message.includes(secret));
  });

  test('JWKS defaults to EdDSA, ES256 and RS256; a secret to HS256; issuer and audience are read', () => {
    const jwks = loadConfig({ AUTH_JWKS_URL: 'https://app.test/api/auth/jwks/', AUTH_ISSUER: 'https://app.test', AUTH_AUDIENCE: 'https://app.test, api' });
    assert.deepEqual(jwks.userAuth, {
      source: { kind: 'jwks', url: 'https://app.test/api/auth/jwks' },
      issuer: 'https://app.test',
      audience: ['https://app.test', 'api'],
      algorithms: ['EdDSA', 'ES256', 'RS256'],
    });
    assert.deepEqual(loadConfig({ AUTH_JWT_SECRET: 'x'.repeat(32) }).userAuth?.algorithms, ['HS256']);
  });

  test('a PEM key picks its algorithm from the key type and refuses private keys', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    assert.deepEqual(loadConfig({ AUTH_JWT_PUBLIC_KEY: pem }).userAuth?.algorithms, ['ES256']);
    const privatePem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.match(configError({ AUTH_JWT_PUBLIC_KEY: privatePem }).message, /^AUTH_JWT_PUBLIC_KEY .*never a private key/);
  });

  test('PUBLIC_KEYS lists keys with their origins', () => {
    const { publicKeys } = loadConfig({ PUBLIC_KEYS: 'pk_demo=http://localhost:8787|http://127.0.0.1:8787; pk_site=https://www.site.test/' });
    assert.deepEqual(publicKeys, [
      { key: 'pk_demo', origins: ['http://localhost:8787', 'http://127.0.0.1:8787'] },
      { key: 'pk_site', origins: ['https://www.site.test'] },
    ]);
  });

  test('.env.example lists every variable with a comment and is itself a valid configuration', () => {
    const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const env = parseEnv(text);
    const names = ['PORT', 'HOST', 'PUBLIC_URL', 'TRUST_PROXY', 'ALLOWED_ORIGINS', 'PUBLIC_KEYS', 'AUTH_JWKS_URL', 'AUTH_JWT_SECRET',
      'AUTH_JWT_PUBLIC_KEY', 'AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_ALGORITHMS', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'CHATKIT_WORKFLOW_ID',
      'CHATKIT_SESSION_TTL', 'CHATKIT_BACKEND', 'CHATKIT_MODEL', 'CHATKIT_INSTRUCTIONS', 'CHATKIT_MODEL_API', 'CHATKIT_DOMAIN_KEY',
      'CHATKIT_MCP_SERVERS', 'CHATKIT_HOSTED_TOOLS', 'CHATKIT_AGENT_MODULE', 'CHATKIT_MAX_TOOL_CALLS', 'CHATKIT_TOOL_TIMEOUT_MS',
      'CHATKIT_TOOL_OUTPUT_MAX_CHARS', 'SIGNING_KEY', 'DATA_DIR', 'REDIS_URL', 'LOG_LEVEL', 'NODE_ENV', 'RATE_LIMIT_API_PER_IP', 'RATE_LIMIT_PER_USER',
      'RATE_LIMIT_PUBLIC_PER_IP', 'RATE_LIMIT_PER_KEY', 'RATE_LIMIT_PUBLIC_PER_VISITOR', 'RATE_LIMIT_IPV6_PREFIX', 'RATE_LIMIT_VISITOR_REPLIES',
      'RATE_LIMIT_VISITOR_REPLIES_PER_IP', 'CHATKIT_QUOTA_THREADS', 'CHATKIT_QUOTA_ITEMS', 'CHATKIT_QUOTA_BYTES', 'VISITOR_RETENTION_DAYS',
      'DEMO_ALLOW_REMOTE_SIGN_IN', 'SHUTDOWN_TIMEOUT_MS', 'METRICS_TOKEN', 'METRICS_HOST', 'METRICS_PORT', 'DATABASE_URL',
      'CHATKIT_REPLY_LOCK_SECONDS'];
    for (const name of names) {
      assert.ok(name in env, `${name} is missing from .env.example`);
      assert.match(text, new RegExp(`# [^\\n]+\\n${name}=`), `${name} has a comment line above it`);
    }
    assert.doesNotThrow(() => loadConfig(env));
  });
});

describe('configuration: attachments, dictation and the model picker', () => {
  test('unset, attachments, dictation and the model picker are off', () => {
    const { chatkit } = loadConfig({});
    assert.equal(chatkit.attachments, undefined);
    assert.equal(chatkit.transcribeModel, undefined);
    assert.deepEqual(chatkit.models, []);
    assert.equal(chatkit.model, 'gpt-4.1-mini');
  });

  test('CHATKIT_ATTACHMENTS takes types and families with size and count bounds; files go to DATA_DIR unless S3_BUCKET is set', () => {
    const disk = loadConfig({ CHATKIT_ATTACHMENTS: 'image/*, Application/PDF,text/plain,image/*' }).chatkit.attachments;
    assert.deepEqual(disk, { accept: ['image/*', 'application/pdf', 'text/plain'], maxBytes: 10 * 1024 * 1024, maxCount: 5, storage: { kind: 'disk' } });
    const s3 = loadConfig({
      CHATKIT_ATTACHMENTS: 'image/png',
      CHATKIT_ATTACHMENT_MAX_BYTES: '2048',
      CHATKIT_ATTACHMENT_MAX_COUNT: '2',
      S3_BUCKET: 'chat-files',
      S3_ENDPOINT: 'http://127.0.0.1:4569/',
    }).chatkit.attachments;
    assert.deepEqual(s3, { accept: ['image/png'], maxBytes: 2048, maxCount: 2, storage: { kind: 's3', bucket: 'chat-files', endpoint: 'http://127.0.0.1:4569', region: 'us-east-1' } });
    assert.deepEqual(loadConfig({ CHATKIT_ATTACHMENTS: 'image/png', S3_BUCKET: 'chat-files', S3_REGION: 'eu-central-1' }).chatkit.attachments?.storage, {
      kind: 's3',
      bucket: 'chat-files',
      endpoint: undefined,
      region: 'eu-central-1',
    });
  });

  test('a bad attachment, S3 or dictation setting stops the server with one line naming it', () => {
    assert.match(configError({ CHATKIT_ATTACHMENTS: '*/*' }).message, /^CHATKIT_ATTACHMENTS .*any file/);
    assert.match(configError({ CHATKIT_ATTACHMENTS: 'images' }).message, /^CHATKIT_ATTACHMENTS .*"images" is not one/);
    assert.match(configError({ CHATKIT_ATTACHMENTS: 'image/*', CHATKIT_ATTACHMENT_MAX_BYTES: '10MB' }).message, /^CHATKIT_ATTACHMENT_MAX_BYTES must be a whole number/);
    assert.match(configError({ CHATKIT_ATTACHMENTS: 'image/*', CHATKIT_ATTACHMENT_MAX_COUNT: '0' }).message, /^CHATKIT_ATTACHMENT_MAX_COUNT /);
    assert.match(configError({ CHATKIT_ATTACHMENTS: 'image/*', S3_BUCKET: 'Bad_Bucket' }).message, /^S3_BUCKET must be an S3 bucket name/);
    assert.match(configError({ CHATKIT_ATTACHMENTS: 'image/*', S3_BUCKET: 'files' }).message, /^S3_REGION must be set/);
    assert.match(configError({ S3_ENDPOINT: 'http://127.0.0.1:4569' }).message, /^S3_BUCKET must be set/);
    assert.match(configError({ CHATKIT_TRANSCRIBE_MODEL: 'whisper 1' }).message, /^CHATKIT_TRANSCRIBE_MODEL /);
    assert.equal(loadConfig({ CHATKIT_TRANSCRIBE_MODEL: 'gpt-4o-mini-transcribe' }).chatkit.transcribeModel, 'gpt-4o-mini-transcribe');
  });

  test('CHATKIT_MODELS lists the picker; CHATKIT_MODEL is its default, else the first listed', () => {
    const picked = loadConfig({ CHATKIT_MODELS: 'gpt-5-mini=Fast, gpt-5=Best = quality', CHATKIT_MODEL: 'gpt-5' }).chatkit;
    assert.equal(picked.model, 'gpt-5');
    assert.deepEqual(picked.models, [
      { id: 'gpt-5-mini', label: 'Fast', default: false },
      { id: 'gpt-5', label: 'Best = quality', default: true },
    ]);
    const first = loadConfig({ CHATKIT_MODELS: 'gpt-5-mini,gpt-5' }).chatkit;
    assert.equal(first.model, 'gpt-5-mini');
    assert.deepEqual(first.models.map((m) => [m.label, m.default]), [['gpt-5-mini', true], ['gpt-5', false]]);
    assert.match(configError({ CHATKIT_MODELS: 'gpt-5-mini', CHATKIT_MODEL: 'gpt-4.1' }).message, /^CHATKIT_MODELS must include CHATKIT_MODEL \(gpt-4\.1\)/);
    assert.match(configError({ CHATKIT_MODELS: 'gpt-5,gpt-5' }).message, /^CHATKIT_MODELS lists gpt-5 twice/);
    assert.match(configError({ CHATKIT_MODELS: 'gpt-5=' }).message, /^CHATKIT_MODELS must be a comma list/);
    assert.match(configError({ CHATKIT_MODELS: 'gpt 5' }).message, /"gpt 5" is not one/);
  });
});
