/**
 * What a seat may see. Hidden information lives only in `players[s].dice` of
 * the running hand; the view copies out the viewer's own dice and nobody
 * else's. Revealed dice (the last challenge) are public.
 */
import type { JsonValue, Seat } from "../types";
import { totalDice, type LdBid, type LdEndReason, type LdOutReason, type LdReveal, type LiarsDiceState } from "./state";

export interface LiarsDiceView {
  /** The seat this view is for, null for a spectator. */
  readonly seat: Seat | null;
  readonly hand: number;
  readonly opener: Seat;
  /** Seat to move, null once over. */
  readonly turn: Seat | null;
  /** The viewer's dice of the running hand in roll order; [] once out or over; null for a spectator. */
  readonly myDice: number[] | null;
  readonly players: {
    readonly seat: Seat;
    /** Dice held (the count is public; the faces are not). */
    readonly dice: number;
    readonly out: boolean;
    readonly outHand: number | null;
    readonly outReason: LdOutReason | null;
  }[];
  readonly totalDice: number;
  readonly startDice: number;
  /** Bids of the running hand, oldest first. */
  readonly bids: LdBid[];
  /** The standing bid (the last of `bids`), or null at the start of a hand. */
  readonly currentBid: LdBid | null;
  /** The last challenge with every die it revealed, or null before the first. */
  readonly lastReveal: LdReveal | null;
  readonly winner: Seat | null;
  readonly over: boolean;
  readonly endReason: LdEndReason | null;
}

function copyReveal(r: LdReveal | null): LdReveal | null {
  return r === null ? null : { ...r, dice: r.dice.map((d) => d.slice()) };
}

export function viewOf(state: LiarsDiceState, seat: Seat | null): LiarsDiceView {
  const own = seat === null ? null : state.players[seat];
  const bids = state.bids.map((b) => ({ ...b }));
  return {
    seat,
    hand: state.hand,
    opener: state.opener,
    turn: state.over ? null : state.turn,
    myDice: seat === null ? null : own ? own.dice.slice() : [],
    players: state.players.map((p, s) => ({ seat: s, dice: p.count, out: p.count === 0, outHand: p.outHand, outReason: p.outReason })),
    totalDice: totalDice(state),
    startDice: state.startDice,
    bids,
    currentBid: bids[bids.length - 1] ?? null,
    lastReveal: copyReveal(state.lastReveal),
    winner: state.winner,
    over: state.over,
    endReason: state.endReason,
  };
}

/** Each seat's unrevealed dice while a hand runs, as `{hand, dice}`; nothing once the match is over. */
export function secretsOf(state: LiarsDiceState): { seat: Seat; value: JsonValue }[] {
  if (state.over) return [];
  const out: { seat: Seat; value: JsonValue }[] = [];
  state.players.forEach((p, seat) => {
    if (p.count > 0) out.push({ seat, value: { hand: state.hand, dice: p.dice.slice() } });
  });
  return out;
}
