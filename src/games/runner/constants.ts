/**
 * Runner constants and state types.
 *
 * Every length is an integer in milli-units ("mu", 1 unit = 1000 mu: a standing
 * runner is 1 unit tall); every speed is mu per tick and every acceleration mu
 * per tick per tick, at 60 ticks per second. Nothing in the simulation is a
 * float, so the server, client prediction and replays agree bit for bit.
 */

/** Milli-units per unit. */
export const SCALE = 1000;

export const TICK_HZ = 60;
export const SNAPSHOT_HZ = 20;
/** Nobody moves for the first 3 s (ticks 0..179). */
export const COUNTDOWN_TICKS = 3 * TICK_HZ;
/** Longest match: 90 s including the countdown. */
export const MAX_TICKS = 90 * TICK_HZ;
/** Default and bounds of the `durationSeconds` option (the whole match, countdown included). */
export const DEFAULT_DURATION_SECONDS = 90;
export const MIN_DURATION_SECONDS = 10;

// Runner body: an axis-aligned box whose left edge is the runner's distance x.
export const PLAYER_WIDTH = 500;
export const PLAYER_HEIGHT = 1000;
/** Height while ducking (only on the ground). */
export const DUCK_HEIGHT = 500;

// Vertical physics. A jump lasts 29 ticks and peaks at 630 mu (y after k ticks is 87k - 3k^2).
export const GRAVITY = 6;
/** Gravity while duck is held in the air: ducking mid-air is a fast fall, not a smaller body. */
export const FAST_FALL_GRAVITY = 18;
export const JUMP_VELOCITY = 90;

// Course speed: +10 every 5 s of racing, from 6 units/s up to 14.4 units/s (reached after 70 s).
export const START_SPEED = 100;
export const SPEED_STEP = 10;
export const SPEED_INTERVAL_TICKS = 5 * TICK_HZ;
export const MAX_SPEED = 240;

// Obstacles. "low" sits on the ground and must be jumped; "high" hangs above a ducking
// runner (bottom 600 > duck height 500) and is far too tall to jump over.
export const LOW_WIDTH = 400;
export const LOW_TOP = 400;
export const HIGH_WIDTH = 600;
export const HIGH_BOTTOM = 600;
export const HIGH_TOP = 3000;

// Course generation.
/** The first obstacle's left edge (2 s of running at the start speed). */
export const FIRST_OBSTACLE_X = 12_000;
/** Obstacles exist up to this far ahead of the leader; more are generated as runners advance. */
export const LOOKAHEAD = 20_000;
/** Minimum free run between obstacles, in ticks at the speed the runner may have by then (a jump lasts 29). */
export const MIN_GAP_TICKS = 36;
/** Extra minimum free run on top of MIN_GAP_TICKS, in mu. */
export const MIN_GAP_EXTRA = 1000;
/** Random extra free run: uniform in [0, GAP_SPREAD_TICKS * gapSpeed) mu (gapSpeed in course.ts). */
export const GAP_SPREAD_TICKS = 40;

/** Obstacles carried in a quantised frame; the course keeps at most this many in state (see course.ts). */
export const QUANT_OBSTACLES = 4;
/**
 * Obstacle slots in a quantised frame. An obstacle keeps its slot while it lives
 * (slot = ⌊x_cu / OBSTACLE_SLOT_SPAN_CU⌋ mod 5), so passing one changes only its own
 * slot instead of shifting every other one (a delta then carries just that slot).
 * Stored obstacles are at least 5,720 mu (572 cu) apart and span less than 20,600 mu,
 * and 4 × 5,720 > 20,600, so two live obstacles never share a slot.
 */
export const QUANT_OBSTACLE_SLOTS = 5;
/** Width of one slot's stretch of course, centi-units: the least spacing of two obstacles' left edges. */
export const OBSTACLE_SLOT_SPAN_CU = 572;

// Invariants of these constants, checked in test/unit/runner-sim.test.ts: MAX_SPEED is below
// PLAYER_WIDTH + the narrowest obstacle (no tunnelling through an obstacle in one tick),
// DUCK_HEIGHT < HIGH_BOTTOM < PLAYER_HEIGHT (ducking clears a high obstacle, standing does
// not), and the jump peak (630) is above LOW_TOP.

export type ObstacleKind = "low" | "high";

/** One obstacle of the shared course; its left edge is `x` (the width follows from the kind). */
export interface RunnerObstacle {
  readonly kind: ObstacleKind;
  readonly x: number;
}

export interface RunnerPlayer {
  /** Distance run (the left edge of the body), mu. */
  readonly x: number;
  /** Height of the feet above the ground, mu, >= 0; the runner is grounded iff y === 0. */
  readonly y: number;
  /** Vertical velocity, mu per tick, positive up; 0 on the ground. */
  readonly vy: number;
  /** The duck button is held (last `duck` received while racing). */
  readonly duck: boolean;
  /** Inputs applied while racing and still standing (used by the tie-break). */
  readonly inputs: number;
  /** The tick at which the runner was knocked out, or null while still standing. */
  readonly outAt: number | null;
}

/** How a match ended. */
export type RunnerEnd = "lastStanding" | "allOut" | "timeout";

/**
 * The whole game state: plain data, every field always present.
 * The course is identical for every seat; since speed is shared, every runner
 * still standing is at the same x, so a single obstacle list serves them all.
 */
export interface RunnerState {
  /** The next tick to simulate (0 for a new round). */
  readonly tick: number;
  /** The match ends when `tick` reaches this (countdown included). */
  readonly maxTicks: number;
  /** Current course speed, mu per tick. */
  readonly speed: number;
  /** mulberry32 state for course generation. */
  readonly rng: number;
  /** Left edge of the next obstacle to generate. */
  readonly nextObstacleX: number;
  readonly players: readonly RunnerPlayer[];
  /** Obstacles not yet passed by every standing runner, in course order. */
  readonly obstacles: readonly RunnerObstacle[];
  /** Null while the match runs. */
  readonly end: RunnerEnd | null;
}
