/**
 * The server's own EdDSA (Ed25519) key for JWTs that others verify: the per-call user tokens it forwards to MCP
 * servers. The key is derived from the signing key (HKDF), so every instance given the same `SIGNING_KEY` signs
 * alike and publishes the same `GET /.well-known/jwks.json`; nothing new to configure or to keep in sync.
 */
import { createHash, createPrivateKey, createPublicKey, hkdfSync, type KeyObject } from 'node:crypto';
import { Router } from 'express';
import { exportJWK, SignJWT, type JWK } from 'jose';
import type { Clock } from '../clock.js';

export const JWKS_PATH = '/.well-known/jwks.json';
/** Forwarded tokens live long enough for one tool call, never more. */
const FORWARDED_TTL_SECONDS = 5 * 60;
// PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface ServerKeys {
  /** A JWT naming `subject` for the audience `audience` (an MCP server's name), issued by `issuer`. */
  mintForwardedUserToken(claims: { subject: string; audience: string; issuer: string }): Promise<string>;
  jwks(): { keys: JWK[] };
}

export async function createServerKeys(signingKey: Uint8Array, clock: Clock): Promise<ServerKeys> {
  const seed = Buffer.from(hkdfSync('sha256', signingKey, 'chat-kit-widget', 'ed25519 forwarded-user key v1', 32));
  const privateKey: KeyObject = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicJwk = await exportJWK(createPublicKey(privateKey));
  // A key id from the public key: stable for one signing key, new when it changes.
  const kid = createHash('sha256').update(publicJwk.x!).digest('base64url').slice(0, 16);
  const jwks = { keys: [{ ...publicJwk, kid, alg: 'EdDSA', use: 'sig' }] };

  return {
    async mintForwardedUserToken({ subject, audience, issuer }) {
      const issuedAt = Math.floor(clock.now() / 1000);
      return new SignJWT({})
        .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(subject)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + FORWARDED_TTL_SECONDS)
        .sign(privateKey);
    },
    jwks: () => jwks,
  };
}

/** `GET /.well-known/jwks.json`: the public half, cacheable for a while (it changes only with SIGNING_KEY). */
export function jwksRoutes(keys: ServerKeys): Router {
  const router = Router();
  router.get(JWKS_PATH, (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.json(keys.jwks());
  });
  return router;
}
