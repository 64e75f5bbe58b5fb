/**
 * Pluggable persistence for the outbox: a synchronous string key/value store.
 * Synchronous on purpose: an input must be on disk before `send()` returns,
 * or a reload right after a click could lose it. (`localStorage` is
 * synchronous; an IndexedDB store would need an async outbox.)
 */

export interface KeyValueStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

/** In-memory store: survives reconnects within one page/process, not a reload. */
export function memoryStore(initial: Iterable<readonly [string, string]> = []): KeyValueStore {
  const map = new Map<string, string>(initial);
  return {
    get: (key) => map.get(key) ?? null,
    set: (key, value) => void map.set(key, value),
    remove: (key) => void map.delete(key),
  };
}

/** The part of the Web Storage API the store needs. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * A store over `localStorage` (or any Web Storage), so pending inputs survive
 * a page reload. Errors from the storage itself (quota, private mode) are
 * thrown to the caller; the outbox reports them and carries on in memory.
 */
export function localStorageStore(storage?: StorageLike): KeyValueStore {
  const s = storage ?? globalStorage();
  if (!s) throw new Error("localStorageStore: no localStorage in this environment; pass a Storage or use memoryStore().");
  return {
    get: (key) => s.getItem(key),
    set: (key, value) => s.setItem(key, value),
    remove: (key) => s.removeItem(key),
  };
}

function globalStorage(): StorageLike | null {
  let candidate: unknown;
  try {
    // Merely reading `localStorage` throws a SecurityError in some sandboxed or cookie-less contexts.
    candidate = Reflect.get(globalThis, "localStorage");
  } catch {
    return null;
  }
  return isStorageLike(candidate) ? candidate : null;
}

function isStorageLike(x: unknown): x is StorageLike {
  if (typeof x !== "object" || x === null) return false;
  return ["getItem", "setItem", "removeItem"].every((m) => typeof Reflect.get(x, m) === "function");
}
