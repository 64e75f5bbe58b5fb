/**
 * Runner adapter: local prediction of your own runner from quantised snapshots.
 *
 * What the wire carries. The runner's full state (RNG, exact positions,
 * vertical velocities) is not sent: `snap` frames carry `quantize(state)`,
 * where x and y are truncated to 10 mu and vy is absent, and the seed is only
 * revealed at the end of the round, so a client cannot re-run the real
 * simulation. Generic prediction over decoded frames is therefore impossible
 * for this game. What can be predicted is your own runner's body, because its
 * motion depends only on your own inputs:
 *
 * - x: while standing, every runner has run exactly Σ speedAt(t) over the
 *   racing ticks (speed is shared and exact), so x is known exactly
 *   (`runDistance`); a knocked-out runner's x pins the tick it stopped.
 * - duck: the "duck button held" flag is in every frame, exactly.
 * - y, vy: y is known to within 10 mu and vy not at all. They are recovered by
 *   set-membership estimation: the bodies (y, vy, duck) consistent with every
 *   frame so far, stepped with the real physics (`movePlayer`) and your
 *   inputs the frame acknowledges, at every tick the room may have applied
 *   them at (from their stamped tick, or the previous frame's tick if later,
 *   up to the frame's tick). Grounded frames pin (0, 0) exactly; every y and
 *   vy is a multiple of gcd(JUMP_VELOCITY, GRAVITY, FAST_FALL_GRAVITY) = 6 mu,
 *   and no body can rise above the jump's peak (630 mu).
 *   When one body remains the estimate is exact; otherwise the one closest to
 *   what was predicted is used and later frames narrow the set.
 *
 * The estimated body at the frame's tick is the authoritative state of a
 * generic `Predictor` whose `step` is the runner's own physics for one body,
 * so reconciliation re-applies unacknowledged inputs on top of it and reports
 * the correction in mu.
 *
 * Not predicted (the server decides; the frame shows it): knock-outs
 * (obstacle positions are truncated on the wire, so a local collision test
 * would be a guess), the end of the match by "last one standing", and remote
 * runners (render them with SnapshotBuffer and `runnerFieldModes`). A
 * knock-out therefore shows up to the prediction lead late, as an x
 * correction. A `gameError` for an input must be passed to `reject(id)`, or
 * the estimator takes the input as applied once a later id is acknowledged.
 */
import { COUNTDOWN_TICKS, MAX_TICKS } from "../constants";
import { decodeQuantized, QUANT_LENGTH } from "../quantize";
import type { RunnerInput } from "../schema";
import type { TickInput } from "../../types";
import { Predictor, type Correction, type PendingLocalInput } from "../../../client/realtime/prediction";
import { initialRunnerBody, runDistance, runnerBodyDistance, runnerBodySpec, stepRunnerBody, type RunnerBody } from "./body";
import { consistent, hypotheses, seedFrom, type Applied, type Player, type Vertical } from "./vertical";


export interface RunnerPredictionOptions {
  /** Your seat. */
  seat: number;
  /** The round's length in ticks (RunnerView.maxTicks); the body stops there. Default MAX_TICKS. */
  maxTicks?: number;
  /** Apply-tick hypotheses tried per frame before assuming every input was on time. Default 256. */
  maxHypotheses?: number;
  /** Bodies kept in the estimate; beyond it, those closest to the prediction. Default 2048. */
  maxCandidates?: number;
}

export interface RunnerSnapshotResult {
  /** The body taken as authoritative at the frame's tick. */
  readonly authoritative: RunnerBody;
  /** Bodies consistent with the frames and acknowledged inputs so far; 1 means the estimate is exact. */
  readonly candidates: number;
  readonly correction: Correction<RunnerBody>;
  /** Correction of the predicted body, mu (after − before). */
  readonly dx: number;
  readonly dy: number;
}

export interface RunnerPredictionStats {
  readonly snapshots: number;
  /** Frames after which exactly one body remained (the estimate is exact). */
  readonly exactEstimates: number;
  /** Frames that moved the predicted body. */
  readonly corrections: number;
  /** Largest correction, mu. */
  readonly maxCorrection: number;
  /** Frames where no body was consistent with the history and the estimate restarted from the frame alone. */
  readonly reseeds: number;
}

export class RunnerPrediction {
  readonly seat: number;
  readonly maxTicks: number;
  readonly predictor: Predictor<RunnerBody, RunnerInput>;
  private readonly maxHypotheses: number;
  private readonly maxCandidates: number;
  private candidates: Vertical[] | null = null;
  private prevTick: number | null = null;
  private prevAck = 0;
  private counts = { snapshots: 0, exactEstimates: 0, corrections: 0, maxCorrection: 0, reseeds: 0 };

  constructor(options: RunnerPredictionOptions) {
    this.seat = options.seat;
    this.maxTicks = options.maxTicks ?? MAX_TICKS;
    this.maxHypotheses = options.maxHypotheses ?? 256;
    this.maxCandidates = options.maxCandidates ?? 2048;
    this.predictor = new Predictor({ spec: runnerBodySpec(this.maxTicks), seat: 0, initial: initialRunnerBody(), distance: runnerBodyDistance });
  }

  /** The predicted body (at the predicted tick). */
  get body(): RunnerBody {
    return this.predictor.state;
  }

  get stats(): RunnerPredictionStats {
    return { ...this.counts };
  }

  /** The (y, vy, duck) bodies consistent with the last frame and the history, or null (none yet, or knocked out). */
  get candidateStates(): readonly { readonly y: number; readonly vy: number; readonly duck: boolean }[] | null {
    return this.candidates;
  }

