/**
 * What an auth strategy hands the options builder: the shape of ChatKit's `api` (hosted or custom) with
 * the callbacks that fetch and renew credentials, plus what strategies need from the element.
 */
import type { WidgetConfig } from '../config/widget-config.js';
import type { WidgetError } from '../errors.js';

export type ApiPlan = (
  | { kind: 'hosted'; getClientSecret(currentClientSecret: string | null): Promise<string> }
  | { kind: 'custom'; url: string; domainKey: string; fetch: typeof fetch }
) & {
  /**
   * Whom the credentials speak for (`user:<sub>`, `user`, or `visitor`): the persisted thread is kept per
   * owner, so the next person on a shared browser never reopens the previous one's thread. Not a security
   * boundary (the server enforces ownership); the JWT is read unverified for this alone.
   */
  owner: string;
};

/** The page's source of the signed-in user's JWT (Better Auth's `authClient.token()`, say). */
export type GetAuthToken = () => Promise<string | null | undefined> | string | null | undefined;

export interface AuthContext {
  config: WidgetConfig;
  getAuthToken?: GetAuthToken;
  /** A failure inside a ChatKit callback (ChatKit would only log it): show it and emit it. */
  report(error: WidgetError): void;
  /** After ChatKit started, the api must change (a signed-in session fell back to public access). */
  replacePlan(plan: ApiPlan): void;
}

export interface AuthStrategy {
  /** Obtains the first credentials (so failures show before ChatKit loads) and returns the api to use. */
  prepare(): Promise<ApiPlan>;
}
