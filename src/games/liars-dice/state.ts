/** Liar's Dice state: plain-data types, fixed constants and the rule-violation codes. */
import type { Seat } from "../types";

/** Faces of a die, 1..FACES. */
export const FACES = 6;
/** Dice each player starts with when the match options do not say otherwise. */
export const DEFAULT_DICE = 5;
/** Most dice a player may start with (the options schema's bound). */
export const MAX_DICE = 5;
/** Fewest and most seats at the table. */
export const MIN_SEATS = 2;
export const MAX_SEATS = 6;

/** Why a seat left the match: it lost its last die, or the room forfeited it. */
export type LdOutReason = "dice" | "timeout" | "forfeit" | "resign";
export type LdEndReason = "win" | "timeout" | "forfeit" | "resign";

/** A bid: "there are at least `quantity` dice showing `face`" (ones wild unless `face` is 1). */
export interface LdBid {
  readonly seat: Seat;
  readonly quantity: number;
  readonly face: number;
}

export interface LdPlayer {
  /** Dice the seat holds (0 once out). */
  readonly count: number;
  /** The running hand's dice in roll order (length `count`); [] when out or when no hand runs (match over). */
  readonly dice: readonly number[];
  /** Hand number in which the seat went out, or null while it is in. */
  readonly outHand: number | null;
  readonly outReason: LdOutReason | null;
}

/** What a challenge revealed. Public from the moment of the challenge. */
export interface LdReveal {
  readonly hand: number;
  readonly challenger: Seat;
  /** The seat that made the challenged bid. */
  readonly bidder: Seat;
  readonly quantity: number;
  readonly face: number;
  /** Every seat's dice of that hand, indexed by seat ([] for seats already out). */
  readonly dice: readonly (readonly number[])[];
  /** Dice matching the bid under the wild-ones rule. */
  readonly count: number;
  /** The seat that lost a die: the challenger if `count >= quantity`, else the bidder. */
  readonly loser: Seat;
  /** The loser had no dice left afterwards. */
  readonly loserOut: boolean;
}

/**
 * The whole game state. Plain data only (arrays, numbers, strings, null) so the
 * room can persist it with msgpack and replay it; every field is always present
 * because msgpack drops `undefined`. `seed` is kept because later hands are
 * rolled from it; the state never leaves the server (clients get `view`).
 */
export interface LiarsDiceState {
  /** The round seed given to `create`; hand h rolls from mixSeed(seed, h). */
  readonly seed: number;
  readonly startDice: number;
  /** Current hand number, from 1. */
  readonly hand: number;
  /** Seat that opened the current hand. */
  readonly opener: Seat;
  /** Seat to move; meaningless once `over` (the definition's `turn()` returns null then). */
  readonly turn: Seat;
  readonly players: readonly LdPlayer[];
  /** Bids of the current hand, oldest first; the last one is the standing bid. */
  readonly bids: readonly LdBid[];
  /** The most recent challenge of the match, or null before the first. */
  readonly lastReveal: LdReveal | null;
  /** Seats in the order they went out (ranking reads it backwards). */
  readonly outOrder: readonly Seat[];
  readonly winner: Seat | null;
  readonly over: boolean;
  readonly endReason: LdEndReason | null;
}

/** Rule-violation codes returned by `apply`; exact strings are part of the wire contract. */
export const LIARS_DICE_ERRORS = {
  MATCH_OVER: "MATCH_OVER",
  NOT_YOUR_TURN: "NOT_YOUR_TURN",
  BAD_FACE: "BAD_FACE",
  BAD_QUANTITY: "BAD_QUANTITY",
  BID_TOO_LOW: "BID_TOO_LOW",
  NO_BID_TO_CHALLENGE: "NO_BID_TO_CHALLENGE",
} as const;
export type LiarsDiceErrorCode = (typeof LIARS_DICE_ERRORS)[keyof typeof LIARS_DICE_ERRORS];

/** Dice still in play (the sum of every seat's count). */
export function totalDice(state: Pick<LiarsDiceState, "players">): number {
  let n = 0;
  for (const p of state.players) n += p.count;
  return n;
}

export function isIn(state: Pick<LiarsDiceState, "players">, seat: number): boolean {
  return (state.players[seat]?.count ?? 0) > 0;
}

/** Seats still holding dice, ascending. */
export function seatsIn(state: Pick<LiarsDiceState, "players">): Seat[] {
  const out: Seat[] = [];
  state.players.forEach((p, s) => {
    if (p.count > 0) out.push(s);
  });
  return out;
}

/**
 * The first seat after `seat` (cyclic, ascending) that still holds dice; `seat`
 * itself only if nobody else does. Play always passes to the left this way.
 */
export function nextSeatIn(state: Pick<LiarsDiceState, "players">, seat: Seat): Seat {
  const n = state.players.length;
  for (let k = 1; k <= n; k++) {
    const s = (seat + k) % n;
    if (isIn(state, s)) return s;
  }
  return seat;
}
