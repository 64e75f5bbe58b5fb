/** Your runner's body (x, y, vy, duck) and its one-body physics, as the prediction steps it. */
import { COUNTDOWN_TICKS, MAX_TICKS, SPEED_INTERVAL_TICKS } from "../constants";
import { movePlayer } from "../physics";
import type { RunnerInput } from "../schema";
import { mergeInputs, speedAt } from "../simulate";
import type { TickInput } from "../../types";
import type { PredictionSpec } from "../../../client/realtime/prediction";

/** One runner's body as the client predicts it; lengths in mu. */
export interface RunnerBody {
  /** The next tick to simulate (as RunnerState.tick). */
  readonly tick: number;
  readonly x: number;
  readonly y: number;
  readonly vy: number;
  /** Duck button held. */
  readonly duck: boolean;
  readonly standing: boolean;
  /** The match is over: the body no longer moves. */
  readonly over: boolean;
}

/** Body at the start of a round. */
export function initialRunnerBody(): RunnerBody {
  return { tick: 0, x: 0, y: 0, vy: 0, duck: false, standing: true, over: false };
}

/** Ducking for real (duck held on the ground), as the renderer shows it. */
export function bodyDucking(b: RunnerBody): boolean {
  return b.duck && b.y === 0;
}

/** Distance every standing runner has run at tick `tick` (state.tick): Σ speedAt(t) for COUNTDOWN_TICKS ≤ t < tick. Exact. */
export function runDistance(tick: number): number {
  let x = 0;
  for (let start = COUNTDOWN_TICKS; start < tick; start += SPEED_INTERVAL_TICKS) {
    const end = Math.min(tick, start + SPEED_INTERVAL_TICKS);
    x += (end - start) * speedAt(start);
  }
  return x;
}

/**
 * One tick of one body with the room's rules: nothing moves during the
 * countdown (inputs have no effect at all), then the tick's inputs are merged
 * (last value per field wins) and `movePlayer` runs at `speedAt(tick)`. A
 * knocked-out body only advances the tick. As in the room, the match is over
 * once the tick reaches `maxTicks`, and a finished body is returned unchanged
 * (its tick no longer advances).
 */
export function stepRunnerBody(body: RunnerBody, inputs: readonly TickInput<RunnerInput>[], maxTicks: number = MAX_TICKS): RunnerBody {
  const t = body.tick;
  if (body.over || t >= maxTicks) return body.over ? body : { ...body, over: true };
  const over = t + 1 >= maxTicks;
  if (!body.standing || t < COUNTDOWN_TICKS) return { ...body, tick: t + 1, over };
  const cmd = inputs.length === 0 ? null : (mergeInputs(inputs.map((i) => ({ seat: 0, input: i.input })), 1)[0] ?? null);
  const p = movePlayer({ x: body.x, y: body.y, vy: body.vy, duck: body.duck, inputs: 0, outAt: null }, cmd, speedAt(t));
  return { tick: t + 1, x: p.x, y: p.y, vy: p.vy, duck: p.duck, standing: true, over };
}

/** The body physics as a PredictionSpec (for `Predictor`). */
export function runnerBodySpec(maxTicks: number = MAX_TICKS): PredictionSpec<RunnerBody, RunnerInput> {
  return {
    step: (state, inputs) => ({ state: stepRunnerBody(state, inputs, maxTicks) }),
    tick: (state) => state.tick,
    inputTick: (input) => input.tick,
  };
}

/** Misprediction of a body in mu: the straight-line distance between the two positions. */
export function runnerBodyDistance(a: RunnerBody, b: RunnerBody): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}
