/**
 * The bench's stand-in identity provider: an Ed25519 key like Better Auth's JWT plugin uses, its public JWKS
 * (served by the mock process), and user JWTs signed with it, plus one with a broken signature for the 401 path.
 */
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

export const ISSUER = 'http://127.0.0.1/bench-identity';
export const AUDIENCE = 'http://127.0.0.1/bench-app';
const KID = 'bench-key-1';

export interface Identity {
  /** `{ keys: [...] }` with the public key. */
  jwks: string;
  /** A signed user JWT for `sub`, valid for an hour. */
  token(sub: string): Promise<string>;
}

export async function createIdentity(): Promise<Identity> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: KID, alg: 'EdDSA', use: 'sig' };
  return {
    jwks: JSON.stringify({ keys: [jwk] }),
    token: (sub) => sign(privateKey, sub),
  };
}

function sign(key: CryptoKey, sub: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', kid: KID })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key);
}

/** The same token with its signature's first character changed: well formed, known kid, wrong signature. */
export function breakSignature(token: string): string {
  const dot = token.lastIndexOf('.') + 1;
  return token.slice(0, dot) + (token[dot] === 'A' ? 'B' : 'A') + token.slice(dot + 1);
}

/** Signed tokens for `count` distinct users, so per-user limits (a product feature) never decide a figure. */
export function userTokens(identity: Identity, count: number): Promise<string[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => identity.token(`bench_user_${i}`)));
}
