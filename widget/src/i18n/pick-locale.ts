/** Picks a translation for a locale: the exact tag, then its language, then English. */
export function pickLocale<T>(catalog: Record<string, T> & { en: T }, locale: string | null | undefined): T {
  const tag = (locale ?? '').toLowerCase();
  return catalog[tag] ?? catalog[tag.split('-')[0] ?? ''] ?? catalog.en;
}
