/**
 * Client-side prediction with server reconciliation, for any game that has a
 * pure fixed-timestep `step` (RealtimeSpec).
 *
 * The predictor holds the last authoritative state (tick T) and the local
 * seat's inputs the server has not yet applied, each with its tick and, once
 * known, its wire id. The predicted state is the authoritative one stepped
 * forward to the predicted tick P with those inputs, each applied at
 * max(its tick, T): the rule the room uses (an input naming a tick already
 * simulated is applied at the current tick). Only the local seat's inputs are
 * known, so other seats are stepped as if they sent nothing.
 *
 * On each authoritative state, `reconcile(state, lastAckedInputId)` drops the
 * inputs with ids ≤ the ack (they are in the state), re-simulates the rest
 * from T to P, and reports how far the predicted state moved (`distance`, a
 * game-provided measure of the local entity, or a generic structural one).
 *
 * Exact vs approximate: with the full state on the wire (or one decoded from
 * `quantize` that `step` can run on), every input applied by the room at the
 * tick it was stamped with, and no remote influence on the local entity, the
 * prediction is exact and every correction is zero. A correction appears
 * when the room applied an input later than stamped (it arrived late), when a
 * refused input is withdrawn (`reject`), or when other seats affect the local
 * entity.
 *
 * Ids: the SDK assigns an input's wire id when it is first handed to a
 * welcomed connection, so `applyLocal` takes the id if known and `setId` sets
 * it later. An input without an id is never considered acknowledged.
 * Call `reject(id)` on a `gameError` for an input, or its effect stays
 * predicted until it is acknowledged, which never happens.
 */
import type { Seat, TickInput } from "../../games/types";

/** What prediction needs from a game; a RealtimeSpec fits. */
export interface PredictionSpec<S, I> {
  /** Advance exactly one tick; pure. */
  step(state: S, inputs: readonly TickInput<I>[]): { readonly state: S };
  /** The tick a state is at. */
  tick(state: S): number;
  /** The tick an input names. */
  inputTick(input: I): number;
}

export interface PendingLocalInput<I> {
  /** Local handle, stable for the predictor's life. */
  readonly key: number;
  /** Wire id, or null until known (`setId`). */
  readonly id: number | null;
  /** The tick the input names (spec.inputTick). */
  readonly tick: number;
  readonly input: I;
}

export interface Correction<S> {
  /** Tick of the authoritative state reconciled to. */
  readonly authoritativeTick: number;
  /** Tick of the predicted state after reconciling. */
  readonly predictedTick: number;
  readonly ack: number;
  /** Inputs acknowledged by this state and dropped. */
  readonly dropped: number;
  /** Unacknowledged inputs re-applied on top of it. */
  readonly replayed: number;
  /** The predicted state before, and after, reconciling. */
  readonly before: S;
  readonly after: S;
  /** distance(before, after): 0 when the prediction was right. */
  readonly distance: number;
  /** before and after are structurally equal. */
  readonly exact: boolean;
  /** The authoritative tick went backwards (a new round): every pending input was dropped. */
  readonly rewound: boolean;
}

export interface PredictorOptions<S, I> {
  spec: PredictionSpec<S, I>;
  /** The local seat (inputs are stepped as this seat's). */
  seat: Seat;
  /** The first authoritative state. */
  initial: S;
  /** How far the local entity moved between two states; default `structuralDistance`. */
  distance?: (a: S, b: S) => number;
  /** Most unacknowledged inputs kept; the oldest are dropped beyond it. Default 256. */
  maxPending?: number;
  /** The predicted tick never runs further than this ahead of the authoritative one. Default 600 (10 s at 60 Hz). */
  maxAheadTicks?: number;
}

export interface PredictorStats {
  readonly reconciles: number;
  /** Reconciles whose correction was not exact. */
  readonly corrections: number;
  readonly maxDistance: number;
  readonly steps: number;
  /** Pending inputs dropped for exceeding `maxPending`. */
  readonly overflowed: number;
}

export class Predictor<S, I> {
  readonly seat: Seat;
  private readonly spec: PredictionSpec<S, I>;
  private readonly distanceOf: (a: S, b: S) => number;
  private readonly maxPending: number;
  private readonly maxAhead: number;
  private base: S;
  private baseTick: number;
  private predicted: S;
  private pendingInputs: PendingLocalInput<I>[] = [];
  private nextKey = 1;
  private counts = { reconciles: 0, corrections: 0, maxDistance: 0, steps: 0, overflowed: 0 };

  constructor(options: PredictorOptions<S, I>) {
    this.spec = options.spec;
    this.seat = options.seat;
    this.distanceOf = options.distance ?? structuralDistance;
    this.maxPending = Math.max(1, options.maxPending ?? 256);
    this.maxAhead = Math.max(0, options.maxAheadTicks ?? 600);
    this.base = options.initial;
    this.baseTick = this.spec.tick(options.initial);
    this.predicted = options.initial;
  }

  /** The predicted state (at `tick`). */
  get state(): S {
    return this.predicted;
  }

  /** The predicted tick. */
  get tick(): number {
    return this.spec.tick(this.predicted);
  }

  /** The last authoritative state. */
  get authoritative(): S {
    return this.base;
  }

  get authoritativeTick(): number {
    return this.baseTick;
  }

  /** Local inputs not yet acknowledged, in the order made. */
  get pending(): readonly PendingLocalInput<I>[] {
    return this.pendingInputs;
  }

  get stats(): PredictorStats {
    return { ...this.counts };
  }

