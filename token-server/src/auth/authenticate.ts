/**
 * Turns an `Authorization: Bearer` header into a `Principal`: a site user (their JWT) or an anonymous
 * visitor (an access token this server issued). Every failure is a 401 with a stable code; a key source
 * that cannot be reached is a 503. Nothing of the token reaches the message.
 */
import { decodeProtectedHeader, errors } from 'jose';
import { HttpError } from '../http/errors.js';
import type { Authenticate, Principal } from './principal.js';
import { KeySourceUnavailableError } from './remote-key-set.js';
import { UserTokenRejectedError, type UserTokenVerifier } from './user-tokens.js';
import { ACCESS_TYP, type VisitorTokens } from './visitor-tokens.js';

const unauthorized = (code: string, message: string) =>
  new HttpError(401, code, message, { 'WWW-Authenticate': `Bearer error="${code === 'missing_token' ? 'invalid_request' : 'invalid_token'}"` });

/** Maps a verification failure onto the client-facing error; unknown errors are invalid tokens, never 500s. */
function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof KeySourceUnavailableError) return new HttpError(503, 'auth_keys_unavailable', 'User tokens cannot be verified right now; try again shortly.');
  if (err instanceof UserTokenRejectedError) return unauthorized('invalid_token', err.message);
  if (err instanceof errors.JWTExpired) return unauthorized('token_expired', 'The token has expired; get a new one.');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf' || err.claim === 'iat') return unauthorized('token_not_yet_valid', 'The token is not valid yet.');
    return unauthorized('invalid_token', `The token's "${err.claim}" claim is missing or not accepted.`);
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return unauthorized('invalid_token', 'The token is signed with an algorithm this server does not accept.');
  if (err instanceof errors.JWKSNoMatchingKey) return unauthorized('invalid_token', 'The token is signed by a key this server does not know.');
  if (err instanceof errors.JWSSignatureVerificationFailed) return unauthorized('invalid_token', 'The token signature is not valid.');
  return unauthorized('invalid_token', 'The token is malformed or not accepted.');
}

/** The token from a `Bearer` header, checked for size before anything parses it. */
function bearerToken(authorization: string | undefined, maxTokenBytes: number): string {
  if (!authorization) throw unauthorized('missing_token', 'Send the user token as "Authorization: Bearer <token>".');
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  if (!match) {
    if (/^Bearer\s*$/i.test(authorization)) throw unauthorized('missing_token', 'The Authorization header holds no token.');
    throw unauthorized('invalid_authorization', 'The Authorization header must be "Bearer <token>".');
  }
  const token = match[1]!;
  if (Buffer.byteLength(token) > maxTokenBytes) throw unauthorized('token_too_large', `The token is larger than ${maxTokenBytes} bytes.`);
  return token;
}

export interface AuthenticateOptions {
  /** Absent when user authentication is not configured. */
  users?: UserTokenVerifier;
  visitors: VisitorTokens;
  maxTokenBytes: number;
}

export function createAuthenticate({ users, visitors, maxTokenBytes }: AuthenticateOptions): {
  /** A site user or a visitor (for `POST /api/chatkit`). */
  authenticate: Authenticate;
  /** A site user only (for hosted sessions). */
  authenticateUser: Authenticate;
} {
  const asUser = async (token: string): Promise<Principal> => {
    if (!users) throw unauthorized('auth_not_configured', 'This server does not accept user tokens (no AUTH_JWKS_URL, AUTH_JWT_SECRET or AUTH_JWT_PUBLIC_KEY).');
    return { kind: 'user', userId: await users.verify(token) };
  };
  const wrap = (resolve: (token: string) => Promise<Principal>): Authenticate => async (authorization) => {
    const token = bearerToken(authorization, maxTokenBytes);
    try {
      return await resolve(token);
    } catch (err) {
      throw toHttpError(err);
    }
  };
  return {
    authenticate: wrap(async (token) => {
      // The (signed) `typ` says which verifier to use; each verifier checks it again.
      if (decodeProtectedHeader(token).typ === ACCESS_TYP) return { kind: 'visitor', userId: `anon_${await visitors.verifyAccess(token)}` };
      return asUser(token);
    }),
    authenticateUser: wrap(asUser),
  };
}
