/**
 * Odds for the AI. Arithmetic is + - * / only (no Math.pow), which IEEE 754
 * makes identical on every engine, so the same view and seed choose the same
 * move everywhere.
 */
import { countFace } from "./dice";

/** Chance a single unseen die counts towards a bid on `face`: itself or a wild one (1/3), or only ones (1/6). */
export function faceChance(face: number): number {
  return face === 1 ? 1 / 6 : 2 / 6;
}

/** P(X >= k) for X ~ Binomial(n, p), by summing the probability mass from k to n. */
export function binomialTail(n: number, p: number, k: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  const q = 1 - p;
  // pmf(0) = q^n by repeated multiplication, then pmf(i+1) = pmf(i) * (n-i)/(i+1) * p/q.
  let pmf = 1;
  for (let i = 0; i < n; i++) pmf *= q;
  let tail = 0;
  for (let i = 0; i <= n; i++) {
    if (i >= k) tail += pmf;
    pmf = (pmf * (n - i) * p) / ((i + 1) * q);
  }
  return Math.min(1, tail);
}

/**
 * Chance that a bid of `quantity` × `face` is true, seen by a player holding
 * `own` with `unknown` dice unseen: its own matching dice count for sure, each
 * unseen die independently with `faceChance(face)`.
 */
export function bidTrueChance(own: readonly number[], unknown: number, quantity: number, face: number): number {
  return binomialTail(unknown, faceChance(face), quantity - countFace(own, face));
}
