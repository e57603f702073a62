/**
 * What the signed-in modes do when there is no signed-in user (no token, or the server says 401): the
 * anonymous public path when a `public-key` is set, else `auth_required` (the element asks the user to sign in).
 */
import { WidgetError } from '../errors.js';
import { PublicAccess } from './public-access.js';
import type { ApiPlan, AuthContext } from './types.js';

export function withoutSignedInUser(ctx: AuthContext): Promise<ApiPlan> {
  if (ctx.config.publicKey) return new PublicAccess(ctx).prepare();
  return Promise.reject(new WidgetError('auth_required', 'Sign in to use the chat: no user token was given and no public-key is set.', 401));
}

/** The same, once ChatKit is running: swap its api for the public one, or ask the user to sign in. */
export function fallBackWhileRunning(ctx: AuthContext): Promise<ApiPlan | undefined> {
  return withoutSignedInUser(ctx).then(
    (plan) => {
      ctx.replacePlan(plan);
      return plan;
    },
    (error: WidgetError) => {
      ctx.report(error);
      return undefined;
    },
  );
}
