/**
 * Who a request acts for. `userId` is the id ChatKit and the stores scope everything by:
 * a site user's JWT `sub`, or `anon_<random>` for an anonymous visitor.
 */
export interface Principal {
  userId: string;
  kind: 'user' | 'visitor';
}

/**
 * Resolves the `Authorization` header of a request to a principal, or throws an `HttpError` 401
 * (`missing_token`, `invalid_token`, `token_expired`, ...). Used by every endpoint that acts for a user.
 */
export type Authenticate = (authorization: string | undefined) => Promise<Principal>;
