/**
 * The fixed-timestep driver of real-time games inside the room core.
 *
 * Inputs are buffered by the tick they are applied at (the client's tick,
 * or the next one if it arrives a little late) and the simulation advances by
 * whole steps owed by the wall clock since the round's anchor (`planSteps`):
 * a late wake runs the missed steps, capped, and time never drifts. The
 * simulation itself is the game's pure `step`, so a restart can rebuild the
 * exact state from the seed and the logged inputs.
 */
import type { AnyGame, GameEvent, RealtimeSpec, Seat } from "../../games/types";
import { planSteps } from "./ticker";
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
  private readonly buffer = new Map<number, PendingInput[]>();
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
    const queued = this.buffer.get(applyTick) ?? [];
    if (queued.filter((p) => p.seat === seat).length >= this.spec.maxInputsPerTick) {
      return { ok: false, code: RealtimeErrorCode.INPUT_BUDGET, message: `At most ${this.spec.maxInputsPerTick} inputs per player per tick.` };
    }
    queued.push({ seat, input, inputId, applyTick, at: now });
    this.buffer.set(applyTick, queued);
    this.lastQueuedTick.set(seat, applyTick);
    return { ok: true, applyTick };
  }

  /** Run every step owed at `now` (capped), applying buffered inputs at their ticks; stops at the end of the match. */
  advance(rec: RoomRecord, now: number): AdvanceResult {
    const events: GameEvent[] = [];
    const applied: PendingInput[] = [];
    if (rec.rtAnchor === null || rec.status !== "playing") return { steps: 0, dropped: 0, events, applied };
    const tick = this.tick(rec);
    const plan = planSteps(rec.rtAnchor + tick * this.stepMs, now, this.stepMs, MAX_CATCH_UP_STEPS);
    let steps = 0;
    for (; steps < plan.steps; steps++) {
      const t = this.tick(rec);
      const inputs = this.buffer.get(t) ?? [];
      this.buffer.delete(t);
      const out = this.spec.step(rec.game, inputs.map((p) => ({ seat: p.seat, input: p.input })));
      rec.game = out.state;
      events.push(...out.events);
      applied.push(...inputs);
      if (this.game.result(rec.game)) {
        steps++;
        break;
      }
    }
    // Time beyond the catch-up cap is skipped: the anchor moves so the next wake does not owe it again.
    if (plan.dropped > 0) rec.rtAnchor += plan.dropped * this.stepMs;
    return { steps, dropped: plan.dropped, events, applied };
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
    for (const queued of this.buffer.values()) for (const p of queued) if (p.seat === seat && p.inputId === inputId) return p.applyTick;
    return null;
  }

  /** The lowest buffered input id of a seat, or null when none is waiting. */
  lowestPending(seat: Seat): number | null {
    let low: number | null = null;
    for (const queued of this.buffer.values()) {
      for (const p of queued) if (p.seat === seat && p.inputId !== null && (low === null || p.inputId < low)) low = p.inputId;
    }
    return low;
  }

  /** Take every input still buffered (the round ended before their ticks), in application order. */
  drain(): PendingInput[] {
    const out = [...this.buffer.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, queued]) => queued);
    this.buffer.clear();
    this.lastQueuedTick.clear();
    return out;
  }
}
