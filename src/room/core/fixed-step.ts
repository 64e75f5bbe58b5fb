/**
 * The fixed-timestep driver of real-time games inside the room core.
 *
 * Inputs are buffered by the tick they are applied at (the client's tick,
 * or the next one if it arrives a little late) and the simulation advances by
 * whole steps owed by the wall clock since the round's anchor (`stepsOwed`, ticker.ts):
 * a late wake runs the missed steps, capped, and time never drifts. The
 * simulation itself is the game's pure `step`, so a restart can rebuild the
 * exact state from the seed and the logged inputs.
 */
import type { AnyGame, GameEvent, RealtimeSpec, Seat } from "../../games/types";
import { stepsOwed } from "./ticker";
import type { RoomRecord } from "./record";

/** At most this many steps run in one wake; beyond it the anchor moves (time is dropped, not replayed). */
export const MAX_CATCH_UP_STEPS = 120;

export interface PendingInput {
  readonly seat: Seat;
  readonly input: unknown;
  readonly inputId: number | null;
  readonly applyTick: number;
  readonly at: number;
}

export type Admission = { ok: true; applyTick: number } | { ok: false; code: string; message: string };

export interface AdvanceResult {
  readonly steps: number;
  readonly dropped: number;
  readonly events: GameEvent[];
  readonly applied: PendingInput[];
}

export const RealtimeErrorCode = {
  INPUT_TOO_LATE: "INPUT_TOO_LATE",
  INPUT_TOO_EARLY: "INPUT_TOO_EARLY",
  INPUT_BUDGET: "INPUT_BUDGET",
} as const;

export class FixedStep {
  /**
   * Buffered inputs in application order: by tick, then arrival. A flat array rather than a map of
   * per-tick lists: stepping takes its front without a list, a Map iterator or a copy per step (issue 12).
   */
  private readonly queue: PendingInput[] = [];
  /**
   * Per seat, the tick of its latest buffered input. A seat's inputs are applied in id order (a later
   * id never goes to an earlier tick than the one before it), so every id at or below the seat's
   * `lastInputId` is settled and "pending" is exactly the ids buffered here.
   */
  private readonly lastQueuedTick = new Map<Seat, number>();
  readonly stepMs: number;
  readonly ticksPerSnapshot: number;
  /**
   * After a rebuild the race resumes at its last durable tick, up to a checkpoint behind what clients
   * saw; until the race passes this tick, inputs stamped up to it (plus the ahead window) are admitted,
   * so the re-sent inputs of the lost span are applied at their own ticks and the race replays as it was.
   */
  private rewoundUntil: number | null = null;
  /** One step's inputs, handed to the game's `step` (which only reads them during the call); reused every step. */
  private readonly stepInputs: PendingInput[] = [];
  /** What `advance` returns, reused by the next call (its caller reads it at once): no result, list or spread per tick. */
  private readonly result: { steps: number; dropped: number; events: GameEvent[]; applied: PendingInput[] } = { steps: 0, dropped: 0, events: [], applied: [] };

  constructor(
    private readonly game: AnyGame,
    readonly spec: RealtimeSpec<unknown, unknown>,
  ) {
    this.stepMs = 1000 / spec.tickHz;
    this.ticksPerSnapshot = Math.max(1, Math.round(spec.tickHz / spec.snapshotHz));
  }

  /** The tick the next step will apply inputs at. */
  tick(rec: RoomRecord): number {
    return this.spec.tick(rec.game);
  }

  /** Decide where an input goes: its own tick, the next tick if slightly late, or nowhere. */
  admit(rec: RoomRecord, seat: Seat, input: unknown, inputId: number | null, inputTick: number, now: number): Admission {
    const current = this.tick(rec);
    if (inputTick < current - this.spec.lateWindowTicks) {
      return { ok: false, code: RealtimeErrorCode.INPUT_TOO_LATE, message: `Input for tick ${inputTick} arrived at tick ${current}, more than ${this.spec.lateWindowTicks} ticks late.` };
    }
    if (this.rewoundUntil !== null && current > this.rewoundUntil) this.rewoundUntil = null;
    const aheadFrom = Math.max(current, this.rewoundUntil ?? current);
    if (inputTick > aheadFrom + this.spec.aheadWindowTicks) {
      return { ok: false, code: RealtimeErrorCode.INPUT_TOO_EARLY, message: `Input for tick ${inputTick} is more than ${this.spec.aheadWindowTicks} ticks ahead of tick ${current}.` };
    }
    const applyTick = Math.max(inputTick, current, this.lastQueuedTick.get(seat) ?? 0);
    // From the back: where the input goes (after every input of its tick) and how many of its seat's that tick holds.
    const queue = this.queue;
    let at = queue.length;
    let seatInputs = 0;
    for (let i = queue.length - 1; i >= 0; i--) {
      const p = queue[i];
      if (p === undefined) continue;
      if (p.applyTick > applyTick) at = i;
      else if (p.applyTick < applyTick) break;
      else if (p.seat === seat) seatInputs++;
    }
    if (seatInputs >= this.spec.maxInputsPerTick) {
      return { ok: false, code: RealtimeErrorCode.INPUT_BUDGET, message: `At most ${this.spec.maxInputsPerTick} inputs per player per tick.` };
    }
    const pending: PendingInput = { seat, input, inputId, applyTick, at: now };
    if (at === queue.length) queue.push(pending);
    else queue.splice(at, 0, pending);
    this.lastQueuedTick.set(seat, applyTick);
    return { ok: true, applyTick };
  }

