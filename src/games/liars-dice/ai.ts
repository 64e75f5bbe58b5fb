/**
 * Liar's Dice AI levels. The AI decides from the seat's view alone (its own
 * dice, the dice counts, the bids): `choose` in index.ts passes it
 * `view(state, seat)`, so it cannot see another seat's dice even by mistake.
 * Deterministic for a given view, level and seed; randomness is `new Rng(seed)`.
 *
 * easy: ignores the wild ones when judging a bid, calls only clearly unlikely
 *   bids and otherwise raises at random by up to two dice.
 * medium: judges bids with the right odds but raises to a random bid that is
 *   at least even money, and calls below a fixed threshold.
 * hard: compares the chance the standing bid is a lie with the chance its own
 *   best raise is true and takes the better; raises to the likeliest bid.
 */
import { Rng } from "../rng";
import { legalBids, type BidValue } from "./bids";
import { bidTrueChance } from "./ai-odds";
import type { LiarsDiceInput } from "./schema";
import { FACES } from "./state";
import type { LiarsDiceView } from "./view";

export const LIARS_DICE_AI_LEVELS = ["easy", "medium", "hard"] as const;
export type LiarsDiceLevel = (typeof LIARS_DICE_AI_LEVELS)[number];

export function isLevel(level: string): level is LiarsDiceLevel {
  return (LIARS_DICE_AI_LEVELS as readonly string[]).includes(level);
}

/** What a level needs to know, all of it from the view. */
interface Situation {
  readonly own: readonly number[];
  /** Dice the AI cannot see. */
  readonly unknown: number;
  readonly total: number;
  readonly standing: BidValue | null;
  readonly raises: BidValue[];
}

const LIAR: LiarsDiceInput = { type: "liar" };

function bidInput(b: BidValue): LiarsDiceInput {
  return { type: "bid", quantity: b.quantity, face: b.face };
}

function situationOf(view: LiarsDiceView): Situation {
  const own = view.myDice ?? [];
  const standing = view.currentBid === null ? null : { quantity: view.currentBid.quantity, face: view.currentBid.face };
  return { own, unknown: view.totalDice - own.length, total: view.totalDice, standing, raises: legalBids(standing, view.totalDice) };
}

/** The naive count: own exact matches plus a sixth of the unseen dice (wild ones forgotten). */
function naiveExpected(s: Situation, face: number): number {
  return s.own.filter((d) => d === face).length + s.unknown / FACES;
}

function easy(s: Situation, rng: Rng): LiarsDiceInput {
  const bid = s.standing;
  if (bid === null) {
    const quantity = 1 + rng.int(Math.max(1, Math.floor(s.total / 4)));
    return bidInput({ quantity: Math.min(quantity, s.total), face: 1 + rng.int(FACES) });
  }
  // "Clearly unlikely": more than two dice above the naive expectation.
  if (s.raises.length === 0 || bid.quantity > naiveExpected(s, bid.face) + 2) return LIAR;
  const close = s.raises.filter((r) => r.quantity <= bid.quantity + 2);
  return bidInput(close[rng.int(close.length)] ?? (s.raises[0] as BidValue));
}

function medium(s: Situation, rng: Rng): LiarsDiceInput {
  const bid = s.standing;
  if (bid !== null && (s.raises.length === 0 || bidTrueChance(s.own, s.unknown, bid.quantity, bid.face) < 0.35)) return LIAR;
  const fair = s.raises.filter((r) => bidTrueChance(s.own, s.unknown, r.quantity, r.face) >= 0.5);
  if (fair.length > 0) return bidInput(fair[rng.int(fair.length)] as BidValue);
  return bid === null ? bidInput(s.raises[0] ?? { quantity: 1, face: 1 }) : LIAR;
}

/**
 * The raise most likely to be true; among near-equal chances (within 1e-9,
 * float noise) the lowest bid, then a seeded pick so the AI is not fully
 * predictable. Raising no higher than needed keeps the next player's options
 * as risky as possible.
 */
function bestRaise(s: Situation, rng: Rng): { bid: BidValue; chance: number } | null {
  let best = -1;
  let ties: BidValue[] = [];
  for (const r of s.raises) {
    const c = bidTrueChance(s.own, s.unknown, r.quantity, r.face);
    if (c > best + 1e-9) {
      best = c;
      ties = [r];
    } else if (c > best - 1e-9 && ties[0]?.quantity === r.quantity) {
      ties.push(r);
    }
  }
  if (ties.length === 0) return null;
  return { bid: ties[rng.int(ties.length)] as BidValue, chance: best };
}

function hard(s: Situation, rng: Rng): LiarsDiceInput {
  const raise = bestRaise(s, rng);
  const bid = s.standing;
  if (bid === null) return bidInput(raise?.bid ?? { quantity: 1, face: FACES });
  const lie = 1 - bidTrueChance(s.own, s.unknown, bid.quantity, bid.face);
  if (raise === null || lie > raise.chance) return LIAR;
  return bidInput(raise.bid);
}

/**
 * Choose an input from a seat's view. Unknown levels play as "medium", the
 * room's default. A view that is not this seat's turn (or is over) still gets
 * a well-formed input, which `apply` then refuses.
 */
export function chooseFromView(view: LiarsDiceView, level: string, seed: number): LiarsDiceInput {
  const s = situationOf(view);
  const rng = new Rng(seed);
  const lvl: LiarsDiceLevel = isLevel(level) ? level : "medium";
  if (lvl === "easy") return easy(s, rng);
  if (lvl === "hard") return hard(s, rng);
  return medium(s, rng);
}
