/**
 * `POST /api/chatkit/public`: anonymous access for pages that use a publishable key. The key must be
 * known and the request's `Origin` one of the key's origins (checked here, whatever CORS says). Each
 * visitor gets a random id inside a signed `visitor_token`; a returning visitor keeps that id, and an
 * invalid or foreign token just means a new visitor. The answer depends on the configured backend:
 * a hosted client secret for `anon_<id>`, or a short-lived access token for `POST /api/chatkit`.
 *
 * Limits are chosen so that nobody can switch anonymous chat off for everyone: `Origin` can be forged by any
 * non-browser client, so the budgets shared by a whole key count only *new* visitor identities (per client
 * address, IPv6 by prefix, and per key); a returning visitor is counted only against their own budget, and
 * so is never refused because of other visitors' traffic.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { VisitorTokens } from '../auth/visitor-tokens.js';
import type { Config } from '../config.js';
import { hostedNotConfigured, type HostedSessions } from '../hosted/hosted-sessions.js';
import { HttpError } from '../http/errors.js';
import { isLoopbackOrigin, requestBaseUrl } from '../http/origin.js';
import { clientAddress, consumeRateLimit, type RateLimitRule } from '../http/rate-limit.js';
import { parseBody } from '../http/validate.js';
import type { RateLimitStore } from '../stores/store.js';

export interface PublicAccessOptions {
  config: Pick<Config, 'publicKeys' | 'publicUrl' | 'chatkit'>;
  visitors: VisitorTokens;
  /** Absent when hosted sessions are not configured. */
  hostedSessions?: HostedSessions;
  rateLimits: RateLimitStore;
  /** New visitors per client address. */
  perIp: RateLimitRule;
  /** New visitors per publishable key. */
  perKey: RateLimitRule;
  /** Requests per returning visitor. */
  perVisitor: RateLimitRule;
  ipv6PrefixBits: number;
}

const publicBody = z
  .object({
    public_key: z.string().min(1).max(200),
    visitor_token: z.string().min(1).max(2048).optional(),
    currentClientSecret: z.string().min(1).max(4096).optional(),
  })
  .strict();

export const PUBLIC_ACCESS_PATH = '/api/chatkit/public';

/** ChatKit accepts any placeholder domain key on localhost; public hosts need a registered one. */
const LOCAL_DOMAIN_KEY = 'local-dev';

export function publicAccessRoutes(options: PublicAccessOptions): Router {
  const { config, visitors, hostedSessions, rateLimits, perIp, perKey, perVisitor, ipv6PrefixBits } = options;
  const origins = new Map(config.publicKeys.map((entry) => [entry.key, new Set(entry.origins)]));
  const router = Router();

  router.post(PUBLIC_ACCESS_PATH, async (req, res) => {
    if (origins.size === 0) throw new HttpError(503, 'public_access_not_configured', 'Anonymous access is off; set PUBLIC_KEYS.');
    const body = parseBody(publicBody, req.body);
    const allowed = origins.get(body.public_key);
    if (!allowed) throw new HttpError(403, 'unknown_public_key', 'This public key is not known to the server.');
    const origin = req.get('origin');
    if (!origin || !allowed.has(origin)) throw new HttpError(403, 'origin_not_allowed', 'This public key may not be used from this page origin.');

    let visitorId = await visitors.readVisitor(body.visitor_token, body.public_key);
    if (visitorId) {
      await consumeRateLimit(rateLimits, perVisitor, visitorId);
    } else {
      await consumeRateLimit(rateLimits, perIp, clientAddress(req, ipv6PrefixBits));
      await consumeRateLimit(rateLimits, perKey, body.public_key);
      visitorId = visitors.newVisitorId();
    }
    const visitor_token = await visitors.issueVisitor(visitorId, body.public_key);

    if (config.chatkit.backend === 'hosted') {
      if (!hostedSessions) throw hostedNotConfigured();
      const userId = `anon_${visitorId}`;
      const issued = body.currentClientSecret
        ? await hostedSessions.refresh(userId, body.currentClientSecret)
        : await hostedSessions.start(userId);
      res.json({ mode: 'hosted', ...issued, visitor_token });
      return;
    }

    const domain_key = config.chatkit.domainKey ?? (isLoopbackOrigin(origin) ? LOCAL_DOMAIN_KEY : undefined);
    if (!domain_key) throw new HttpError(503, 'domain_key_not_configured', 'The custom backend needs CHATKIT_DOMAIN_KEY for pages outside localhost.');
    const access = await visitors.issueAccess(visitorId);
    res.json({
      mode: 'custom',
      api_url: `${requestBaseUrl(req, config.publicUrl)}/api/chatkit`,
      domain_key,
      token: access.token,
      expires_at: access.expiresAt,
      visitor_token,
    });
  });
  return router;
}
