/**
 * Verification of the site's user JWTs with jose: from a remote JWKS, an HS secret or a PEM public key,
 * with the algorithms pinned by configuration, `exp` and `sub` required, `iss`/`aud` checked when
 * configured and a small clock tolerance.
 */
import { createPublicKey } from 'node:crypto';
import { jwtVerify, type JWTVerifyResult } from 'jose';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { UserAuthConfig } from '../config.js';
import { RemoteKeySet } from './remote-key-set.js';
import { VerifiedTokens } from './verified-tokens.js';
import { ACCESS_TYP, VISITOR_TYP } from './visitor-tokens.js';

export interface UserTokenVerifier {
  /** The user id (`sub`) of a valid token; throws jose errors (or `KeySourceUnavailableError`) otherwise. */
  verify(token: string): Promise<string>;
  /** Whether the key source can verify tokens now (for /readyz). */
  ready(): Promise<boolean>;
}

export class UserTokenRejectedError extends Error {
  override name = 'UserTokenRejectedError';
}

const CLOCK_TOLERANCE_SECONDS = 30;
const MAX_SUB_LENGTH = 256;
/** Verified tokens remembered (about 1 KB each at most). */
const MAX_VERIFIED_TOKENS = 10_000;

export function createUserTokenVerifier(
  config: UserAuthConfig,
  deps: { fetch: typeof fetch; clock: Clock; logger: Logger },
): UserTokenVerifier {
  const { source } = config;
  const options = () => ({
    algorithms: config.algorithms,
    issuer: config.issuer,
    audience: config.audience,
    requiredClaims: ['exp', 'sub'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    currentDate: new Date(deps.clock.now()),
  });
  let verifyJwt: (token: string) => Promise<JWTVerifyResult>;
  let ready = async () => true;
  // A key given in the configuration never changes.
  let keysVersion = (): number | undefined => 0;
  if (source.kind === 'jwks') {
    const keySet = new RemoteKeySet(source.url, deps);
    verifyJwt = (token) => jwtVerify(token, keySet.getKey, options());
    ready = () => keySet.ready();
    keysVersion = () => keySet.version;
  } else {
    const key = source.kind === 'secret' ? new TextEncoder().encode(source.secret) : createPublicKey(source.pem);
    verifyJwt = (token) => jwtVerify(token, key, options());
  }

  const verified = new VerifiedTokens(MAX_VERIFIED_TOKENS);
  const nowSeconds = () => Math.floor(deps.clock.now() / 1000);

  return {
    ready,
    async verify(token) {
      const versionBefore = keysVersion();
      const known = versionBefore === undefined ? undefined : verified.userId(token, versionBefore, nowSeconds());
      if (known) return known;
      const { payload, protectedHeader } = await verifyJwt(token);
      // The server's own tokens are never user tokens, even where a site reuses one secret for both.
      if (protectedHeader.typ === VISITOR_TYP || protectedHeader.typ === ACCESS_TYP) {
        throw new UserTokenRejectedError('This is a visitor token, not a user token.');
      }
      const sub = payload.sub!;
      // `anon_` ids belong to anonymous visitors; a user with one could read a visitor's threads.
      if (!sub || sub.length > MAX_SUB_LENGTH || sub.startsWith('anon_')) {
        throw new UserTokenRejectedError('The token\'s "sub" claim is not a usable user id.');
      }
      // Remembered only when one key set did the whole check (a refetch while it ran could have dropped the key).
      const version = keysVersion();
      if (version !== undefined && version === versionBefore) {
        verified.add(token, {
          userId: sub,
          // jose's rules at whole seconds: `nbf <= now + tolerance` and `exp > now - tolerance`.
          fromSeconds: payload.nbf === undefined ? -Infinity : Math.ceil(payload.nbf - CLOCK_TOLERANCE_SECONDS),
          untilSeconds: Math.ceil(payload.exp! + CLOCK_TOLERANCE_SECONDS) - 1,
          keysVersion: version,
        });
      }
      return sub;
    },
  };
}
