/**
 * Anonymous access (`direct-token`, and the fallback of the signed-in modes): the publishable key buys a
 * hosted client secret or a custom-backend access token from `POST {server}/api/chatkit/public`, as the
 * server is configured. A pre-minted `client-secret` attribute is used first, and renewed the same way.
 */
import { isWidgetError, WidgetError } from '../errors.js';
import { bearerFetch } from './bearer-fetch.js';
import { fromUnixSeconds, TokenCache, type ExpiringToken } from './token-cache.js';
import { postJson } from './token-server-client.js';
import type { ApiPlan, AuthContext, AuthStrategy } from './types.js';
import { readVisitorToken, writeVisitorToken } from './visitor-token.js';

type PublicAnswer =
  | { mode: 'hosted'; client_secret: string; expires_at?: number; visitor_token?: string }
  | { mode: 'custom'; api_url: string; domain_key: string; token: string; expires_at?: number; visitor_token?: string };

function isPublicAnswer(value: unknown): value is PublicAnswer {
  const answer = value as Record<string, unknown> | null;
  if (!answer || typeof answer !== 'object') return false;
  if (answer.mode === 'hosted') return typeof answer.client_secret === 'string';
  return answer.mode === 'custom' && typeof answer.api_url === 'string' && typeof answer.domain_key === 'string' && typeof answer.token === 'string';
}

/** Visitors are told apart by their visitor token, which is already kept per server and key. */
const VISITOR = 'visitor';

export class PublicAccess implements AuthStrategy {
  readonly #cache = new TokenCache();

  constructor(private readonly ctx: AuthContext) {
    if (ctx.config.clientSecret) this.#cache.set({ token: ctx.config.clientSecret });
  }

  async prepare(): Promise<ApiPlan> {
    if (this.#cache.peek() !== undefined) return this.#hostedPlan();
    const answer = await this.#ask(undefined);
    this.#cache.set(this.#tokenOf(answer));
    if (answer.mode === 'hosted') return this.#hostedPlan();
    return {
      kind: 'custom',
      owner: VISITOR,
      url: answer.api_url,
      domainKey: answer.domain_key,
      fetch: bearerFetch(
        {
          token: (fresh) => this.#cache.get(async () => this.#tokenOf(await this.#ask(undefined)), { fresh }),
          onRejected: () => this.ctx.report(new WidgetError('unauthorized', 'The chat backend refused the visitor token.', 401)),
          report: (error) => this.ctx.report(error),
        },
        'omit',
      ),
    };
  }

  #hostedPlan(): ApiPlan {
    return {
      kind: 'hosted',
      owner: VISITOR,
      getClientSecret: (current) => {
        const renew = async () => this.#tokenOf(await this.#ask(current ?? undefined));
        return this.#cache.get(renew, { fresh: current !== null }).catch((error: unknown) => {
          if (isWidgetError(error)) this.ctx.report(error);
          throw error;
        });
      },
    };
  }

  #tokenOf(answer: PublicAnswer): ExpiringToken {
    return { token: answer.mode === 'hosted' ? answer.client_secret : answer.token, expiresAt: fromUnixSeconds(answer.expires_at) };
  }

  async #ask(currentClientSecret: string | undefined): Promise<PublicAnswer> {
    const { server, publicKey } = this.ctx.config;
    if (!publicKey)
      throw new WidgetError('unauthorized', 'The pre-minted client secret expired and no public-key is set to renew it.');
    const body: Record<string, string> = { public_key: publicKey };
    const visitorToken = readVisitorToken(server, publicKey);
    if (visitorToken) body.visitor_token = visitorToken;
    if (currentClientSecret) body.currentClientSecret = currentClientSecret;
    // No cookies: anonymous access must not depend on (or leak) the visitor's session with the server.
    const answer = await postJson<unknown>({ url: `${server}/api/chatkit/public`, body, credentials: 'omit' });
    if (!isPublicAnswer(answer)) throw new WidgetError('invalid_response', 'The token server sent an unexpected public access answer.');
    if (answer.visitor_token) writeVisitorToken(server, publicKey, answer.visitor_token);
    return answer;
  }
}
