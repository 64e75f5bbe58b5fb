/**
 * A tiny typed event emitter with queued delivery.
 *
 * Events are delivered in the order they were emitted even when a listener
 * reacts by calling back into the client (e.g. `close()` from a 'state'
 * listener): nested emits are queued behind the current one, so nobody sees
 * "closed" before the state that preceded it. A throwing listener does not
 * break the client or the other listeners; its exception is re-thrown
 * asynchronously so it still surfaces (as with DOM EventTarget).
 */

export type Listener<T> = (payload: T) => void;

export class Emitter<Events extends object> {
  private readonly listeners: { [K in keyof Events]?: Set<Listener<Events[K]>> } = {};
  private readonly queue: (() => void)[] = [];
  private flushing = false;

  /** Subscribe; returns the unsubscribe function. */
  on<K extends keyof Events>(event: K, fn: Listener<Events[K]>): () => void {
    const set = this.listeners[event] ?? new Set<Listener<Events[K]>>();
    this.listeners[event] = set;
    set.add(fn);
    return () => void set.delete(fn);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    this.queue.push(() => {
      // A copy, so listeners may unsubscribe (or subscribe) while being called.
      for (const fn of [...(this.listeners[event] ?? [])]) {
        try {
          fn(payload);
        } catch (err) {
          queueMicrotask(() => {
            throw err;
          });
        }
      }
    });
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) job();
    } finally {
      this.flushing = false;
    }
  }
}
