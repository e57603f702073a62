/**
 * Remembers the current ChatKit thread (`persist`: localStorage, sessionStorage, or memory only) so a
 * reload reopens it through `initialThread`. Keyed by server and by who is talking (publishable key or
 * backend), since thread ids mean nothing elsewhere. Storage that refuses falls back to memory.
 */
import type { WidgetConfig } from '../config/widget-config.js';

export class ThreadStore {
  #memory: string | null = null;
  readonly #key: string;
  readonly #storage: Storage | undefined;

  constructor(config: WidgetConfig) {
    this.#key = `ckw:thread:${config.server}:${config.authMode}:${config.publicKey ?? config.apiUrl}`;
    this.#storage = storageFor(config.persist);
  }

  read(): string | null {
    try {
      return this.#storage?.getItem(this.#key) ?? this.#memory;
    } catch {
      return this.#memory;
    }
  }

  write(threadId: string | null): void {
    this.#memory = threadId;
    try {
      if (threadId) this.#storage?.setItem(this.#key, threadId);
      else this.#storage?.removeItem(this.#key);
    } catch {
      // Kept in memory only.
    }
  }

  forget(): void {
    this.write(null);
  }
}

function storageFor(persist: WidgetConfig['persist']): Storage | undefined {
  try {
    if (persist === 'local') return localStorage;
    if (persist === 'session') return sessionStorage;
  } catch {
    // Access to storage itself can throw (blocked third-party storage).
  }
  return undefined;
}
