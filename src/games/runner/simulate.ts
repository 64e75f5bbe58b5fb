/**
 * The fixed-timestep simulation: new rounds, `step` (one tick) and forfeits.
 *
 * Tick t (state.tick before the step) is simulated as follows:
 * - t < COUNTDOWN_TICKS: countdown. Nobody moves; inputs are accepted but have
 *   no effect at all (not even on the held duck button, and they are not
 *   counted). A `countdown` event with the whole seconds left is emitted at
 *   t = 0, 60, 120 (remaining 3, 2, 1).
 * - t = COUNTDOWN_TICKS: `raceStarted`, then as below.
 * - racing: the course speed for t is set (`speedUp` when it rose, every
 *   SPEED_INTERVAL_TICKS); each standing seat's inputs of this tick are merged
 *   (per field, the last value wins) and its runner moves (physics.ts); the
 *   course is extended ahead of the leader; runners touching an obstacle are
 *   knocked out (`knockedOut`, frozen in place from then on); passed obstacles
 *   are dropped.
 * Then tick becomes t + 1 and the end conditions are checked (ranking.ts),
 * emitting `gameOver` once. Stepping a finished state returns it unchanged.
 */
import type { GameEvent, Seat, TickInput } from "../types";
import {
  COUNTDOWN_TICKS,
  FIRST_OBSTACLE_X,
  MAX_SPEED,
  SPEED_INTERVAL_TICKS,
  SPEED_STEP,
  START_SPEED,
  TICK_HZ,
  type RunnerObstacle,
  type RunnerPlayer,
  type RunnerState,
} from "./constants";
import { extendCourse, pruneCourse } from "./course";
import { advanceRunner, collides, knockedOut, type SeatCommand } from "./physics";
import { endOf, settleEnd } from "./ranking";

/** The fields of an input the simulation reads (the tick is the room's business). */
export interface RunnerControls {
  readonly jump?: boolean | undefined;
  readonly duck?: boolean | undefined;
}

export function createRunnerState(seed: number, seatCount: number, maxTicks: number): RunnerState {
  const players: RunnerPlayer[] = [];
  for (let i = 0; i < seatCount; i++) players.push({ x: 0, y: 0, vy: 0, duck: false, inputs: 0, outAt: null });
  const course = extendCourse({ rng: seed >>> 0, nextObstacleX: FIRST_OBSTACLE_X, obstacles: [] }, START_SPEED, 0);
  return {
    tick: 0,
    maxTicks,
    speed: START_SPEED,
    rng: course.rng,
    nextObstacleX: course.nextObstacleX,
    players,
    obstacles: course.obstacles,
    end: null,
  };
}

/** Course speed while simulating racing tick `t`. */
export function speedAt(t: number): number {
  const steps = Math.trunc((t - COUNTDOWN_TICKS) / SPEED_INTERVAL_TICKS);
  return Math.min(MAX_SPEED, START_SPEED + SPEED_STEP * steps);
}

/** Merge one tick's inputs per seat; seats out of range are ignored. (`step` applies the same rule in place, without the commands.) */
export function mergeInputs(inputs: readonly TickInput<RunnerControls>[], seatCount: number): (SeatCommand | null)[] {
  const out: (SeatCommand | null)[] = new Array<SeatCommand | null>(seatCount).fill(null);
  for (const { seat, input } of inputs) {
    if (!Number.isInteger(seat) || seat < 0 || seat >= seatCount) continue;
    const prev = out[seat] ?? { jump: false, duck: null, count: 0 };
    out[seat] = {
      jump: input.jump === undefined ? prev.jump : input.jump === true,
      duck: input.duck === undefined ? prev.duck : input.duck === true,
      count: prev.count + 1,
    };
  }
  return out;
}

/**
 * The `events` of every tick (and accepted input) that emits none, nearly all of them: one shared,
 * frozen array, so a quiet tick allocates none (issue 12: the room's per-tick garbage).
 */
export const NO_EVENTS: readonly GameEvent[] = Object.freeze([]);

function withEvent(events: GameEvent[] | null, event: GameEvent): GameEvent[] {
  if (events === null) return [event];
  events.push(event);
  return events;
}

/** Every state the simulation builds comes from this one literal: one shape (hidden class), fields in the hashed order. */
function makeState(
  tick: number,
  maxTicks: number,
  speed: number,
  rng: number,
  nextObstacleX: number,
  players: readonly RunnerPlayer[],
  obstacles: readonly RunnerObstacle[],
): RunnerState {
  return { tick, maxTicks, speed, rng, nextObstacleX, players, obstacles, end: null };
}

