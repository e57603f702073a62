/**
 * A real JWKS endpoint on an ephemeral loopback port, shaped like Better Auth's `/api/auth/jwks`, with
 * one key each for EdDSA (Ed25519), ES256 and RS256. It signs test tokens with those keys, can rotate a
 * key (new kid), counts fetches, and can go down (connection refused by closing the socket, or 500).
 *
 *   const jwks = await startJwksServer();
 *   const token = await jwks.sign({ sub: 'user_1' });            // EdDSA, iss/aud = jwks.issuer, 15 min
 *   const es = await jwks.sign({ sub: 'u' }, { alg: 'ES256' });
 *   jwks.rotate('EdDSA'); jwks.down = 'reset'; jwks.fetchCount; await jwks.close();
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export type TestAlg = 'EdDSA' | 'ES256' | 'RS256';

interface SigningKey {
  kid: string;
  alg: TestAlg;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface SignOptions {
  alg?: TestAlg;
  /** Overrides the kid in the header (e.g. one the JWKS does not publish). */
  kid?: string;
  /** Extra protected-header fields (e.g. `typ`). */
  header?: Record<string, unknown>;
  /** Seconds from now; default 15 minutes like Better Auth. Ignored when the claims carry `exp`. */
  expiresIn?: number;
  /** Leave out the default iss/aud/exp/iat claims. */
  bare?: boolean;
  /** Sign with the key's previous generation (before the last rotate). */
  previous?: boolean;
}

export interface JwksServer {
  url: string;
  /** The default `iss` and `aud` of signed tokens (the server's base URL, as Better Auth does). */
  issuer: string;
  audience: string;
  fetchCount: number;
  /** `reset`: the socket is destroyed; `error`: 500. */
  down: false | 'reset' | 'error';
  sign(claims: JWTPayload, options?: SignOptions): Promise<string>;
  /** Replaces the key for `alg` with a new one under a new kid; the old one stays signable via `previous`. */
  rotate(alg: TestAlg): Promise<void>;
  /** The published public JWK for `alg`. */
  publicJwk(alg: TestAlg): JWK;
  /** The private key for `alg`, for tests that build tokens by hand. */
  privateKey(alg: TestAlg): CryptoKey;
  close(): Promise<void>;
}

async function newKey(alg: TestAlg): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519', extractable: true } : { extractable: true });
  const kid = randomUUID();
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export async function startJwksServer({ path = '/api/auth/jwks' }: { path?: string } = {}): Promise<JwksServer> {
  const current = new Map<TestAlg, SigningKey>();
  const previous = new Map<TestAlg, SigningKey>();
  for (const alg of ['EdDSA', 'ES256', 'RS256'] as const) current.set(alg, await newKey(alg));
  const sockets = new Set<Socket>();

  // The handler reads and counts on the returned object, so tests see and steer the live values.
  let jwks: JwksServer;
  const server: Server = createServer((req, res) => {
    if (req.url !== path) {
      res.writeHead(404).end();
      return;
    }
    jwks.fetchCount++;
    if (jwks.down === 'reset') return req.socket.destroy();
    if (jwks.down === 'error') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('down');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [...current.values()].map((k) => k.publicJwk) }));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  jwks = {
    url: `${base}${path}`,
    issuer: base,
    audience: base,
    fetchCount: 0,
    down: false,
    async sign(claims, options = {}) {
      const alg = options.alg ?? 'EdDSA';
      const key = (options.previous ? previous : current).get(alg)!;
      const now = Math.floor(Date.now() / 1000);
      const defaults: JWTPayload = options.bare ? {} : { iss: base, aud: base, iat: now, exp: now + (options.expiresIn ?? 15 * 60) };
      // Better Auth sets no `typ`; only what the test asks for goes into the header.
      return new SignJWT({ ...defaults, ...claims }).setProtectedHeader({ alg, kid: options.kid ?? key.kid, ...options.header }).sign(key.privateKey);
    },
    async rotate(alg) {
      previous.set(alg, current.get(alg)!);
      current.set(alg, await newKey(alg));
    },
    publicJwk: (alg) => current.get(alg)!.publicJwk,
    privateKey: (alg) => current.get(alg)!.privateKey,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return jwks;
}
