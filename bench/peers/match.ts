/**
 * The runner match as the two peer servers (Colyseus, PartyServer) host it:
 * the SAME pure simulation Edgeroom runs (src/games/runner: `createRunnerState`
 * through the game definition, `step`, the input schema and `apply` checks),
 * with the same input buffering rules as Edgeroom's real-time driver (an input
 * is applied at its own tick, or at the next tick when it arrives up to
 * `lateWindowTicks` late; at most `maxInputsPerTick` per seat and tick; never
 * twice per id). Framework-free and I/O-free, so it runs on Node and in
 * workerd and is unit-tested on its own.
 *
 * Differences from Edgeroom are on purpose the frameworks' usual way: nothing
 * is persisted, there is no seed commitment, no resume, no rate limiting; the
 * match starts as soon as four players are in.
 */
import { runner, type RunnerInput, type RunnerState } from "../../src/games/runner";
import { planSteps } from "../../src/room/core/ticker";

export const SEATS = 4;
export const TICK_MS = 1000 / runner.realtime!.tickHz;
export const TICKS_PER_SNAPSHOT = Math.round(runner.realtime!.tickHz / runner.realtime!.snapshotHz);
/** As Edgeroom's driver: beyond this many owed steps in one wake, time is dropped. */
export const MAX_CATCH_UP_STEPS = 120;

export interface MatchOptions {
  /** Course seed (Edgeroom derives one per round from the match secret; the peers take it from the creator). */
  readonly seed: number;
  /** Whole match, countdown included (10..90 s), as Edgeroom's `durationSeconds` option. */
  readonly durationSeconds: number;
}

/** What a client sends: Edgeroom's `input` frame body, flattened. */
export interface WireInput {
  readonly id: number;
  readonly tick: number;
  readonly jump?: boolean;
  readonly duck?: boolean;
}

export type Admission = { readonly ok: true; readonly applyTick: number; readonly dup: boolean } | { readonly ok: false; readonly code: string };

interface Pending {
  readonly seat: number;
  readonly id: number;
  readonly input: RunnerInput;
}

export interface StepOutcome {
  /** Input ids applied in this step, by seat: each gets an ack. */
  readonly applied: readonly { readonly seat: number; readonly id: number }[];
  readonly ended: boolean;
}

export class PeerMatch {
  state: RunnerState;
  private readonly buffer = new Map<number, Pending[]>();
  /** Highest input id admitted per seat (ids increase per client). */
  private readonly admitted: number[] = new Array<number>(SEATS).fill(0);
  /** Counters a benchmark reads. */
  readonly counts = { steps: 0, droppedSteps: 0, inputs: 0, rejected: 0 };

  constructor(opts: MatchOptions) {
    const options = runner.optionsSchema.parse({ durationSeconds: opts.durationSeconds });
    this.state = runner.create(opts.seed >>> 0, options, SEATS, 0);
  }

  get tick(): number {
    return this.state.tick;
  }

  get over(): boolean {
    return runner.result(this.state) !== null;
  }

  /** Validate and buffer one input of `seat` (the same checks, windows and budget as Edgeroom's room). */
  admit(seat: number, raw: unknown): Admission {
    if (typeof raw !== "object" || raw === null) return this.reject("INVALID_INPUT");
    const { id, ...data } = raw as Record<string, unknown>;
    if (typeof id !== "number" || !Number.isInteger(id) || id < 1) return this.reject("INVALID_INPUT");
    if (id <= (this.admitted[seat] ?? Infinity)) return { ok: true, applyTick: this.tick, dup: true };
    const parsed = runner.inputSchema.safeParse(data);
    if (!parsed.success) return this.reject("INVALID_INPUT");
    const check = runner.apply(this.state, parsed.data, { seat, by: "human" });
    if (!check.ok) return this.reject(check.code);
    const rt = runner.realtime!;
    const current = this.tick;
    if (parsed.data.tick < current - rt.lateWindowTicks) return this.reject("INPUT_TOO_LATE");
    if (parsed.data.tick > current + rt.aheadWindowTicks) return this.reject("INPUT_TOO_EARLY");
    const applyTick = Math.max(parsed.data.tick, current);
    const queued = this.buffer.get(applyTick) ?? [];
    if (queued.filter((p) => p.seat === seat).length >= rt.maxInputsPerTick) return this.reject("INPUT_BUDGET");
    queued.push({ seat, id, input: parsed.data });
    this.buffer.set(applyTick, queued);
    this.admitted[seat] = id;
    this.counts.inputs += 1;
    return { ok: true, applyTick, dup: false };
  }

  private reject(code: string): Admission {
    this.counts.rejected += 1;
    return { ok: false, code };
  }

  /** One fixed step of the shared simulation with the inputs buffered for this tick. */
  stepOnce(): StepOutcome {
    if (this.over) return { applied: [], ended: true };
    const t = this.tick;
    const inputs = this.buffer.get(t) ?? [];
    this.buffer.delete(t);
    const out = runner.realtime!.step(
      this.state,
      inputs.map((p) => ({ seat: p.seat, input: p.input })),
    );
    this.state = out.state;
    this.counts.steps += 1;
    const ended = this.over;
    if (ended) this.buffer.clear();
    return { applied: inputs.map((p) => ({ seat: p.seat, id: p.id })), ended };
  }

  /** Knock a seat out (its player left), as Edgeroom's `forfeit` disconnect policy does for the runner. */
  forfeit(seat: number): void {
    this.state = runner.forfeit(this.state, seat, "forfeit").state;
  }
}

/**
 * Fixed-step accumulator on a wall clock (the Colyseus docs' "fixed tickrate" pattern, and what a
 * PartyServer timer loop does): how many steps are owed at `now` since `anchor`, capped as Edgeroom's driver.
 */
export class FixedClock {
  private anchor: number;

  constructor(now: number) {
    this.anchor = now;
  }

  owed(now: number): { steps: number; dropped: number } {
    const plan = planSteps(this.anchor, now, TICK_MS, MAX_CATCH_UP_STEPS);
    this.anchor = plan.anchor;
    return { steps: plan.steps, dropped: plan.dropped };
  }
}
