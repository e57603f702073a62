/**
 * `client-secret` mode: ChatKit's hosted api. The first secret comes from `POST {server}/api/chatkit/start`
 * for the signed-in user (fetched while ChatKit loads); renewals from `POST /api/chatkit/refresh` with the
 * current secret. A 401 retries once with a fresh user token, then falls back to public access.
 */
import { isWidgetError, WidgetError } from '../errors.js';
import { fallBackWhileRunning, withoutSignedInUser } from './fallback.js';
import { fromUnixSeconds, TokenCache, type ExpiringToken } from './token-cache.js';
import { postJson } from './token-server-client.js';
import type { ApiPlan, AuthContext, AuthStrategy } from './types.js';
import { ownerOf, UserToken } from './user-token.js';

interface SessionAnswer {
  client_secret: string;
  expires_at?: number;
}

export class ClientSecretAuth implements AuthStrategy {
  readonly #secrets = new TokenCache();
  readonly #user: UserToken;

  constructor(private readonly ctx: AuthContext) {
    this.#user = new UserToken(ctx.getAuthToken, ctx.config.authToken);
  }

  async prepare(): Promise<ApiPlan> {
    const token = await this.#user.get();
    if (!token && this.ctx.config.credentials !== 'include') return withoutSignedInUser(this.ctx);
    try {
      await this.#secrets.get(() => this.#session(null));
    } catch (error) {
      if (isWidgetError(error) && error.code === 'unauthorized') return withoutSignedInUser(this.ctx);
      throw error;
    }
    return { kind: 'hosted', owner: ownerOf(token), getClientSecret: (current) => this.#getClientSecret(current) };
  }

  async #getClientSecret(current: string | null): Promise<string> {
    try {
      return await this.#secrets.get(() => this.#session(current), { fresh: current !== null });
    } catch (error) {
      if (!isWidgetError(error)) throw error;
      if (error.code !== 'unauthorized') {
        this.ctx.report(error);
        throw error;
      }
      const plan = await fallBackWhileRunning(this.ctx);
      if (plan?.kind === 'hosted') return plan.getClientSecret(null);
      throw error;
    }
  }

  /** Start (no current secret) or refresh, retrying once with a fresh user token after a 401. */
  async #session(current: string | null): Promise<ExpiringToken> {
    const { server, credentials } = this.ctx.config;
    const call = (bearer: string | undefined) =>
      postJson<SessionAnswer>(
        current === null
          ? { url: `${server}/api/chatkit/start`, bearer, credentials }
          : { url: `${server}/api/chatkit/refresh`, body: { currentClientSecret: current }, bearer, credentials },
      );
    const token = await this.#user.get();
    let answer: SessionAnswer;
    try {
      answer = await call(token);
    } catch (error) {
      const fresh = isWidgetError(error) && error.code === 'unauthorized' ? await this.#user.get(true) : undefined;
      if (!fresh || fresh === token) throw error;
      answer = await call(fresh);
    }
    if (typeof answer?.client_secret !== 'string') throw new WidgetError('invalid_response', 'The token server sent no client_secret.');
    return { token: answer.client_secret, expiresAt: fromUnixSeconds(answer.expires_at) };
  }
}
