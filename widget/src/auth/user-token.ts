/**
 * The signed-in user's JWT, from the element's `getAuthToken` property, else the `auth-token` attribute.
 * A token from `getAuthToken` is cached until shortly before its `exp`, and concurrent asks share one call.
 */
import { TokenCache } from './token-cache.js';
import type { GetAuthToken } from './types.js';

/** The JWT's claims, read without verifying (the server verifies); empty if unreadable. */
function jwtClaims(token: string): { exp?: unknown; sub?: unknown } {
  try {
    const payload = token.split('.')[1] ?? '';
    return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) ?? {};
  } catch {
    return {};
  }
}

/** The JWT's `exp` in unix milliseconds; undefined if unreadable. */
export function jwtExpiry(token: string): number | undefined {
  const { exp } = jwtClaims(token);
  return typeof exp === 'number' ? exp * 1000 : undefined;
}

/** The `owner` of a signed-in plan: the JWT's `sub`, or plain `user` when only cookies say who it is. */
export function ownerOf(token: string | undefined): string {
  const sub = token ? jwtClaims(token).sub : undefined;
  return typeof sub === 'string' ? `user:${sub}` : 'user';
}

const NO_USER = new Error('no signed-in user');

export class UserToken {
  readonly #cache = new TokenCache();

  constructor(
    private readonly getAuthToken: GetAuthToken | undefined,
    private readonly staticToken: string | undefined,
  ) {}

  /** The user's token, or undefined when no one is signed in. `fresh` asks the page again (after a 401). */
  async get(fresh = false): Promise<string | undefined> {
    const ask = this.getAuthToken;
    if (!ask) return this.staticToken;
    try {
      return await this.#cache.get(
        async () => {
          const token = await ask();
          if (!token) throw NO_USER;
          return { token, expiresAt: jwtExpiry(token) };
        },
        { fresh },
      );
    } catch {
      // No token, or the page's function failed: either way there is no signed-in user to send.
      return this.staticToken;
    }
  }

  clear(): void {
    this.#cache.clear();
  }
}
