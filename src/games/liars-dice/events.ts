/**
 * The events Liar's Dice emits (type aliases, not interfaces, so they fit
 * GameEvent's index signature). Only `yourDice` carries unrevealed dice, and it
 * is always addressed to its own seat (`to: {seat}`); everything else goes to
 * everyone and carries dice only after a challenge has revealed them.
 */
import type { Actor, Seat } from "../types";
import type { LdEndReason, LdOutReason, LiarsDiceState } from "./state";

export type HandStartedEvent = {
  readonly type: "handStarted";
  readonly hand: number;
  readonly opener: Seat;
  /** Dice per seat for this hand (0 for seats out). */
  readonly diceCounts: number[];
  /** What ended the previous hand: a challenge, or a forfeit that voided it. */
  readonly after: "challenge" | "forfeit";
};

export type YourDiceEvent = {
  readonly type: "yourDice";
  readonly to: { readonly seat: Seat };
  readonly hand: number;
  readonly dice: number[];
};

export type BidEvent = {
  readonly type: "bid";
  readonly seat: Seat;
  readonly by: Actor;
  readonly hand: number;
  readonly quantity: number;
  readonly face: number;
};

export type ChallengeEvent = {
  readonly type: "challenge";
  /** The challenger. */
  readonly seat: Seat;
  readonly by: Actor;
  readonly hand: number;
  readonly bidder: Seat;
  readonly quantity: number;
  readonly face: number;
  /** The hand's dice, revealed: every seat's dice by seat ([] for seats out). */
  readonly dice: number[][];
  readonly count: number;
  readonly loser: Seat;
  readonly loserOut: boolean;
};

export type PlayerOutEvent = {
  readonly type: "playerOut";
  readonly seat: Seat;
  readonly hand: number;
  readonly reason: LdOutReason;
};

export type GameOverEvent = {
  readonly type: "gameOver";
  readonly winner: Seat | null;
  readonly reason: LdEndReason;
  readonly ranking: Seat[];
};

export type LiarsDiceEvent = HandStartedEvent | YourDiceEvent | BidEvent | ChallengeEvent | PlayerOutEvent | GameOverEvent;

/** `handStarted` for everyone, then one `yourDice` per seat still in, addressed to that seat alone. */
export function handStartEvents(state: LiarsDiceState, after: HandStartedEvent["after"]): LiarsDiceEvent[] {
  const events: LiarsDiceEvent[] = [
    { type: "handStarted", hand: state.hand, opener: state.opener, diceCounts: state.players.map((p) => p.count), after },
  ];
  state.players.forEach((p, seat) => {
    if (p.count > 0) events.push({ type: "yourDice", to: { seat }, hand: state.hand, dice: p.dice.slice() });
  });
  return events;
}
