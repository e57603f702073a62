/**
 * `custom-fetch` mode: ChatKit talks to our own backend (`api-url`) through a `fetch` that sends the
 * signed-in user's JWT on every request. With no user, or when the backend keeps refusing the token,
 * the widget falls back to public access.
 */
import { bearerFetch } from './bearer-fetch.js';
import { fallBackWhileRunning, withoutSignedInUser } from './fallback.js';
import type { ApiPlan, AuthContext, AuthStrategy } from './types.js';
import { ownerOf, UserToken } from './user-token.js';

export class CustomFetchAuth implements AuthStrategy {
  readonly #user: UserToken;
  /** Fall back once, however many requests are refused at the same time. */
  #fellBack = false;

  constructor(private readonly ctx: AuthContext) {
    this.#user = new UserToken(ctx.getAuthToken, ctx.config.authToken);
  }

  async prepare(): Promise<ApiPlan> {
    const { config } = this.ctx;
    const token = await this.#user.get();
    if (!token && config.credentials !== 'include') return withoutSignedInUser(this.ctx);
    return {
      kind: 'custom',
      owner: ownerOf(token),
      url: config.apiUrl,
      // readConfig guarantees a domain key in this mode.
      domainKey: config.domainKey ?? '',
      fetch: bearerFetch(
        {
          token: (fresh) => this.#user.get(fresh),
          onRejected: () => {
            if (this.#fellBack) return;
            this.#fellBack = true;
            void fallBackWhileRunning(this.ctx);
          },
          report: (error) => this.ctx.report(error),
        },
        config.credentials,
      ),
    };
  }
}
