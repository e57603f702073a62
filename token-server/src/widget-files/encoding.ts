/**
 * Picks the content coding for a precompressed file from a request's `Accept-Encoding` (RFC 9110 §12.5.3):
 * Brotli, then gzip, among those the client accepts (a q of 0 refuses one; `*` stands for any not named)
 * and that exist on disk. Undefined means the file as it is.
 */
export const PRECOMPRESSED = { br: '.br', gzip: '.gz' } as const;

export type Coding = keyof typeof PRECOMPRESSED;

/** The server's order of preference: the smallest first. */
const PREFERENCE: Coding[] = ['br', 'gzip'];

/** Each named coding's q-value (lower-cased; `x-gzip` counts as gzip). */
function qValues(header: string): Map<string, number> {
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [token, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (!token) continue;
    const qParam = params.find((p) => p.startsWith('q='));
    const value = qParam === undefined ? 1 : Number(qParam.slice(2));
    q.set(token === 'x-gzip' ? 'gzip' : token, Number.isFinite(value) ? value : 0);
  }
  return q;
}

export function preferredEncoding(header: string | undefined, exists: (coding: Coding) => boolean): Coding | undefined {
  if (!header) return undefined;
  const q = qValues(header);
  const accepted = (coding: Coding) => (q.get(coding) ?? q.get('*') ?? 0) > 0;
  return PREFERENCE.find((coding) => accepted(coding) && exists(coding));
}
