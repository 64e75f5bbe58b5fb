/** The set of vertical bodies (y, vy, duck) a quantised runner frame allows, and the apply-tick hypotheses that step them. */
import { FAST_FALL_GRAVITY, GRAVITY, JUMP_VELOCITY } from "../constants";
import { QUANT_LENGTH, type RunnerFrame } from "../quantize";
import type { RunnerInput } from "../schema";

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Every y and vy is a multiple of this (6 mu): jumps start from y = 0 and add multiples of it. */
export const RUNNER_VERTICAL_GRAIN = gcd(gcd(JUMP_VELOCITY, GRAVITY), FAST_FALL_GRAVITY);
/** Highest a jump reaches (630 mu): from the ground, only GRAVITY or more slows it. */
const PEAK = ((): number => {
  let y = 0;
  let peak = 0;
  for (let vy = JUMP_VELOCITY - GRAVITY; vy > 0; vy -= GRAVITY) peak = y += vy;
  return peak;
})();
/** Slowest (most negative) vy an airborne body can have, rounded down to the grain. */
const VY_MIN = -Math.ceil((Math.sqrt(2 * FAST_FALL_GRAVITY * PEAK) + 2 * FAST_FALL_GRAVITY) / RUNNER_VERTICAL_GRAIN) * RUNNER_VERTICAL_GRAIN;

export type Player = RunnerFrame["players"][number];

export interface Vertical {
  readonly y: number;
  readonly vy: number;
  readonly duck: boolean;
}

/**
 * A body a jump can produce: from the ground only GRAVITY or more slows the
 * rise, so carrying on at GRAVITY must not take it above the peak.
 */
function reachable(v: Vertical): boolean {
  let apex = v.y;
  for (let vy = v.vy - GRAVITY; vy > 0; vy -= GRAVITY) apex += vy;
  return apex <= PEAK;
}

export function consistent(v: Vertical, p: Player): boolean {
  return (
    Math.trunc(v.y / QUANT_LENGTH) * QUANT_LENGTH === p.y &&
    (v.y === 0) === p.grounded &&
    v.duck === p.duckHeld &&
    (v.duck && v.y === 0) === p.ducking &&
    reachable(v)
  );
}

/** Every body a single frame allows (y within its 10 mu, on the grain; any reachable vy). */
export function seedFrom(p: Player): Vertical[] {
  if (p.grounded) return [{ y: 0, vy: 0, duck: p.duckHeld }];
  const out: Vertical[] = [];
  for (let y = p.y; y < p.y + QUANT_LENGTH; y++) {
    if (y <= 0 || y > PEAK || y % RUNNER_VERTICAL_GRAIN !== 0) continue;
    for (let vy = VY_MIN; vy < JUMP_VELOCITY; vy += RUNNER_VERTICAL_GRAIN) {
      const v = { y, vy, duck: p.duckHeld };
      if (reachable(v)) out.push(v);
    }
  }
  return out;
}

export interface Applied {
  readonly input: RunnerInput;
  readonly lo: number;
  readonly hi: number;
}

/** Every assignment of apply ticks (each in [lo, hi]), capped at `cap` (then only the earliest, on-time one). */
export function hypotheses(applied: readonly Applied[], cap: number): number[][] {
  let count = 1;
  for (const a of applied) count *= a.hi - a.lo + 1;
  if (count > cap) return [applied.map((a) => a.lo)];
  let out: number[][] = [[]];
  for (const a of applied) {
    const next: number[][] = [];
    for (const h of out) for (let t = a.lo; t <= a.hi; t++) next.push([...h, t]);
    out = next;
  }
  return out;
}
