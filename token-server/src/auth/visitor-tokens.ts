/**
 * Tokens this server signs for anonymous visitors (HS256 with the server's signing key):
 * - the long-lived `visitor_token`, which carries a random visitor id and the public key it was issued
 *   for, so a returning visitor keeps the same id (and so their threads);
 * - short-lived access tokens that let that visitor call `POST /api/chatkit`.
 * Each kind has its own `typ` and audience, and both differ from anything a site's user JWT carries,
 * so one kind can never pass as another.
 */
import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../clock.js';

export const SERVER_ISSUER = 'chat-kit-widget';
export const VISITOR_TYP = 'ckw-visitor+jwt';
export const ACCESS_TYP = 'ckw-access+jwt';
const VISITOR_AUDIENCE = 'chat-kit-widget/visitor';
const ACCESS_AUDIENCE = 'chat-kit-widget/api';
const VISITOR_TTL_SECONDS = 365 * 24 * 3600;
const ACCESS_TTL_SECONDS = 15 * 60;
const VISITOR_ID = /^[A-Za-z0-9_-]{22}$/;

export interface VisitorTokens {
  newVisitorId(): string;
  /** The visitor id inside a valid visitor token issued for `publicKey`; undefined for anything else. */
  readVisitor(token: string | undefined, publicKey: string): Promise<string | undefined>;
  issueVisitor(visitorId: string, publicKey: string): Promise<string>;
  issueAccess(visitorId: string): Promise<{ token: string; expiresAt: number }>;
  /** The visitor id of a valid access token; throws jose errors otherwise. */
  verifyAccess(token: string): Promise<string>;
}

export function createVisitorTokens(key: Uint8Array, clock: Clock): VisitorTokens {
  const nowSeconds = () => Math.floor(clock.now() / 1000);
  const sign = (typ: string, audience: string, subject: string, expiresAt: number, claims: Record<string, string> = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ })
      .setIssuer(SERVER_ISSUER)
      .setAudience(audience)
      .setSubject(subject)
      .setIssuedAt(nowSeconds())
      .setExpirationTime(expiresAt)
      .sign(key);
  const verify = (token: string, typ: string, audience: string) =>
    jwtVerify(token, key, {
      algorithms: ['HS256'],
      typ,
      issuer: SERVER_ISSUER,
      audience,
      requiredClaims: ['exp', 'sub'],
      currentDate: new Date(clock.now()),
    });

  return {
    newVisitorId: () => randomBytes(16).toString('base64url'),
    async readVisitor(token, publicKey) {
      if (!token) return undefined;
      try {
        const { payload } = await verify(token, VISITOR_TYP, VISITOR_AUDIENCE);
        return payload.pk === publicKey && VISITOR_ID.test(payload.sub!) ? payload.sub : undefined;
      } catch {
        return undefined;
      }
    },
    issueVisitor: (visitorId, publicKey) => sign(VISITOR_TYP, VISITOR_AUDIENCE, visitorId, nowSeconds() + VISITOR_TTL_SECONDS, { pk: publicKey }),
    async issueAccess(visitorId) {
      const expiresAt = nowSeconds() + ACCESS_TTL_SECONDS;
      return { token: await sign(ACCESS_TYP, ACCESS_AUDIENCE, visitorId, expiresAt), expiresAt };
    },
    async verifyAccess(token) {
      const { payload } = await verify(token, ACCESS_TYP, ACCESS_AUDIENCE);
      if (!VISITOR_ID.test(payload.sub!)) throw new Error('not a visitor id');
      return payload.sub!;
    },
  };
}
