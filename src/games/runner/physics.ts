/**
 * One runner's physics for one racing tick, and collision with the course.
 *
 * Order within a tick: the tick's (merged) input sets the duck button, then a
 * jump starts if asked for; then gravity, vertical motion and landing; then the
 * runner moves forward by the course speed; then collision is tested in the
 * new position.
 *
 * Rules:
 * - A jump starts only from the ground and not while duck is held (release duck
 *   first; one input may carry `duck: false, jump: true`, duck is applied first).
 * - Duck is a held state. On the ground it lowers the body to DUCK_HEIGHT; in
 *   the air the body keeps its full height and gravity triples (fast fall), so
 *   ducking mid-air is a way to land sooner, never a way under an obstacle.
 * - Bodies and obstacles are half-open boxes [left, right) x [bottom, top);
 *   they collide iff both ranges overlap.
 */
import { obstacleBox } from "./course";
import {
  DUCK_HEIGHT,
  FAST_FALL_GRAVITY,
  GRAVITY,
  JUMP_VELOCITY,
  PLAYER_HEIGHT,
  PLAYER_WIDTH,
  type RunnerObstacle,
  type RunnerPlayer,
} from "./constants";

/** What one seat asked for at one tick, after merging that tick's inputs (last value of each field wins). */
export interface SeatCommand {
  /** A jump was pressed. */
  readonly jump: boolean;
  /** The new duck button state, or null when no input this tick mentioned it. */
  readonly duck: boolean | null;
  /** How many inputs were merged into this command. */
  readonly count: number;
}

export function isGrounded(p: RunnerPlayer): boolean {
  return p.y === 0;
}

/** Ducking for real: duck held while on the ground. */
export function isDucking(p: RunnerPlayer): boolean {
  return p.duck && p.y === 0;
}

export function bodyHeight(p: RunnerPlayer): number {
  return isDucking(p) ? DUCK_HEIGHT : PLAYER_HEIGHT;
}

/** Advance a standing runner by one racing tick at `speed` (mu per tick). Pure. */
export function movePlayer(p: RunnerPlayer, cmd: SeatCommand | null, speed: number): RunnerPlayer {
  return cmd === null ? advanceRunner(p, false, null, 0, speed) : advanceRunner(p, cmd.jump, cmd.duck, cmd.count, speed);
}

/**
 * `movePlayer` with the command's fields passed separately, so the simulation can merge a seat's
 * inputs without building a SeatCommand (step runs 60 times a second per room; issue 12). Builds
 * exactly one new runner, fields in the order of RunnerPlayer (the state hash encodes that order).
 */
export function advanceRunner(p: RunnerPlayer, jump: boolean, duckCmd: boolean | null, count: number, speed: number): RunnerPlayer {
  const duck = duckCmd !== null ? duckCmd : p.duck;
  let y = p.y;
  let vy = p.vy;
  if (jump && y === 0 && !duck) vy = JUMP_VELOCITY;
  if (y > 0 || vy > 0) {
    vy = vy - (duck ? FAST_FALL_GRAVITY : GRAVITY);
    y = y + vy;
    if (y <= 0) {
      y = 0;
      vy = 0;
    }
  }
  return { x: p.x + speed, y, vy, duck, inputs: p.inputs + count, outAt: p.outAt };
}

/** The runner knocked out at `tick`, frozen where it is (same field order as every other runner). */
export function knockedOut(p: RunnerPlayer, tick: number): RunnerPlayer {
  return { x: p.x, y: p.y, vy: 0, duck: p.duck, inputs: p.inputs, outAt: tick };
}

/** Does the runner's body overlap any obstacle? */
export function collides(p: RunnerPlayer, obstacles: readonly RunnerObstacle[]): boolean {
  const left = p.x;
  const right = p.x + PLAYER_WIDTH;
  const bottom = p.y;
  const top = p.y + bodyHeight(p);
  // An index loop: for-of may allocate an iterator before the function is optimised.
  for (let i = 0; i < obstacles.length; i++) {
    const o = obstacles[i] as RunnerObstacle;
    if (o.x >= right) break; // sorted by x: nothing further can touch
    const box = obstacleBox(o.kind);
    if (left < o.x + box.width && bottom < box.top && box.bottom < top) return true;
  }
  return false;
}
