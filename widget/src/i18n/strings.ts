/**
 * The widget's own words that the loader shows (launcher, panel, loading, and the failures it reports itself).
 * The sentences for failures only the lazy chunk can meet are in failure-strings.ts, in the chunk. ChatKit
 * translates its own UI from `locale`; these follow the same locale: the exact tag, then its language, then English.
 */
import type { WidgetErrorCode } from '../errors.js';
import { pickLocale } from './pick-locale.js';

export interface WidgetStrings {
  openChat: string;
  closeChat: string;
  chat: string;
  loading: string;
  retry: string;
  /** For codes without their own sentence. */
  failed: string;
  /** `invalid_attribute` (a bad attribute); the chunk or ChatKit's script did not download (`*_unavailable`). */
  invalid: string;
  unavailable: string;
}

const catalog = {
  en: {
    openChat: 'Open chat',
    closeChat: 'Close chat',
    chat: 'Chat',
    loading: 'Loading chat…',
    retry: 'Try again',
    failed: 'The chat could not start.',
    invalid: 'The chat is not set up correctly.',
    unavailable: 'The chat could not load. Check your connection.',
  },
  fr: {
    openChat: 'Ouvrir le chat',
    closeChat: 'Fermer le chat',
    chat: 'Chat',
    loading: 'Chargement du chat…',
    retry: 'Réessayer',
    failed: 'Le chat n’a pas pu démarrer.',
    invalid: 'Le chat est mal configuré.',
    unavailable: 'Le chat n’a pas pu se charger. Vérifiez votre connexion.',
  },
};

export const stringsFor = (locale: string | null | undefined): WidgetStrings => pickLocale<WidgetStrings>(catalog, locale);

/** The sentence for a failure the loader knows (the chunk's `failureText` knows them all). */
export function loaderFailureText(locale: string, code: WidgetErrorCode): string {
  const strings = stringsFor(locale);
  return code === 'invalid_attribute' ? strings.invalid : code === 'widget_unavailable' || code === 'chatkit_unavailable' ? strings.unavailable : strings.failed;
}
