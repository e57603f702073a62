import { createHash } from 'node:crypto';
import { jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import type { IdentityKeys } from './identity-keys.js';

export interface DemoUser {
  id: string;
  name: string;
}

/** Better Auth's JWT plugin defaults: 15-minute tokens, EdDSA, `kid` in the header and no `typ`. */
export const TOKEN_LIFETIME_SECONDS = 15 * 60;
export const SESSION_LIFETIME_SECONDS = 12 * 60 * 60;
const SESSION_AUDIENCE = 'demo-session';

/**
 * A stand-in for a site's real sign-in (Better Auth and the like): a name is enough to sign in, and signed-in
 * users get short-lived EdDSA JWTs that the token server verifies through the published JWKS, exactly as it
 * would verify Better Auth's.
 */
export class DemoIdentityProvider {
  constructor(
    private readonly keys: IdentityKeys,
    /** The site's base URL: the tokens' `iss` and `aud`, as Better Auth sets them by default. */
    readonly issuer: string,
  ) {}

  jwks(): JSONWebKeySet {
    return { keys: [this.keys.publicJwk] };
  }

  /** The same name always signs in as the same user, so a returning demo user finds their threads. */
  userFor(name: string): DemoUser {
    const digest = createHash('sha256').update(name.toLowerCase()).digest('hex');
    return { id: `user_${digest.slice(0, 20)}`, name };
  }

  issueToken(user: DemoUser): Promise<string> {
    return new SignJWT({ name: user.name })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.keys.publicJwk.kid! })
      .setSubject(user.id)
      .setIssuer(this.issuer)
      .setAudience(this.issuer)
      .setIssuedAt()
      .setExpirationTime(`${TOKEN_LIFETIME_SECONDS}s`)
      .sign(this.keys.signingKey);
  }

  createSession(user: DemoUser): Promise<string> {
    return new SignJWT({ name: user.name })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setAudience(SESSION_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${SESSION_LIFETIME_SECONDS}s`)
      .sign(this.keys.sessionSecret);
  }

  /** The user a session cookie belongs to, or null when it is missing, forged or expired. */
  async readSession(session: string | undefined): Promise<DemoUser | null> {
    if (!session) return null;
    try {
      const { payload } = await jwtVerify(session, this.keys.sessionSecret, {
        algorithms: ['HS256'],
        audience: SESSION_AUDIENCE,
        requiredClaims: ['sub', 'exp'],
      });
      return typeof payload.name === 'string' ? { id: payload.sub!, name: payload.name } : null;
    } catch {
      return null;
    }
  }
}
