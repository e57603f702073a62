/**
 * The signed tokens in attachment URLs (HS256 with the server's signing key, so every instance accepts them):
 * an upload token (5 minutes; single use is the record's status, not the token) and a preview token (1 hour). Each
 * binds the user and the attachment, and has its own `typ` and audience, so neither passes as the other or as a
 * visitor or access token.
 */
import { jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../../clock.js';
import { SERVER_ISSUER } from '../../auth/visitor-tokens.js';

export const UPLOAD_TTL_SECONDS = 5 * 60;
export const PREVIEW_TTL_SECONDS = 60 * 60;

type Purpose = 'upload' | 'preview';
const TYP: Record<Purpose, string> = { upload: 'ckw-upload+jwt', preview: 'ckw-preview+jwt' };
const AUDIENCE: Record<Purpose, string> = { upload: 'chat-kit-widget/upload', preview: 'chat-kit-widget/preview' };
const TTL: Record<Purpose, number> = { upload: UPLOAD_TTL_SECONDS, preview: PREVIEW_TTL_SECONDS };

export interface AttachmentGrant {
  userId: string;
  attachmentId: string;
}

export interface AttachmentTokens {
  issue(purpose: Purpose, grant: AttachmentGrant): Promise<string>;
  /** The grant of a valid, unexpired token for `purpose`; undefined for anything else. */
  read(purpose: Purpose, token: string): Promise<AttachmentGrant | undefined>;
}

export function createAttachmentTokens(key: Uint8Array, clock: Clock): AttachmentTokens {
  const nowSeconds = () => Math.floor(clock.now() / 1000);
  return {
    issue: (purpose, { userId, attachmentId }) =>
      new SignJWT({ att: attachmentId })
        .setProtectedHeader({ alg: 'HS256', typ: TYP[purpose] })
        .setIssuer(SERVER_ISSUER)
        .setAudience(AUDIENCE[purpose])
        .setSubject(userId)
        .setIssuedAt(nowSeconds())
        .setExpirationTime(nowSeconds() + TTL[purpose])
        .sign(key),
    async read(purpose, token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          typ: TYP[purpose],
          issuer: SERVER_ISSUER,
          audience: AUDIENCE[purpose],
          requiredClaims: ['exp', 'sub', 'att'],
          currentDate: new Date(clock.now()),
        });
        return typeof payload.att === 'string' ? { userId: payload.sub!, attachmentId: payload.att } : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
