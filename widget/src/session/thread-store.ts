/**
 * Remembers the current ChatKit thread (`persist`: localStorage, sessionStorage, or memory only) so a
 * reload reopens it through `initialThread`. Keyed by server, by the backend (publishable key or api url)
 * and by the credentials' owner, since thread ids mean nothing elsewhere and a shared browser must not hand
 * one user's thread to the next. Storage that refuses falls back to memory.
 */
import type { WidgetConfig } from '../config/widget-config.js';

const keyPrefix = (config: WidgetConfig) => `ckw:thread:${config.server}:${config.authMode}:${config.publicKey ?? config.apiUrl}:`;

export class ThreadStore {
  #memory: string | null = null;
  readonly #key: string;
  readonly #storage: Storage | undefined;

  constructor(config: WidgetConfig, owner: string) {
    this.#key = keyPrefix(config) + owner;
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
}

/** Forgets the threads of every owner of this configuration, in both storages (`persist` may have changed). */
export function forgetThreads(config: WidgetConfig): void {
  const prefix = keyPrefix(config);
  for (const storage of [storageFor('local'), storageFor('session')]) {
    try {
      if (!storage) continue;
      const keys = Array.from({ length: storage.length }, (_, i) => storage.key(i)).filter((key) => key?.startsWith(prefix));
      for (const key of keys) storage.removeItem(key!);
    } catch {
      // Storage refused: nothing of ours is in it.
    }
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
