/**
 * Injectable time: every timer the client uses goes through this interface so
 * tests (and games with their own loop) can drive time by hand.
 */

/** An opaque handle returned by `setTimeout`; only ever passed back to `clearTimeout`. */
export type TimerHandle = unknown;

export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Wall-clock milliseconds since the epoch (used for the server clock estimate too). */
  now(): number;
}

/**
 * The platform's timers. Handles are wrapped in small numbers so this works
 * unchanged whether the platform returns numbers (browsers) or objects (Node).
 */
export function systemTimers(): Timers {
  const live = new Map<number, ReturnType<typeof globalThis.setTimeout>>();
  let next = 1;
  return {
    setTimeout(fn, ms) {
      const id = next++;
      live.set(
        id,
        globalThis.setTimeout(() => {
          live.delete(id);
          fn();
        }, ms),
      );
      return id;
    },
    clearTimeout(handle) {
      if (typeof handle !== "number") return;
      const h = live.get(handle);
      if (h === undefined) return;
      globalThis.clearTimeout(h);
      live.delete(handle);
    },
    now: () => Date.now(),
  };
}

/** Timers driven by `advance()`: deterministic time for tests and simulations. */
export interface ManualTimers extends Timers {
  /** Move time forward, firing every timer that falls due, in due order (ties in creation order). */
  advance(ms: number): void;
  /** Fire timers due at the current time without moving it (e.g. zero-delay timers). */
  runDue(): void;
  /** Number of timers not yet fired or cleared. */
  pending(): number;
}

export function manualTimers(start = 0): ManualTimers {
  let now = start;
  let next = 1;
  const due = new Map<number, { at: number; fn: () => void }>();

  function fireUntil(limit: number): void {
    for (;;) {
      let pick: number | null = null;
      let at = Infinity;
      for (const [id, t] of due) {
        // Strict `<` keeps the earliest-created timer among equal due times (Map iterates in insertion order).
        if (t.at <= limit && t.at < at) {
          pick = id;
          at = t.at;
        }
      }
      if (pick === null) break;
      const t = due.get(pick);
      due.delete(pick);
      // Time moves to each timer's due moment, so timers it sets are relative to that instant.
      if (t) {
        now = Math.max(now, t.at);
        t.fn();
      }
    }
  }

  return {
    setTimeout(fn, ms) {
      const id = next++;
      due.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(handle) {
      if (typeof handle === "number") due.delete(handle);
    },
    now: () => now,
    advance(ms) {
      const target = now + ms;
      fireUntil(target);
      now = target;
    },
    runDue() {
      fireUntil(now);
    },
    pending: () => due.size,
  };
}
