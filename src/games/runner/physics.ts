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
  const duck = cmd !== null && cmd.duck !== null ? cmd.duck : p.duck;
  let y = p.y;
  let vy = p.vy;
  if (cmd !== null && cmd.jump && y === 0 && !duck) vy = JUMP_VELOCITY;
  if (y > 0 || vy > 0) {
    vy = vy - (duck ? FAST_FALL_GRAVITY : GRAVITY);
    y = y + vy;
    if (y <= 0) {
      y = 0;
      vy = 0;
    }
  }
  return {
    x: p.x + speed,
    y,
    vy,
    duck,
    inputs: p.inputs + (cmd === null ? 0 : cmd.count),
    outAt: p.outAt,
  };
}

/** Does the runner's body overlap any obstacle? */
export function collides(p: RunnerPlayer, obstacles: readonly RunnerObstacle[]): boolean {
  const left = p.x;
  const right = p.x + PLAYER_WIDTH;
  const bottom = p.y;
  const top = p.y + bodyHeight(p);
  for (const o of obstacles) {
    if (o.x >= right) break; // sorted by x: nothing further can touch
    const box = obstacleBox(o.kind);
    if (left < o.x + box.width && bottom < box.top && box.bottom < top) return true;
  }
  return false;
}
