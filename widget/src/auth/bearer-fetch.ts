/**
 * The `fetch` the widget gives ChatKit in custom-backend mode. It runs in the page, adds
 * `Authorization: Bearer <token>` to every request, and when the backend answers 401 it gets a fresh token
 * and sends the request once more. A token still refused goes to `onRejected`; failures a user should hear
 * about (network, 403, 429, 5xx, a full storage quota) go to `report` so the element shows them, and ChatKit still
 * gets the answer.
 */
import type { WidgetError } from '../errors.js';
import { errorFromFetchFailure, errorFromResponse } from './token-server-client.js';

export interface BearerSource {
  /** The token for the next request (undefined: send none, cookies only). `fresh`: the last one was refused. */
  token(fresh: boolean): Promise<string | undefined>;
  onRejected(): void;
  report(error: WidgetError): void;
}

export function bearerFetch(source: BearerSource, credentials: RequestCredentials): typeof fetch {
  return async (input, init) => {
    // A Request body can be read once; keep a copy for the retry.
    const spare = input instanceof Request ? input.clone() : input;
    const send = async (target: RequestInfo | URL, token: string | undefined) => {
      const headers = new Headers(init?.headers ?? (target instanceof Request ? target.headers : undefined));
      if (token) headers.set('authorization', `Bearer ${token}`);
      try {
        return await fetch(target, { ...init, headers, credentials });
      } catch (error) {
        if (!init?.signal?.aborted) source.report(errorFromFetchFailure(error, 'The chat backend'));
        throw error;
      }
    };
    const token = await source.token(false);
    const first = await send(input, token);
    let answer = first;
    if (first.status === 401) {
      const fresh = await source.token(true);
      if (fresh && fresh !== token) answer = await send(spare, fresh);
    }
    if (answer.status === 401) source.onRejected();
    // Other 4xx answers (a thread that is gone, say) are part of the protocol: ChatKit deals with them. A 409 may
    // be a full quota, which ChatKit would show as a bare failure: the user must hear what to do.
    else if (answer.status === 403 || answer.status === 429 || answer.status >= 500)
      source.report(await errorFromResponse(answer.clone(), 'The chat backend'));
    else if (answer.status === 409) {
      const error = await errorFromResponse(answer.clone(), 'The chat backend');
      if (error.code === 'quota_exceeded') source.report(error);
    }
    return answer;
  };
}
