/**
 * The anonymous visitor's long-lived signed id, kept in localStorage so a returning visitor keeps their
 * threads. Namespaced by server and publishable key: two widgets for different sites never share one.
 * Storage can be unavailable (privacy modes, sandboxed frames): then the visitor is new on each load.
 */
function key(server: string, publicKey: string): string {
  return `ckw:visitor:${server}:${publicKey}`;
}

export function readVisitorToken(server: string, publicKey: string): string | undefined {
  try {
    return localStorage.getItem(key(server, publicKey)) ?? undefined;
  } catch {
    return undefined;
  }
}

export function writeVisitorToken(server: string, publicKey: string, token: string): void {
  try {
    localStorage.setItem(key(server, publicKey), token);
  } catch {
    // Storage refused: the visitor simply is not recognised next time.
  }
}

export function forgetVisitorToken(server: string, publicKey: string): void {
  try {
    localStorage.removeItem(key(server, publicKey));
  } catch {
    // Nothing stored, nothing to forget.
  }
}
