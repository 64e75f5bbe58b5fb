/**
 * Seeded, platform-independent pseudo-random numbers for games.
 *
 * mulberry32: 32-bit state, integer-only arithmetic via Math.imul, so every
 * JavaScript engine produces the same sequence. The state is a plain number,
 * which lets games keep it inside their serialisable state.
 */

/** Advance the generator: returns the next 32-bit unsigned value and the next state. */
export function nextRandom(state: number): { value: number; state: number } {
  const s = (state + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { value: (t ^ (t >>> 14)) >>> 0, state: s };
}

/** A convenience stream over `nextRandom` for code that owns its generator locally. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    const r = nextRandom(this.state);
    this.state = r.state;
    return r.value;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return this.u32() % n;
  }
  /** Uniform float in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }
}

/** Mix two 32-bit values into a new seed (for per-round or per-move seeds). */
export function mixSeed(a: number, b: number): number {
  let h = (a ^ Math.imul(b + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}