/** The step's result: `next`, settled (gameOver) when an end condition holds. */
function finish(next: RunnerState, events: GameEvent[] | null): { state: RunnerState; events: readonly GameEvent[] } {
  if (endOf(next) === null) return { state: next, events: events ?? NO_EVENTS };
  const out = events ?? [];
  return { state: settleEnd(next, out), events: out };
}

/**
 * One tick. Pure: `state` is never mutated, and whatever did not change is shared with it (the
 * players array during the countdown, knocked-out runners, the obstacles until the course is
 * extended or pruned). Built in one pass without intermediate arrays, commands or closures; a
 * racing tick of n standing runners allocates the result, the state, the players array and n
 * runners, plus an events array on the rare ticks that have events.
 */
export function step(state: RunnerState, inputs: readonly TickInput<RunnerControls>[]): { state: RunnerState; events: readonly GameEvent[] } {
  if (state.end !== null) return { state, events: NO_EVENTS };
  const t = state.tick;
  let events: GameEvent[] | null = null;

  if (t < COUNTDOWN_TICKS) {
    if (t % TICK_HZ === 0) events = [{ type: "countdown", remaining: Math.trunc((COUNTDOWN_TICKS - t + TICK_HZ - 1) / TICK_HZ) }];
    return finish(makeState(t + 1, state.maxTicks, state.speed, state.rng, state.nextObstacleX, state.players, state.obstacles), events);
  }

  if (t === COUNTDOWN_TICKS) events = withEvent(events, { type: "raceStarted" });
  const speed = speedAt(t);
  if (speed > state.speed) events = withEvent(events, { type: "speedUp", speed });

  // Every standing runner moves forward by exactly `speed`, so the leader after the move (which
  // decides how far the course is generated, before collisions are tested) is known beforehand.
  const before = state.players;
  let leader = 0;
  for (let seat = 0; seat < before.length; seat++) {
    const p = before[seat] as RunnerPlayer;
    if (p.outAt === null && p.x + speed > leader) leader = p.x + speed;
  }
  const course = extendCourse(state, speed, leader);

  // Copied on the first change (this step's own array, so filling it in is not a mutation of `state`).
  let players: RunnerPlayer[] | null = null;
  let rear = -1;
  for (let seat = 0; seat < before.length; seat++) {
    const p = before[seat] as RunnerPlayer;
    if (p.outAt !== null) continue;
    // This seat's inputs merged in place (mergeInputs' rule: per field the last value wins; other seats, out of range or not, never match).
    let jump = false;
    let duck: boolean | null = null;
    let count = 0;
    for (let k = 0; k < inputs.length; k++) {
      const ti = inputs[k] as TickInput<RunnerControls>;
      if (ti.seat !== seat) continue;
      count++;
      if (ti.input.jump !== undefined) jump = ti.input.jump === true;
      if (ti.input.duck !== undefined) duck = ti.input.duck === true;
    }
    let q = advanceRunner(p, jump, duck, count, speed);
    if (collides(q, course.obstacles)) {
      events = withEvent(events, { type: "knockedOut", seat, tick: t, distance: q.x, cause: "collision" });
      q = knockedOut(q, t);
    } else if (rear < 0 || q.x < rear) {
      rear = q.x;
    }
    players ??= before.slice();
    players[seat] = q;
  }

  // With nobody standing the match is over; keep the course as it was for the final frame.
  const obstacles = rear < 0 ? course.obstacles : pruneCourse(course.obstacles, rear);
  return finish(makeState(t + 1, state.maxTicks, speed, course.rng, course.nextObstacleX, players ?? before, obstacles), events);
}

/** Knock `seat` out where it stands (forfeit, timeout, resignation); the others race on. */
export function forfeitSeat(state: RunnerState, seat: Seat): { state: RunnerState; events: GameEvent[] } {
  const p = state.players[seat];
  if (state.end !== null || p === undefined || p.outAt !== null) return { state, events: [] };
  const events: GameEvent[] = [{ type: "knockedOut", seat, tick: state.tick, distance: p.x, cause: "forfeit" }];
  const players = state.players.map((q, i) => (i === seat ? knockedOut(q, state.tick) : q));
  return { state: settleEnd({ ...state, players }, events), events };
}
