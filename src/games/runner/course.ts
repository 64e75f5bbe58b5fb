/**
 * The course: obstacle geometry and lazy, seeded generation.
 *
 * The course is an endless sequence of obstacles drawn from the RNG state kept
 * in the game state. Only the stretch that matters is stored: obstacles are
 * generated until one would start LOOKAHEAD past the leader, and dropped once
 * every standing runner has passed them. Each draw takes one 32-bit value: bit
 * 0 picks the kind, the other bits the random part of the following gap.
 *
 * Spacing: the free run between one obstacle's right edge and the next one's
 * left edge is at least MIN_GAP_TICKS ticks (plus MIN_GAP_EXTRA mu) at the
 * fastest speed the runner can have when they get there, which is enough to
 * land from a jump (29 ticks) and jump again or duck, at every speed. A gap
 * lies at most LOOKAHEAD / START_SPEED = 200 ticks ahead when generated, less
 * than one speed interval (300 ticks), so speed + 2 steps is a safe bound.
 *
 * With these numbers the stored obstacles span less than LOOKAHEAD + the widest
 * obstacle (20,600 mu) and are at least 5,720 mu apart, so there are never more
 * than QUANT_OBSTACLES (4) of them.
 */
import { nextRandom } from "../rng";
import {
  GAP_SPREAD_TICKS,
  HIGH_BOTTOM,
  HIGH_TOP,
  HIGH_WIDTH,
  LOOKAHEAD,
  LOW_TOP,
  LOW_WIDTH,
  MAX_SPEED,
  MIN_GAP_EXTRA,
  MIN_GAP_TICKS,
  SPEED_STEP,
  type ObstacleKind,
  type RunnerObstacle,
} from "./constants";

export interface ObstacleBox {
  readonly width: number;
  /** Lowest point, mu above the ground. */
  readonly bottom: number;
  /** Highest point, mu above the ground. */
  readonly top: number;
}

const LOW_BOX: ObstacleBox = { width: LOW_WIDTH, bottom: 0, top: LOW_TOP };
const HIGH_BOX: ObstacleBox = { width: HIGH_WIDTH, bottom: HIGH_BOTTOM, top: HIGH_TOP };

export function obstacleBox(kind: ObstacleKind): ObstacleBox {
  return kind === "low" ? LOW_BOX : HIGH_BOX;
}

/** The fastest a runner can be going by the time they reach an obstacle generated at `speed`. */
export function gapSpeed(speed: number): number {
  return Math.min(MAX_SPEED, speed + 2 * SPEED_STEP);
}

/** Smallest free run (right edge to next left edge) for obstacles generated at `speed`. */
export function minGap(speed: number): number {
  return gapSpeed(speed) * MIN_GAP_TICKS + MIN_GAP_EXTRA;
}

export interface Course {
  readonly rng: number;
  readonly nextObstacleX: number;
  readonly obstacles: readonly RunnerObstacle[];
}

/**
 * Generate obstacles until the next one would start at or beyond `leaderX + LOOKAHEAD`.
 * Returns the input unchanged (same arrays) when nothing needs generating.
 */
export function extendCourse(course: Course, speed: number, leaderX: number): Course {
  if (course.nextObstacleX >= leaderX + LOOKAHEAD) return course;
  let rng = course.rng;
  let nextX = course.nextObstacleX;
  const obstacles = course.obstacles.slice();
  const gs = gapSpeed(speed);
  while (nextX < leaderX + LOOKAHEAD) {
    const r = nextRandom(rng);
    rng = r.state;
    const kind: ObstacleKind = (r.value & 1) === 1 ? "high" : "low";
    obstacles.push({ kind, x: nextX });
    const extra = (r.value >>> 1) % (gs * GAP_SPREAD_TICKS);
    nextX = nextX + obstacleBox(kind).width + minGap(speed) + extra;
  }
  return { rng, nextObstacleX: nextX, obstacles };
}

/** Drop obstacles whose right edge is at or behind `rearX` (the rearmost standing runner's left edge). */
export function pruneCourse(obstacles: readonly RunnerObstacle[], rearX: number): readonly RunnerObstacle[] {
  let drop = 0;
  while (drop < obstacles.length) {
    const o = obstacles[drop] as RunnerObstacle;
    if (o.x + obstacleBox(o.kind).width > rearX) break;
    drop++;
  }
  return drop === 0 ? obstacles : obstacles.slice(drop);
}
