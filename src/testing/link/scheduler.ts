/**
 * One queue of timed callbacks on the hand-stepped room's clock: the SDK's
 * timers (it is handed this object as its `Timers`) and every frame in flight
 * on a conditioned link. Nothing here uses real time, so a run is a pure
 * function of its seeds.
 */
import type { TimerHandle, Timers } from "../../client/timers";

interface Entry {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

export class Scheduler implements Timers {
  private readonly entries = new Map<number, Entry>();
  private nextId = 1;

  constructor(private readonly clock: { readonly now: number }) {}

  now(): number {
    return this.clock.now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.at(this.clock.now + Math.max(0, ms), fn);
  }

  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === "number") this.entries.delete(handle);
  }

  /** Run `fn` at the absolute time `at` (ties run in the order they were scheduled). */
  at(at: number, fn: () => void): number {
    const id = this.nextId++;
    this.entries.set(id, { id, at, fn });
    return id;
  }

  /** When the earliest callback is due, or null when nothing is scheduled. */
  nextAt(): number | null {
    const e = this.earliest();
    return e ? e.at : null;
  }

  /** Run the earliest callback if it is due at `now`; false when none is. */
  runOne(now: number): boolean {
    const e = this.earliest();
    if (!e || e.at > now) return false;
    this.entries.delete(e.id);
    e.fn();
    return true;
  }

  pending(): number {
    return this.entries.size;
  }

  private earliest(): Entry | undefined {
    let best: Entry | undefined;
    // Map iteration follows insertion (= id) order, so strict `<` keeps the first-scheduled among equals.
    for (const e of this.entries.values()) if (!best || e.at < best.at) best = e;
    return best;
  }
}
