/**
 * The sentences for failures the lazy chunk meets (ChatKit's script, the token server, the backend, sign-in), in
 * the same locales as strings.ts; they load with the chunk, so the loader stays small.
 */
import type { WidgetErrorCode } from '../errors.js';
import { pickLocale } from './pick-locale.js';

type FailureStrings = Partial<Record<WidgetErrorCode, string>>;

const catalog: Record<string, FailureStrings> & { en: FailureStrings } = {
  en: {
    auth_required: 'Please sign in to chat.',
    network_error: 'The chat server cannot be reached. Check your connection.',
    timeout: 'The chat server took too long to answer.',
    forbidden: 'This site is not allowed to use this chat.',
    rate_limited: 'Too many requests. Please wait a moment.',
    quota_exceeded: 'This chat has no room for more messages. Delete older conversations to continue.',
    not_configured: 'The chat is not available right now.',
    server_error: 'The chat server had a problem.',
  },
  fr: {
    auth_required: 'Connectez-vous pour discuter.',
    network_error: 'Le serveur du chat est injoignable. Vérifiez votre connexion.',
    timeout: 'Le serveur du chat a mis trop de temps à répondre.',
    forbidden: 'Ce site n’est pas autorisé à utiliser ce chat.',
    rate_limited: 'Trop de demandes. Patientez un instant.',
    quota_exceeded: 'Ce chat n’a plus de place pour de nouveaux messages. Supprimez d’anciennes conversations pour continuer.',
    not_configured: 'Le chat n’est pas disponible pour le moment.',
    server_error: 'Le serveur du chat a rencontré un problème.',
  },
};

/** The sentence for a failure the chunk meets; undefined for the loader's own (strings.ts `loaderFailureText`). */
export function failureText(locale: string, code: WidgetErrorCode): string | undefined {
  return pickLocale(catalog, locale)[code];
}
