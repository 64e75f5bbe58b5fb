/**
 * Rolling and counting dice. Every roll comes from the round seed alone, so
 * anyone holding the revealed seed can recompute every hand (protocol section
 * "Verifying the dice").
 */
import { Rng, mixSeed } from "../rng";
import { FACES } from "./state";

/**
 * The dice of hand `hand` for seats holding `counts[s]` dice: one generator
 * `new Rng(mixSeed(seed, hand))`, drawn seat by seat in ascending seat order,
 * die by die, each die `1 + rng.int(6)` (`u32() % 6`: the modulo bias is below
 * 1e-9 and keeps the recipe one line). Seats with 0 dice draw nothing.
 */
export function rollHand(seed: number, hand: number, counts: readonly number[]): number[][] {
  const rng = new Rng(mixSeed(seed, hand));
  return counts.map((count) => {
    const dice: number[] = [];
    for (let k = 0; k < count; k++) dice.push(1 + rng.int(FACES));
    return dice;
  });
}

/** Does a die showing `die` count towards a bid on `face`? Ones are wild unless the bid is on ones. */
export function matchesFace(die: number, face: number): boolean {
  return die === face || (face !== 1 && die === 1);
}

/** Dice among `dice` that count towards a bid on `face`. */
export function countFace(dice: readonly number[], face: number): number {
  let n = 0;
  for (const d of dice) if (matchesFace(d, face)) n++;
  return n;
}

/** Dice across every seat's hand that count towards a bid on `face`. */
export function countAll(hands: readonly (readonly number[])[], face: number): number {
  let n = 0;
  for (const h of hands) n += countFace(h, face);
  return n;
}