  /**
   * A local input, predicted at once: it takes effect in the step of its tick
   * (max(its tick, authoritative tick)), as in the room. An input stamped with
   * the predicted tick (the usual case: `TickClock.inputTick`) shows from the
   * next `advanceTo` past it, at most one tick later; one for a tick the
   * prediction has already passed re-simulates from the authoritative state now.
   */
  applyLocal(input: I, id: number | null = null): PendingLocalInput<I> {
    const entry: PendingLocalInput<I> = { key: this.nextKey++, id, tick: this.spec.inputTick(input), input };
    this.pendingInputs.push(entry);
    if (this.pendingInputs.length > this.maxPending) {
      this.counts.overflowed += this.pendingInputs.length - this.maxPending;
      this.pendingInputs.splice(0, this.pendingInputs.length - this.maxPending);
    }
    if (this.effectiveTick(entry) < this.tick) this.predicted = this.simulate(this.base, this.tick);
    return entry;
  }

  /** Set the wire id of an input made without one. Returns false when no pending input has that key. */
  setId(key: number, id: number): boolean {
    const i = this.pendingInputs.findIndex((p) => p.key === key);
    if (i < 0) return false;
    this.pendingInputs[i] = { ...(this.pendingInputs[i] as PendingLocalInput<I>), id };
    return true;
  }

  /** The room refused an input (gameError): withdraw it from the prediction. Returns false when it was not pending. */
  reject(id: number): boolean {
    const i = this.pendingInputs.findIndex((p) => p.id === id);
    if (i < 0) return false;
    const [gone] = this.pendingInputs.splice(i, 1);
    if (gone !== undefined && this.effectiveTick(gone) < this.tick) this.predicted = this.simulate(this.base, this.tick);
    return true;
  }

  /** Step the prediction forward to `tick` (never backwards; at most `maxAheadTicks` past the authoritative tick). */
  advanceTo(tick: number): S {
    this.predicted = this.simulate(this.predicted, Math.min(tick, this.baseTick + this.maxAhead));
    return this.predicted;
  }

  /** The state predicted at `tick` (≥ the authoritative tick) from the authoritative state and the pending inputs. */
  predictAt(tick: number): S {
    return this.simulate(this.base, Math.max(tick, this.baseTick));
  }

  /**
   * A new authoritative state and the highest input id it includes. Drops the
   * acknowledged inputs and re-simulates the rest up to `toTick` (default: the
   * current predicted tick; never behind the authoritative tick).
   */
  reconcile(authoritative: S, lastAckedInputId: number, toTick?: number): Correction<S> {
    const before = this.predicted;
    const tick = this.spec.tick(authoritative);
    const rewound = tick < this.baseTick;
    const count = this.pendingInputs.length;
    this.pendingInputs = rewound ? [] : this.pendingInputs.filter((p) => p.id === null || p.id > lastAckedInputId);
    const dropped = count - this.pendingInputs.length;
    this.base = authoritative;
    this.baseTick = tick;
    const target = Math.max(tick, Math.min(rewound ? tick : (toTick ?? this.spec.tick(before)), tick + this.maxAhead));
    this.predicted = this.simulate(authoritative, target);
    const distance = this.distanceOf(before, this.predicted);
    const exact = structuralEqual(before, this.predicted);
    this.counts.reconciles++;
    if (!exact) this.counts.corrections++;
    if (distance > this.counts.maxDistance) this.counts.maxDistance = distance;
    return {
      authoritativeTick: tick,
      predictedTick: this.spec.tick(this.predicted),
      ack: lastAckedInputId,
      dropped,
      replayed: this.pendingInputs.filter((p) => this.effectiveTick(p) < target).length,
      before,
      after: this.predicted,
      distance,
      exact,
      rewound,
    };
  }

  /** Start over from `state` (a new round, or a resync) with no pending inputs. */
  reset(state: S): void {
    this.base = state;
    this.baseTick = this.spec.tick(state);
    this.predicted = state;
    this.pendingInputs = [];
  }

  private effectiveTick(p: PendingLocalInput<I>): number {
    return Math.max(p.tick, this.baseTick);
  }

  private stepOnce(state: S, t: number): S {
    const inputs: TickInput<I>[] = [];
    for (const p of this.pendingInputs) if (this.effectiveTick(p) === t) inputs.push({ seat: this.seat, input: p.input });
    this.counts.steps++;
    return this.spec.step(state, inputs).state;
  }

  private simulate(from: S, to: number): S {
    let state = from;
    const start = this.spec.tick(from);
    for (let t = start; t < to; t++) {
      state = this.stepOnce(state, t);
      // A game whose state stops advancing (e.g. a finished match) cannot be stepped further.
      if (this.spec.tick(state) !== t + 1) break;
    }
    return state;
  }
}

/**
 * A generic misprediction measure over plain data: the sum of absolute
 * differences of numeric leaves, plus 1 for every other leaf (or shape) that
 * differs. 0 iff the two are structurally equal.
 */
export function structuralDistance(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a) && Number.isNaN(b)) return 0;
    const d = Math.abs(a - b);
    return Number.isNaN(d) ? 1 : d;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    let sum = Math.abs(a.length - b.length);
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) sum += structuralDistance(a[i], b[i]);
    return sum;
  }
  if (isRecord(a) && isRecord(b) && !Array.isArray(a) && !Array.isArray(b)) {
    let sum = 0;
    for (const k of Object.keys(a)) sum += k in b ? structuralDistance(a[k], b[k]) : 1;
    for (const k of Object.keys(b)) if (!(k in a)) sum += 1;
    return sum;
  }
  return Object.is(a, b) ? 0 : 1;
}

/** Structural equality of plain data (numbers compared with Object.is, except 0 and -0 are equal). */
export function structuralEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!structuralEqual(a[i], b[i])) return false;
    return true;
  }
  if (isRecord(a) && isRecord(b) && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!(k in b) || !structuralEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}
