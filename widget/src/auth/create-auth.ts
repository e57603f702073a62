/** Picks the auth strategy for the element's `auth-mode`. */
import { ClientSecretAuth } from './client-secret.js';
import { CustomFetchAuth } from './custom-fetch.js';
import { PublicAccess } from './public-access.js';
import type { AuthContext, AuthStrategy } from './types.js';

export function createAuth(ctx: AuthContext): AuthStrategy {
  switch (ctx.config.authMode) {
    case 'client-secret':
      return new ClientSecretAuth(ctx);
    case 'custom-fetch':
      return new CustomFetchAuth(ctx);
    case 'direct-token':
      return new PublicAccess(ctx);
  }
}