  /**
   * Run every step owed at `now` (capped), applying buffered inputs at their ticks; stops at the end of
   * the match. The result and its lists are reused by the next call: read them before advancing again.
   */
  advance(rec: RoomRecord, now: number): AdvanceResult {
    const out = this.result;
    out.steps = 0;
    out.dropped = 0;
    clear(out.events);
    clear(out.applied);
    if (rec.rtAnchor === null || rec.status !== "playing") return out;
    const tick = this.tick(rec);
    // planSteps' arithmetic without its result object (this runs every loop tick).
    const owed = stepsOwed(rec.rtAnchor + tick * this.stepMs, now, this.stepMs);
    const planned = Math.min(owed, MAX_CATCH_UP_STEPS);
    const dropped = owed - planned;
    let steps = 0;
    for (; steps < planned; steps++) {
      const inputs = this.takeTick(this.tick(rec));
      const stepped = this.spec.step(rec.game, inputs);
      rec.game = stepped.state;
      for (let i = 0; i < stepped.events.length; i++) {
        const e = stepped.events[i];
        if (e !== undefined) out.events.push(e);
      }
      for (let i = 0; i < inputs.length; i++) {
        const p = inputs[i];
        if (p !== undefined) out.applied.push(p);
      }
      if (this.game.result(rec.game)) {
        steps++;
        break;
      }
    }
    // Time beyond the catch-up cap is skipped: the anchor moves so the next wake does not owe it again.
    if (dropped > 0) rec.rtAnchor += dropped * this.stepMs;
    out.steps = steps;
    out.dropped = dropped;
    return out;
  }

  /** Move the inputs buffered for tick `t` out of the queue into the step scratch list, in arrival order. */
  private takeTick(t: number): PendingInput[] {
    const inputs = this.stepInputs;
    clear(inputs);
    const queue = this.queue;
    let from = 0;
    while (from < queue.length && (queue[from]?.applyTick ?? t) < t) from++;
    let to = from;
    while (to < queue.length) {
      const p = queue[to];
      if (p === undefined || p.applyTick !== t) break;
      inputs.push(p);
      to++;
    }
    const n = to - from;
    if (n === 0) return inputs;
    for (let i = to; i < queue.length; i++) {
      const p = queue[i];
      if (p !== undefined) queue[i - n] = p;
    }
    for (let i = 0; i < n; i++) queue.pop();
    return inputs;
  }

  /** The room was rebuilt at tick `tick`, which may be up to `spanMs` behind what clients saw (see `rewoundUntil`). */
  rewound(tick: number, spanMs: number): void {
    this.rewoundUntil = tick + Math.ceil(spanMs / this.stepMs) + this.ticksPerSnapshot;
  }

  /** Wall-clock time of the next snapshot boundary after `now`. */
  nextSnapshotAt(rec: RoomRecord, now: number): number {
    if (rec.rtAnchor === null) return now + this.stepMs * this.ticksPerSnapshot;
    const interval = this.stepMs * this.ticksPerSnapshot;
    const elapsed = Math.max(0, now - rec.rtAnchor);
    return rec.rtAnchor + (Math.floor(elapsed / interval) + 1) * interval;
  }

  /** The tick this seat's input `inputId` is buffered for, or null when it is not buffered. */
  pendingTick(seat: Seat, inputId: number): number | null {
    const queue = this.queue;
    for (let i = 0; i < queue.length; i++) {
      const p = queue[i];
      if (p !== undefined && p.seat === seat && p.inputId === inputId) return p.applyTick;
    }
    return null;
  }

  /** The lowest buffered input id of a seat, or null when none is waiting. */
  lowestPending(seat: Seat): number | null {
    let low: number | null = null;
    const queue = this.queue;
    for (let i = 0; i < queue.length; i++) {
      const p = queue[i];
      if (p !== undefined && p.seat === seat && p.inputId !== null && (low === null || p.inputId < low)) low = p.inputId;
    }
    return low;
  }

  /** Take every input still buffered (the round ended before their ticks), in application order. */
  drain(): PendingInput[] {
    const out = this.queue.splice(0);
    this.lastQueuedTick.clear();
    return out;
  }
}

/** Empty a reused list by popping (`length = 0` would drop its backing store and regrow it next time). */
function clear(list: unknown[]): void {
  while (list.length > 0) list.pop();
}
