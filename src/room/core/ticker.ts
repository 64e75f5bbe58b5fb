/**
 * Timer arithmetic for the room's single alarm.
 *
 * Every timer a room has (turn clock, grace windows, AI think time, heartbeat
 * checks, cleanup) is a named deadline in stored state. The ticker only does
 * arithmetic: which deadline comes next (that is what the one alarm is set
 * to) and which are due now, in a stable order. Because deadlines live in
 * state and are cleared when handled, a late or repeated alarm is harmless:
 * it handles what is due and nothing twice.
 */

export interface Deadline<K extends string = string> {
  readonly key: K;
  readonly at: number;
}

/** The earliest deadline, or null when nothing is scheduled. */
export function nextWake(deadlines: Iterable<Deadline>): number | null {
  let best: number | null = null;
  for (const d of deadlines) {
    if (Number.isFinite(d.at) && (best === null || d.at < best)) best = d.at;
  }
  return best;
}

/**
 * Deadlines due at `now`, earliest first; ties keep their input order, so the
 * caller's listing order is the priority among simultaneous timers.
 */
export function dueDeadlines<K extends string>(deadlines: readonly Deadline<K>[], now: number): Deadline<K>[] {
  return deadlines
    .map((d, i) => ({ d, i }))
    .filter(({ d }) => d.at <= now)
    .sort((a, b) => a.d.at - b.d.at || a.i - b.i)
    .map(({ d }) => d);
}

/**
 * The alarm time to store: the next wake, but never in the past (an overdue
 * deadline is handled on the next event loop turn), or null to clear.
 */
export function alarmTime(next: number | null, now: number): number | null {
  if (next === null) return null;
  return Math.max(next, now + 1);
}

/**
 * Whether the stored alarm must be rewritten to `wanted`: only to move it earlier (or set it when
 * none is stored). A later deadline keeps the earlier alarm, which fires, finds little to do and
 * re-arms, so a watchdog `W` ms out costs one alarm write per `W` ms however often the loop flushes.
 * The host applies this to `setAlarm`; the stepper applies it to count the same writes.
 */
export function alarmNeedsWrite(stored: number | null, wanted: number | null): wanted is number {
  return wanted !== null && (stored === null || stored > wanted);
}

export interface StepPlan {
  /** Fixed steps to run now. */
  readonly steps: number;
  /** Time of the last step run, the anchor for the next computation. */
  readonly anchor: number;
  /** Steps dropped because the wake was later than `maxCatchUp` steps allow. */
  readonly dropped: number;
}

/**
 * Fixed-timestep accumulator for real-time games: from the time of the last
 * simulated step, how many whole steps of `stepMs` fit before `now`. A late
 * wake runs the missed steps up to `maxCatchUp`; beyond that the anchor moves
 * forward so time never drifts and a step is never run twice.
 */
export function planSteps(anchor: number, now: number, stepMs: number, maxCatchUp: number): StepPlan {
  const owed = stepsOwed(anchor, now, stepMs);
  if (owed === 0) return { steps: 0, anchor, dropped: 0 };
  const steps = Math.min(owed, maxCatchUp);
  return { steps, anchor: anchor + owed * stepMs, dropped: owed - steps };
}

/** The whole steps of `stepMs` from `anchor` to `now` (the count `planSteps` plans from; no object, for the per-tick loop). */
export function stepsOwed(anchor: number, now: number, stepMs: number): number {
  if (!(stepMs > 0)) throw new RangeError("stepMs must be positive");
  return now <= anchor ? 0 : Math.floor((now - anchor) / stepMs);
}
