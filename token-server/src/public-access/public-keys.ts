import { normalizeOrigin } from '../http/origin.js';

/** A publishable key and the page origins allowed to use it. */
export interface PublicKeyEntry {
  key: string;
  origins: string[];
}

const KEY_PATTERN = /^pk_[A-Za-z0-9_-]{1,100}$/;

/**
 * Parses `PUBLIC_KEYS` (`pk_a=https://a.example|https://b.example;pk_b=...`). Returns the entries,
 * or a one-line description of what is wrong.
 */
export function parsePublicKeys(raw: string): PublicKeyEntry[] | string {
  const entries: PublicKeyEntry[] = [];
  for (const part of raw.split(';').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq).trim();
    if (!KEY_PATTERN.test(key)) return `must look like pk_name=https://site.example|https://other.example; "${key}" is not a key starting with pk_.`;
    if (entries.some((e) => e.key === key)) return `names ${key} twice.`;
    const origins: string[] = [];
    for (const item of part.slice(eq + 1).split('|').map((o) => o.trim()).filter(Boolean)) {
      const origin = normalizeOrigin(item);
      if (!origin) return `gives ${key} the origin "${item}", which is not an origin like https://www.example.com (no path).`;
      origins.push(origin);
    }
    if (eq < 0 || origins.length === 0) return `gives ${key} no allowed origins (pk_name=https://site.example).`;
    entries.push({ key, origins });
  }
  return entries;
}
