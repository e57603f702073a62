/**
 * The widget's own words (launcher, panel, loading, errors). ChatKit translates its own UI from `locale`;
 * these follow the same locale: the exact tag, then its language, then English.
 */
import type { WidgetErrorCode } from '../errors.js';
import { pickLocale } from './pick-locale.js';

export interface WidgetStrings {
  openChat: string;
  closeChat: string;
  chat: string;
  loading: string;
  retry: string;
  signIn: string;
  /** For codes without their own sentence. */
  failed: string;
  errors: Partial<Record<WidgetErrorCode, string>>;
}

const catalog = {
  en: {
    openChat: 'Open chat',
    closeChat: 'Close chat',
    chat: 'Chat',
    loading: 'Loading chat…',
    retry: 'Try again',
    signIn: 'Please sign in to chat.',
    failed: 'The chat could not start.',
    errors: {
      invalid_attribute: 'The chat is not set up correctly.',
      chatkit_unavailable: 'The chat could not load. Check your connection.',
      widget_unavailable: 'The chat could not load. Check your connection.',
      network_error: 'The chat server cannot be reached. Check your connection.',
      timeout: 'The chat server took too long to answer.',
      forbidden: 'This site is not allowed to use this chat.',
      rate_limited: 'Too many requests. Please wait a moment.',
      quota_exceeded: 'This chat has no room for more messages. Delete older conversations to continue.',
      not_configured: 'The chat is not available right now.',
      server_error: 'The chat server had a problem.',
    },
  },
  fr: {
    openChat: 'Ouvrir le chat',
    closeChat: 'Fermer le chat',
    chat: 'Chat',
    loading: 'Chargement du chat…',
    retry: 'Réessayer',
    signIn: 'Connectez-vous pour discuter.',
    failed: 'Le chat n’a pas pu démarrer.',
    errors: {
      invalid_attribute: 'Le chat est mal configuré.',
      chatkit_unavailable: 'Le chat n’a pas pu se charger. Vérifiez votre connexion.',
      widget_unavailable: 'Le chat n’a pas pu se charger. Vérifiez votre connexion.',
      network_error: 'Le serveur du chat est injoignable. Vérifiez votre connexion.',
      timeout: 'Le serveur du chat a mis trop de temps à répondre.',
      forbidden: 'Ce site n’est pas autorisé à utiliser ce chat.',
      rate_limited: 'Trop de demandes. Patientez un instant.',
      quota_exceeded: 'Ce chat n’a plus de place pour de nouveaux messages. Supprimez d’anciennes conversations pour continuer.',
      not_configured: 'Le chat n’est pas disponible pour le moment.',
      server_error: 'Le serveur du chat a rencontré un problème.',
    },
  },
};

export const stringsFor = (locale: string | null | undefined): WidgetStrings => pickLocale<WidgetStrings>(catalog, locale);

/** The sentence shown for a failure. */
export function errorText(strings: WidgetStrings, code: WidgetErrorCode): string {
  return code === 'auth_required' ? strings.signIn : (strings.errors[code] ?? strings.failed);
}