  /** A button change made now, stamped with its tick (TickClock.inputTick); `id` when the wire id is known. */
  applyLocal(input: RunnerInput, id: number | null = null): PendingLocalInput<RunnerInput> {
    return this.predictor.applyLocal(input, id);
  }

  setId(key: number, id: number): boolean {
    return this.predictor.setId(key, id);
  }

  /** The room refused input `id` (gameError). */
  reject(id: number): boolean {
    return this.predictor.reject(id);
  }

  /** Step the prediction to `tick` (TickClock.inputTick). */
  advanceTo(tick: number): RunnerBody {
    return this.predictor.advanceTo(tick);
  }

  /**
   * A full quantised frame (SnapshotStream.values) at `tick` with the frame's
   * `ack`: estimate the body at `tick`, then reconcile the prediction up to
   * `toTick` (default: the current predicted tick).
   */
  onSnapshot(tick: number, values: readonly number[], ack: number, toTick?: number): RunnerSnapshotResult {
    const frame = decodeQuantized(values);
    const p = frame.players[this.seat];
    if (p === undefined) throw new RangeError(`runner: seat ${this.seat} is not in a ${frame.players.length}-seat frame.`);
    if (this.prevTick !== null && tick < this.prevTick) {
      // A new round: forget the history.
      this.candidates = null;
      this.prevTick = null;
      this.prevAck = 0;
      this.predictor.reset(initialRunnerBody());
    }
    const over = frame.phase === "over";
    let authoritative: RunnerBody;
    let count: number;
    if (!p.standing) {
      // Frozen where it was knocked out: x pins the tick; y is known to 10 mu, vy is 0.
      authoritative = { tick, x: knockedOutX(p.x, tick), y: p.y, vy: 0, duck: p.duckHeld, standing: false, over };
      this.candidates = null;
      count = 0;
    } else {
      const predicted = this.predictor.predictAt(tick);
      let cands = this.propagate(tick, ack, p);
      if (cands.length === 0) {
        if (this.prevTick !== null) this.counts.reseeds++;
        cands = seedFrom(p);
      }
      // A frame no jump can produce (above the peak): take it at face value.
      if (cands.length === 0) cands = [{ y: p.y, vy: 0, duck: p.duckHeld }];
      const cost = (v: Vertical) => Math.abs(v.y - predicted.y) + Math.abs(v.vy - predicted.vy);
      if (cands.length > this.maxCandidates) cands = cands.slice().sort((a, b) => cost(a) - cost(b)).slice(0, this.maxCandidates);
      let best = cands[0] as Vertical;
      for (const c of cands) if (cost(c) < cost(best)) best = c;
      this.candidates = cands;
      count = cands.length;
      const exactX = runDistance(Math.min(tick, this.maxTicks));
      const x = Math.trunc(exactX / QUANT_LENGTH) * QUANT_LENGTH === p.x ? exactX : p.x;
      authoritative = { tick, x, y: best.y, vy: best.vy, duck: best.duck, standing: true, over };
    }
    this.prevTick = tick;
    this.prevAck = ack;
    const correction = this.predictor.reconcile(authoritative, ack, toTick);
    const dx = correction.after.x - correction.before.x;
    const dy = correction.after.y - correction.before.y;
    this.counts.snapshots++;
    if (count === 1) this.counts.exactEstimates++;
    if (!correction.exact) this.counts.corrections++;
    this.counts.maxCorrection = Math.max(this.counts.maxCorrection, correction.distance);
    return { authoritative, candidates: count, correction, dx, dy };
  }

  /** The bodies kept from the last frame from `prevTick` to `tick`, under every apply-tick hypothesis, that fit frame player `p`. */
  private propagate(tick: number, ack: number, p: Player): Vertical[] {
    const from = this.prevTick;
    const start = this.candidates;
    if (from === null || start === null || start.length === 0 || tick < from) return [];
    const applied: Applied[] = [];
    for (const q of this.predictor.pending) {
      if (q.id === null || q.id <= this.prevAck || q.id > ack) continue;
      const hi = tick - 1;
      const lo = Math.min(Math.max(q.tick, from), hi);
      if (hi < from) continue;
      applied.push({ input: q.input, lo, hi });
    }
    const seen = new Set<string>();
    const out: Vertical[] = [];
    for (const h of hypotheses(applied, this.maxHypotheses)) {
      for (const c of start) {
        let body: RunnerBody = { tick: from, x: 0, y: c.y, vy: c.vy, duck: c.duck, standing: true, over: false };
        for (let t = from; t < tick; t++) {
          const inputs: TickInput<RunnerInput>[] = [];
          h.forEach((at, i) => {
            if (at === t) inputs.push({ seat: 0, input: (applied[i] as Applied).input });
          });
          body = stepRunnerBody(body, inputs, this.maxTicks);
        }
        const v: Vertical = { y: body.y, vy: body.vy, duck: body.duck };
        const key = `${v.y},${v.vy},${v.duck ? 1 : 0}`;
        if (seen.has(key) || !consistent(v, p)) continue;
        seen.add(key);
        out.push(v);
      }
    }
    return out;
  }
}

/** x of a runner knocked out (frozen at runDistance(outAt + 1)) whose quantised x is `qx`, found exactly; `qx` if none fits. */
function knockedOutX(qx: number, tick: number): number {
  const q = (x: number) => Math.trunc(x / QUANT_LENGTH) * QUANT_LENGTH;
  let lo = COUNTDOWN_TICKS + 1;
  let hi = Math.max(lo, tick);
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (q(runDistance(mid)) < qx) lo = mid + 1;
    else hi = mid;
  }
  const x = runDistance(lo);
  return q(x) === qx ? x : qx;
}
