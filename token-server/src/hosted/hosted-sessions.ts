/**
 * Start and refresh of hosted ChatKit sessions for a user id, shared by the signed-in endpoints and the
 * anonymous public endpoint. Each issued secret is remembered by its SHA-256 hash (never the secret)
 * with its owner and session for the secret's lifetime, so a refresh can prove ownership and cancel the
 * session it replaces.
 */
import { hash } from 'node:crypto';
import { HttpError } from '../http/errors.js';
import type { SecretBindingStore } from '../stores/store.js';
import type { SessionClient } from './session-client.js';

export interface IssuedSecret {
  client_secret: string;
  expires_at: number;
}

export interface HostedSessions {
  start(userId: string): Promise<IssuedSecret>;
  /** A new secret for `userId`; 403 `secret_not_owned` when `currentSecret` was issued to someone else. */
  refresh(userId: string, currentSecret: string): Promise<IssuedSecret>;
}

/** The answer of every hosted-session endpoint while OPENAI_API_KEY or CHATKIT_WORKFLOW_ID is unset. */
export const hostedNotConfigured = () =>
  new HttpError(503, 'hosted_not_configured', 'Hosted ChatKit sessions are off; set OPENAI_API_KEY and CHATKIT_WORKFLOW_ID.');

const hashSecret = (secret: string) => hash('sha256', secret, 'hex');

export function createHostedSessions(client: SessionClient, bindings: SecretBindingStore): HostedSessions {
  const start = async (userId: string): Promise<IssuedSecret> => {
    const session = await client.create(userId);
    await bindings.put(hashSecret(session.client_secret), { userId, sessionId: session.id, expiresAt: session.expires_at });
    return { client_secret: session.client_secret, expires_at: session.expires_at };
  };

  return {
    start,
    async refresh(userId, currentSecret) {
      const oldHash = hashSecret(currentSecret);
      const old = await bindings.get(oldHash);
      if (old && old.userId !== userId) {
        throw new HttpError(403, 'secret_not_owned', 'That client secret was issued to someone else.');
      }
      // An unknown secret (expired, or issued before a restart) simply gets a fresh session.
      const issued = await start(userId);
      if (old) {
        await bindings.delete(oldHash);
        await client.cancel(old.sessionId);
      }
      return issued;
    },
  };
}
