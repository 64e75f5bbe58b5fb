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
  type RunnerPlayer,
  type RunnerState,
} from "./constants";
import { extendCourse, pruneCourse } from "./course";
import { collides, movePlayer, type SeatCommand } from "./physics";
import { settleEnd } from "./ranking";

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

/** Merge one tick's inputs per seat; seats out of range are ignored. */
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

export function step(state: RunnerState, inputs: readonly TickInput<RunnerControls>[]): { state: RunnerState; events: GameEvent[] } {
  if (state.end !== null) return { state, events: [] };
  const t = state.tick;
  const events: GameEvent[] = [];

  if (t < COUNTDOWN_TICKS) {
    if (t % TICK_HZ === 0) events.push({ type: "countdown", remaining: Math.trunc((COUNTDOWN_TICKS - t + TICK_HZ - 1) / TICK_HZ) });
    return { state: settleEnd({ ...state, tick: t + 1 }, events), events };
  }

  if (t === COUNTDOWN_TICKS) events.push({ type: "raceStarted" });
  const speed = speedAt(t);
  if (speed > state.speed) events.push({ type: "speedUp", speed });

  const commands = mergeInputs(inputs, state.players.length);
  let leader = 0;
  const moved = state.players.map((p, seat) => {
    if (p.outAt !== null) return p;
    const next = movePlayer(p, commands[seat] ?? null, speed);
    if (next.x > leader) leader = next.x;
    return next;
  });

  const course = extendCourse(state, speed, leader);
  let rear = -1;
  const players = moved.map((p, seat: Seat) => {
    if (p.outAt !== null) return p;
    if (collides(p, course.obstacles)) {
      events.push({ type: "knockedOut", seat, tick: t, distance: p.x, cause: "collision" });
      return { ...p, vy: 0, outAt: t };
    }
    if (rear < 0 || p.x < rear) rear = p.x;
    return p;
  });

  const next: RunnerState = {
    tick: t + 1,
    maxTicks: state.maxTicks,
    speed,
    rng: course.rng,
    nextObstacleX: course.nextObstacleX,
    players,
    // With nobody standing the match is over; keep the course as it was for the final frame.
    obstacles: rear < 0 ? course.obstacles : pruneCourse(course.obstacles, rear),
    end: null,
  };
  return { state: settleEnd(next, events), events };
}

/** Knock `seat` out where it stands (forfeit, timeout, resignation); the others race on. */
export function forfeitSeat(state: RunnerState, seat: Seat): { state: RunnerState; events: GameEvent[] } {
  const p = state.players[seat];
  if (state.end !== null || p === undefined || p.outAt !== null) return { state, events: [] };
  const events: GameEvent[] = [{ type: "knockedOut", seat, tick: state.tick, distance: p.x, cause: "forfeit" }];
  const players = state.players.map((q, i) => (i === seat ? { ...q, vy: 0, outAt: state.tick } : q));
  return { state: settleEnd({ ...state, players }, events), events };
}
