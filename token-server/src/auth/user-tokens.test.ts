import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { startStack, type Stack } from '../../test-support/stack.js';
import { getJson, manualClock, postJson } from '../../test-support/start-app.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Calls the hosted start endpoint (which needs a valid user) with the given Authorization header. */
const startWith = (stack: Stack, authorization?: string) =>
  postJson(`${stack.url}/api/chatkit/start`, undefined, authorization === undefined ? {} : { authorization });

describe('user JWTs from a JWKS (Better Auth style)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('a Better Auth JWT (EdDSA, kid, no typ) verifies with only AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE', async () => {
    const token = await stack.userToken('ba_user_1');
    const header = decodeProtectedHeader(token);
    assert.equal(header.alg, 'EdDSA');
    assert.equal(header.typ, undefined);
    assert.ok(header.kid);
    const { userAuth } = stack.server.config;
    assert.deepEqual(userAuth?.algorithms, ['EdDSA', 'ES256', 'RS256']);
    const res = await startWith(stack, `Bearer ${token}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(stack.sessions.bySecret(res.body.client_secret)?.user, 'ba_user_1');
  });

  test('ES256 and RS256 tokens from the same key set are accepted', async () => {
    for (const alg of ['ES256', 'RS256'] as const) {
      const res = await startWith(stack, `Bearer ${await stack.jwks.sign({ sub: `user_${alg}` }, { alg })}`);
      assert.equal(res.status, 200, `${alg}: ${res.text}`);
    }
  });

  test('a token expired less than the 30 s clock tolerance ago still passes', async () => {
    const token = await stack.jwks.sign({ sub: 'user_skew', exp: nowSeconds() - 10 });
    assert.equal((await startWith(stack, `Bearer ${token}`)).status, 200);
  });

  const attacks: Array<{ name: string; authorization: () => Promise<string | undefined>; code: string }> = [
    { name: 'no Authorization header', authorization: async () => undefined, code: 'missing_token' },
    { name: '"Bearer" with no token', authorization: async () => 'Bearer ', code: 'missing_token' },
    { name: 'a Basic header', authorization: async () => 'Basic dXNlcjpwYXNz', code: 'invalid_authorization' },
    { name: 'a token that is not a JWT', authorization: async () => 'Bearer not-a-jwt', code: 'invalid_token' },
    { name: 'a header segment that is not JSON', authorization: async () => `Bearer ${Buffer.from('{oops').toString('base64url')}.${b64({ sub: 'x' })}.sig`, code: 'invalid_token' },
    {
      name: 'alg none',
      authorization: async () => `Bearer ${b64({ alg: 'none', kid: stack.jwks.publicJwk('EdDSA').kid })}.${b64({ sub: 'admin', iss: stack.jwks.issuer, aud: stack.jwks.audience, exp: nowSeconds() + 600 })}.`,
      code: 'invalid_token',
    },
    {
      name: 'HS256 signed with the published public key (algorithm confusion)',
      authorization: async () => {
        const jwk = stack.jwks.publicJwk('RS256');
        const token = await new SignJWT({ sub: 'admin', iss: stack.jwks.issuer, aud: stack.jwks.audience })
          .setProtectedHeader({ alg: 'HS256', kid: jwk.kid })
          .setExpirationTime('10m')
          .sign(new TextEncoder().encode(JSON.stringify(jwk)));
        return `Bearer ${token}`;
      },
      code: 'invalid_token',
    },
    {
      name: 'signed by another key under a published kid',
      authorization: async () => {
        const { privateKey } = await generateKeyPair('EdDSA');
        const token = await new SignJWT({ sub: 'admin', iss: stack.jwks.issuer, aud: stack.jwks.audience })
          .setProtectedHeader({ alg: 'EdDSA', kid: stack.jwks.publicJwk('EdDSA').kid })
          .setExpirationTime('10m')
          .sign(privateKey);
        return `Bearer ${token}`;
      },
      code: 'invalid_token',
    },
    { name: 'expired', authorization: async () => `Bearer ${await stack.jwks.sign({ sub: 'u', exp: nowSeconds() - 120 })}`, code: 'token_expired' },
    { name: 'not valid yet (nbf in the future)', authorization: async () => `Bearer ${await stack.jwks.sign({ sub: 'u', nbf: nowSeconds() + 300 })}`, code: 'token_not_yet_valid' },
    {
      name: 'without exp',
      authorization: async () => `Bearer ${await stack.jwks.sign({ sub: 'u', iss: stack.jwks.issuer, aud: stack.jwks.audience }, { bare: true })}`,
      code: 'invalid_token',
    },
    { name: 'without sub', authorization: async () => `Bearer ${await stack.jwks.sign({})}`, code: 'invalid_token' },
    { name: 'with a sub of an anonymous visitor (anon_...)', authorization: async () => `Bearer ${await stack.jwks.sign({ sub: 'anon_abcdefghijklmnopqrstuv' })}`, code: 'invalid_token' },
    { name: 'from the wrong issuer', authorization: async () => `Bearer ${await stack.jwks.sign({ sub: 'u', iss: 'https://evil.test' })}`, code: 'invalid_token' },
    { name: 'for the wrong audience', authorization: async () => `Bearer ${await stack.jwks.sign({ sub: 'u', aud: 'https://other-app.test' })}`, code: 'invalid_token' },
    { name: 'naming a kid the key set does not have', authorization: async () => `Bearer ${await stack.jwks.sign({ sub: 'u' }, { kid: randomUUID() })}`, code: 'invalid_token' },
    {
      name: 'with a tampered payload',
      authorization: async () => {
        const [header, , signature] = (await stack.jwks.sign({ sub: 'user_1' })).split('.');
        return `Bearer ${header}.${b64({ sub: 'admin', iss: stack.jwks.issuer, aud: stack.jwks.audience, exp: nowSeconds() + 600 })}.${signature}`;
      },
      code: 'invalid_token',
    },
    { name: 'larger than 8 KB', authorization: async () => `Bearer ${await stack.jwks.sign({ sub: 'u', padding: 'x'.repeat(9000) })}`, code: 'token_too_large' },
  ];

  for (const attack of attacks) {
    test(`when the token is ${attack.name}, then 401 ${attack.code}`, async () => {
      const res = await startWith(stack, await attack.authorization());
      assert.equal(res.status, 401, res.text);
      assert.equal(res.body.error.code, attack.code);
      assert.ok(res.headers.get('www-authenticate')?.startsWith('Bearer'));
    });
  }

  test('no rejected token led to a session', () => {
    assert.ok(!stack.sessions.list.some((s) => s.user === 'admin' || s.user === 'u'));
  });
});

describe('the JWKS key set over time', () => {
  const clock = manualClock();
  let stack: Stack;
  const sign = (options = {}) => stack.jwks.sign({ sub: 'user_rot' }, { expiresIn: 3600, ...options });
  before(async () => {
    stack = await startStack({ deps: { clock } });
  });
  after(() => stack.close());

  test('unknown kids make the server refetch the key set at most once per cooldown', async () => {
    assert.equal((await startWith(stack, `Bearer ${await sign()}`)).status, 200);
    assert.equal(stack.jwks.fetchCount, 1);
    for (let i = 0; i < 3; i++) assert.equal((await startWith(stack, `Bearer ${await sign({ kid: randomUUID() })}`)).status, 401);
    assert.equal(stack.jwks.fetchCount, 1, 'within the cooldown nothing is refetched');
    clock.advance(31_000);
    for (let i = 0; i < 3; i++) assert.equal((await startWith(stack, `Bearer ${await sign({ kid: randomUUID() })}`)).status, 401);
    assert.equal(stack.jwks.fetchCount, 2, 'after the cooldown, one refetch for all of them');
    clock.advance(31_000);
    const burst = await Promise.all(Array.from({ length: 10 }, async () => startWith(stack, `Bearer ${await sign({ kid: randomUUID() })}`)));
    assert.ok(burst.every((r) => r.status === 401));
    assert.equal(stack.jwks.fetchCount, 3, 'ten requests at once share one refetch');
  });

  test('after the issuer rotates its key, tokens with the new kid verify and old-key tokens no longer do', async () => {
    await stack.jwks.rotate('EdDSA');
    clock.advance(31_000);
    const fetches = stack.jwks.fetchCount;
    assert.equal((await startWith(stack, `Bearer ${await sign()}`)).status, 200);
    assert.equal(stack.jwks.fetchCount, fetches + 1);
    const old = await startWith(stack, `Bearer ${await sign({ previous: true })}`);
    assert.equal(old.status, 401);
    assert.equal(old.body.error.code, 'invalid_token');
  });

  test('when the JWKS host goes down, the last good key set keeps verifying tokens', async () => {
    stack.jwks.down = 'reset';
    clock.advance(11 * 60_000); // past the key set's maximum age: the server tries, fails, keeps the old set
    assert.equal((await startWith(stack, `Bearer ${await sign()}`)).status, 200);
    const fetches = stack.jwks.fetchCount;
    assert.equal((await startWith(stack, `Bearer ${await sign()}`)).status, 200);
    assert.equal(stack.jwks.fetchCount, fetches, 'a down host is not hammered on every request');
    assert.match(stack.server.logs(), /JWKS fetch failed/);
    const ready = await getJson(`${stack.url}/readyz`);
    assert.equal(ready.body.checks.user_auth_keys, 'ok');
    stack.jwks.down = false;
  });
});

describe('a token presented again (verified tokens are remembered)', () => {
  const clock = manualClock();
  let stack: Stack;
  const clockSeconds = () => Math.floor(clock.now() / 1000);
  before(async () => {
    stack = await startStack({ deps: { clock } });
  });
  after(() => stack.close());

  test('is refused once past its exp and the clock tolerance', async () => {
    const token = await stack.jwks.sign({ sub: 'user_again', exp: clockSeconds() + 60 });
    for (let i = 0; i < 3; i++) assert.equal((await startWith(stack, `Bearer ${token}`)).status, 200);
    clock.advance(89_000);
    assert.equal((await startWith(stack, `Bearer ${token}`)).status, 200, 'within the 30 s tolerance');
    clock.advance(2_000);
    const res = await startWith(stack, `Bearer ${token}`);
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'token_expired');
  });

  test('is refused before its nbf when the clock went back', async () => {
    const token = await stack.jwks.sign({ sub: 'user_again', nbf: clockSeconds() + 20 });
    for (let i = 0; i < 3; i++) assert.equal((await startWith(stack, `Bearer ${token}`)).status, 200, 'nbf within the tolerance');
    clock.advance(-60_000);
    const res = await startWith(stack, `Bearer ${token}`);
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'token_not_yet_valid');
    clock.advance(60_000);
  });

  test('is refused once a token with a new kid made the server refetch a set without its key', async () => {
    const token = await stack.jwks.sign({ sub: 'user_again' }, { expiresIn: 3600 });
    for (let i = 0; i < 3; i++) assert.equal((await startWith(stack, `Bearer ${token}`)).status, 200);
    await stack.jwks.rotate('EdDSA');
    clock.advance(31_000); // past the refetch cooldown, well within the set's maximum age
    assert.equal((await startWith(stack, `Bearer ${await stack.jwks.sign({ sub: 'user_new_key' })}`)).status, 200);
    const res = await startWith(stack, `Bearer ${token}`);
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'invalid_token');
  });

  test('is checked against a refetched set once the set is past its maximum age', async () => {
    const token = await stack.jwks.sign({ sub: 'user_again' }, { expiresIn: 3600 });
    for (let i = 0; i < 3; i++) assert.equal((await startWith(stack, `Bearer ${token}`)).status, 200);
    await stack.jwks.rotate('EdDSA');
    const fetches = stack.jwks.fetchCount;
    clock.advance(10 * 60_000 + 1_000);
    const res = await startWith(stack, `Bearer ${token}`);
    assert.equal(stack.jwks.fetchCount, fetches + 1, 'the stale set was refetched, not skipped');
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'invalid_token');
  });
});

describe('when the JWKS host has never answered', () => {
  test('then tokens get 503 auth_keys_unavailable (not 401 or 500) and /readyz is 503', async () => {
    const stack = await startStack();
    try {
      stack.jwks.down = 'error';
      const res = await startWith(stack, `Bearer ${await stack.userToken('u1')}`);
      assert.equal(res.status, 503);
      assert.equal(res.body.error.code, 'auth_keys_unavailable');
      const ready = await getJson(`${stack.url}/readyz`);
      assert.equal(ready.status, 503);
      assert.equal(ready.body.checks.user_auth_keys, 'failing');
    } finally {
      await stack.close();
    }
  });
});

describe('user JWTs from a shared secret or a PEM public key', () => {
  const noJwks = { AUTH_JWKS_URL: undefined, AUTH_ISSUER: undefined, AUTH_AUDIENCE: undefined };

  test('HS256 with AUTH_JWT_SECRET: the right secret passes, another secret or algorithm does not', async () => {
    const secret = 'a-site-secret-that-is-32-bytes-or-more';
    const stack = await startStack({ env: { ...noJwks, AUTH_JWT_SECRET: secret } });
    try {
      const sign = (key: string, alg = 'HS256') =>
        new SignJWT({ sub: 'hs_user' }).setProtectedHeader({ alg }).setExpirationTime('5m').sign(new TextEncoder().encode(key));
      assert.equal((await startWith(stack, `Bearer ${await sign(secret)}`)).status, 200);
      assert.equal((await startWith(stack, `Bearer ${await sign(`${secret}-not`)}`)).body.error.code, 'invalid_token');
      assert.equal((await startWith(stack, `Bearer ${await sign(secret, 'HS512')}`)).body.error.code, 'invalid_token');
    } finally {
      await stack.close();
    }
  });

  test('RS256 with AUTH_JWT_PUBLIC_KEY: a real RS256 token passes; HS256 keyed with the PEM text (confusion) is 401', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const stack = await startStack({ env: { ...noJwks, AUTH_JWT_PUBLIC_KEY: pem } });
    try {
      assert.deepEqual(stack.server.config.userAuth?.algorithms, ['RS256']);
      const good = await new SignJWT({ sub: 'pem_user' }).setProtectedHeader({ alg: 'RS256' }).setExpirationTime('5m').sign(privateKey);
      assert.equal((await startWith(stack, `Bearer ${good}`)).status, 200);
      const confused = await new SignJWT({ sub: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(pem));
      const res = await startWith(stack, `Bearer ${confused}`);
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'invalid_token');
    } finally {
      await stack.close();
    }
  });

  test('an Ed25519 PEM key verifies EdDSA tokens', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const stack = await startStack({ env: { ...noJwks, AUTH_JWT_PUBLIC_KEY: pem.replace(/\n/g, '\\n') } });
    try {
      const token = await new SignJWT({ sub: 'ed_user' }).setProtectedHeader({ alg: 'EdDSA' }).setExpirationTime('5m').sign(privateKey);
      assert.equal((await startWith(stack, `Bearer ${token}`)).status, 200);
    } finally {
      await stack.close();
    }
  });
});
