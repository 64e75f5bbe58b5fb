/**
 * Wake from hibernation, reduced to figures per room state (pure; unit-tested
 * in test/unit/bench-capacity.test.ts). Which states: a Connect Four room can
 * only hibernate when nothing keeps it awake; a room in play with a seated
 * player connected keeps its in-memory liveness watchdog pending
 * (docs/reliability.md §6), so the bench measures wake where hibernation
 * happens (a room WAITING for its second player with the creator connected, a
 * FINISHED room with both players connected) and keeps the in-play room as the
 * control that must stay awake.
 */
import { summarize, type Summary } from "../stats";

export const WAKE_STATES = ["waiting", "finished", "in-play"] as const;
export type WakeState = (typeof WAKE_STATES)[number];

export const WAKE_STATE_LABEL: Record<WakeState, string> = {
  waiting: "Connect Four room WAITING for its 2nd player, creator connected",
  finished: "Connect Four room FINISHED (resigned), both players connected",
  "in-play": "Connect Four room in play, both players connected (control: the liveness watchdog keeps it awake)",
};

/** One room after the idle period: the first `sync` after it, and what the room said about itself. */
export interface WakeSample {
  /** Send → `sync` reply (ms), or null when no reply came. */
  readonly ms: number | null;
  /** The instance that answered was born by this `sync` (the operator metrics' `bornAt` is not before it was sent): the room had been evicted. */
  readonly reborn: boolean;
  /** A new instance was born during the idle period before the `sync` (something else woke the room, e.g. an alarm): not a wake sample. */
  readonly wokenBefore?: boolean;
  /** The public `stateHash` after the wake equals the one before the idle period. */
  readonly hashEqual: boolean;
}

export interface WakeFigure {
  readonly state: WakeState;
  readonly rooms: number;
  /** Rooms a new instance answered: the wake figures are theirs only. */
  readonly evicted: number;
  /** Rooms whose reply never came. */
  readonly unanswered: number;
  /** Rooms something else woke during the idle period (their `sync` met an awake instance; not wake samples). */
  readonly wokenBefore: number;
  readonly wakeMs: Summary;
  /** The same `sync` on the awake room before the idle period, for comparison. */
  readonly warmMs: Summary;
  readonly hashEqual: number;
  readonly idleSeconds: number;
}

export function wakeFigure(state: WakeState, samples: readonly WakeSample[], warmMs: readonly number[], idleSeconds: number): WakeFigure {
  const woken = samples.filter((s) => s.reborn && s.ms !== null).map((s) => s.ms as number);
  return {
    state,
    rooms: samples.length,
    evicted: woken.length,
    unanswered: samples.filter((s) => s.ms === null).length,
    wokenBefore: samples.filter((s) => s.wokenBefore === true).length,
    wakeMs: summarize(woken),
    warmMs: summarize(warmMs),
    hashEqual: samples.filter((s) => s.hashEqual).length,
    idleSeconds,
  };
}

/**
 * The goal of issue 12 (p99 ≤ 10 ms for a hibernated room, state hash equal): null (not decided) when no
 * room was evicted or for the in-play control; otherwise every room's hash must be equal and the p99 of the
 * woken rooms ≤ 10 ms.
 */
export function wakeGoalMet(f: WakeFigure): boolean | null {
  if (f.state === "in-play" || f.evicted === 0) return null;
  return f.hashEqual === f.rooms && f.wakeMs.p99 <= 10;
}
