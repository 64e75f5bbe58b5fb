/**
 * Runner as a GameDefinition: up to 4 runners race at once on identical copies
 * of a seeded course, jumping low obstacles and ducking under high ones while
 * the course speeds up. A collision knocks a runner out; the last one standing
 * wins, or when time runs out the furthest (tie-break in ranking.ts).
 *
 * Real-time: `apply` only validates (the room buffers inputs and passes them
 * to `realtime.step` at their tick); all rules live in the pure, integer-only
 * simulation (simulate.ts, physics.ts, course.ts).
 */
import { defineGame, type ApplyOutcome, type GameEvent, type MatchResult, type Seat } from "../types";
import {
  COUNTDOWN_TICKS,
  LOOKAHEAD,
  MAX_TICKS,
  SNAPSHOT_HZ,
  TICK_HZ,
  type ObstacleKind,
  type RunnerEnd,
  type RunnerState,
} from "./constants";
import { obstacleBox } from "./course";
import { isDucking } from "./physics";
import { phaseOf, quantizeReused, type RunnerPhase } from "./quantize";
import { runnerResult } from "./ranking";
import { matchTicks, runnerInputSchema, runnerOptionsSchema, type RunnerInput, type RunnerOptions } from "./schema";
import { createRunnerState, forfeitSeat, NO_EVENTS, step } from "./simulate";

export * from "./constants";
export { decodeQuantized, encodeFrame, frameOf, quantize, quantizedLength, type RunnerFrame, type RunnerPhase } from "./quantize";
export { TIE_BREAK, rankSeats } from "./ranking";
export { runnerInputSchema, runnerOptionsSchema, type RunnerInput, type RunnerOptions } from "./schema";
export { speedAt, step } from "./simulate";
export { scriptedInput } from "./bot";

/** Rule-violation codes returned by `apply`; exact strings are part of the wire contract. */
export const RUNNER_ERRORS = {
  MATCH_OVER: "MATCH_OVER",
  KNOCKED_OUT: "KNOCKED_OUT",
  NOT_A_RUNNER: "NOT_A_RUNNER",
} as const;
export type RunnerErrorCode = (typeof RUNNER_ERRORS)[keyof typeof RUNNER_ERRORS];

/** What clients see; the whole state is public, so every seat and spectators get the same view. */
export interface RunnerView {
  readonly tick: number;
  readonly maxTicks: number;
  readonly phase: RunnerPhase;
  /** Ticks of countdown left (0 once racing). */
  readonly countdownTicks: number;
  /** Course speed, mu per tick. */
  readonly speed: number;
  readonly players: readonly {
    readonly seat: Seat;
    readonly x: number;
    readonly y: number;
    readonly standing: boolean;
    readonly ducking: boolean;
    readonly grounded: boolean;
    readonly knockedOutAt: number | null;
    readonly inputs: number;
  }[];
  /** Obstacles not yet passed by every standing runner, with their boxes (mu). */
  readonly obstacles: readonly { readonly kind: ObstacleKind; readonly x: number; readonly width: number; readonly bottom: number; readonly top: number }[];
  /** How far ahead of the leader the course is known. */
  readonly lookahead: number;
  readonly end: RunnerEnd | null;
}

function reject(code: RunnerErrorCode, message: string): ApplyOutcome<RunnerState> {
  return { ok: false, code, message };
}

export const runner = defineGame<RunnerState, RunnerInput, RunnerOptions, RunnerView, GameEvent>({
  id: "runner",
  title: "Runner",
  seats: { min: 1, max: 4 },
  kind: "real-time",
  optionsSchema: runnerOptionsSchema,
  inputSchema: runnerInputSchema,
  timing: { graceMs: 10_000, heartbeatTimeoutMs: 3_500, pingIntervalMs: 1_000, disconnectPolicy: "forfeit" },
  // Inputs are button edges: a frantic player presses a few per second; 30/s sustained with a burst of 60 is ample.
  rateLimit: { burst: 60, perSecond: 30 },

  // Simultaneous game: firstSeat is irrelevant.
  create(seed, options, seatCount) {
    return createRunnerState(seed, seatCount, matchTicks(options));
  },

  /** Validation only: the input is buffered by the room and takes effect in `realtime.step`. */
  apply(state, _input, { seat }) {
    if (state.end !== null) return reject(RUNNER_ERRORS.MATCH_OVER, "The match is already over.");
    const p = state.players[seat];
    if (p === undefined) return reject(RUNNER_ERRORS.NOT_A_RUNNER, `Seat ${seat} has no runner in this match.`);
    if (p.outAt !== null) return reject(RUNNER_ERRORS.KNOCKED_OUT, `Seat ${seat} was knocked out at tick ${p.outAt}.`);
    return { ok: true, state, events: NO_EVENTS };
  },

  turn() {
    return null;
  },

  forfeit(state, seat) {
    return forfeitSeat(state, seat);
  },

  result(state): MatchResult | null {
    return runnerResult(state);
  },

  view(state): RunnerView {
    return {
      tick: state.tick,
      maxTicks: state.maxTicks,
      phase: phaseOf(state),
      countdownTicks: Math.max(0, COUNTDOWN_TICKS - state.tick),
      speed: state.speed,
      players: state.players.map((p, seat) => ({
        seat,
        x: p.x,
        y: p.y,
        standing: p.outAt === null,
        ducking: isDucking(p),
        grounded: p.y === 0,
        knockedOutAt: p.outAt,
        inputs: p.inputs,
      })),
      obstacles: state.obstacles.map((o) => ({ kind: o.kind, x: o.x, ...obstacleBox(o.kind) })),
      lookahead: LOOKAHEAD,
      end: state.end,
    };
  },

  realtime: {
    tickHz: TICK_HZ,
    snapshotHz: SNAPSHOT_HZ,
    lateWindowTicks: 6,
    aheadWindowTicks: 30,
    maxInputsPerTick: 2,
    maxTicks: MAX_TICKS,
    tick: (state) => state.tick,
    inputTick: (input) => input.tick,
    step,
    // The same array every call, overwritten (the room copies it at once): no array per snapshot.
    quantize: quantizeReused,
    // `snap` carries the tick (countdown) and the speed: these two are derived, not sent.
    derivedEvents: ["countdown", "speedUp"],
  },
});
