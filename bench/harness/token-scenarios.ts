/**
 * The token-server requests the bench sends, as autocannon requests. Chained ones (refresh, returning visitor)
 * take what an earlier answer gave from a shared pool, so each secret or visitor token is used once, in order.
 */
import type autocannon from 'autocannon';
import { breakSignature, type Identity } from './identity.js';
import { PUBLIC_KEY, SITE_ORIGIN } from './stack.js';

export interface Scenario {
  name: string;
  expectedStatus: number;
  request: autocannon.Request;
  /** The bare-Express route doing the same upstream calls and nothing else, when the scenario calls upstream. */
  upstreamFloor?: autocannon.Request;
}

const json = { 'content-type': 'application/json', origin: SITE_ORIGIN };

/** A request that sends the body `next(pooled)` and pools what `take(answer)` picks from a 200 answer. */
function chained(path: string, headers: Record<string, string>, body: (pooled: string | undefined) => object, take: (answer: any) => string): autocannon.Request {
  const pool: string[] = [];
  return {
    method: 'POST',
    path,
    headers,
    setupRequest: (req) => ({ ...req, body: JSON.stringify(body(pool.pop())) }),
    onResponse: (status, text) => {
      if (status === 200) pool.push(take(JSON.parse(text)));
    },
  };
}

/**
 * `/start` with a different user's JWT on each request (cycling through `tokens`), so the server verifies each one
 * in full instead of finding it among the tokens it verified before. `used()` says how many were sent.
 */
export function startWithNewTokens(tokens: string[]): Scenario & { used(): number } {
  let sent = 0;
  return {
    name: '/start, a new JWT each',
    expectedStatus: 200,
    request: {
      method: 'POST',
      path: '/api/chatkit/start',
      body: '{}',
      setupRequest: (req) => ({ ...req, headers: { ...json, authorization: `Bearer ${tokens[sent++ % tokens.length]}` } }),
    },
    upstreamFloor: { method: 'POST', path: '/sdk-session' },
    used: () => sent,
  };
}

/** `/start` first (the suites use it alone too), then `/refresh`, `/public` and the 401 path. */
export async function tokenScenarios(identity: Identity): Promise<Scenario[]> {
  const token = await identity.token('user_bench');
  const user = { ...json, authorization: `Bearer ${token}` };
  // The pool starts empty: until a secret comes back, the chain's first request refreshes an unknown secret,
  // which the server answers with a fresh session (as it does after a restart).
  const refresh = chained('/api/chatkit/refresh', user, (secret) => ({ currentClientSecret: secret ?? 'ek_unknown' }), (a) => a.client_secret);
  const visitor = chained(
    '/api/chatkit/public',
    json,
    (visitorToken) => ({ public_key: PUBLIC_KEY, ...(visitorToken && { visitor_token: visitorToken }) }),
    (a) => a.visitor_token,
  );
  return [
    {
      name: '/start',
      expectedStatus: 200,
      request: { method: 'POST', path: '/api/chatkit/start', headers: user, body: '{}' },
      upstreamFloor: { method: 'POST', path: '/sdk-session' },
    },
    // A refresh creates a session and cancels the old one: two upstream calls.
    { name: '/refresh', expectedStatus: 200, request: refresh, upstreamFloor: { method: 'POST', path: '/sdk-session?cancel=1' } },
    { name: '/public (returning visitor)', expectedStatus: 200, request: visitor },
    {
      name: '401 bad signature',
      expectedStatus: 401,
      request: { method: 'POST', path: '/api/chatkit/start', headers: { ...user, authorization: `Bearer ${breakSignature(token)}` }, body: '{}' },
    },
  ];
}
