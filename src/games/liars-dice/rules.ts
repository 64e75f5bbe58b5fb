/** Liar's Dice pure rules: new rounds, new hands, bids and challenges. Inputs are never mutated. */
import type { Actor, Seat } from "../types";
import { isFace, isRaise } from "./bids";
import { countAll, rollHand } from "./dice";
import { handStartEvents, type LiarsDiceEvent } from "./events";
import { gameOverEvent } from "./ranking";
import {
  LIARS_DICE_ERRORS,
  isIn,
  nextSeatIn,
  seatsIn,
  totalDice,
  type LdPlayer,
  type LdReveal,
  type LiarsDiceErrorCode,
  type LiarsDiceState,
} from "./state";

export type RuleOutcome =
  | { readonly ok: true; readonly state: LiarsDiceState; readonly events: LiarsDiceEvent[] }
  | { readonly ok: false; readonly code: LiarsDiceErrorCode; readonly message: string };

function reject(code: LiarsDiceErrorCode, message: string): RuleOutcome {
  return { ok: false, code, message };
}

/**
 * Roll hand `hand` for the players' current counts and hand the opening bid to
 * `opener`. Bids are cleared; `lastReveal` stays (it is already public).
 */
export function startHand(state: LiarsDiceState, hand: number, opener: Seat): LiarsDiceState {
  const rolled = rollHand(state.seed, hand, state.players.map((p) => p.count));
  const players = state.players.map((p, s): LdPlayer => ({ ...p, dice: rolled[s] ?? [] }));
  return { ...state, hand, opener, turn: opener, players, bids: [] };
}

/**
 * A new round: every seat holds `startDice`, hand 1 is rolled at once and
 * `firstSeat` opens it (anything out of range is treated as seat 0). Hand 1
 * produces no events (create has none); each seat finds its dice in its view.
 */
export function createState(seed: number, startDice: number, seatCount: number, firstSeat: number): LiarsDiceState {
  const seats = Math.max(0, Math.floor(seatCount));
  const first = Number.isInteger(firstSeat) && firstSeat >= 0 && firstSeat < seats ? firstSeat : 0;
  const players: LdPlayer[] = [];
  for (let s = 0; s < seats; s++) players.push({ count: startDice, dice: [], outHand: null, outReason: null });
  const blank: LiarsDiceState = {
    seed: seed >>> 0,
    startDice,
    hand: 0,
    opener: first,
    turn: first,
    players,
    bids: [],
    lastReveal: null,
    outOrder: [],
    winner: null,
    over: false,
    endReason: null,
  };
  return startHand(blank, 1, first);
}

/** Checks shared by both inputs, in the order a player wants to hear them. */
function checkTurn(state: LiarsDiceState, seat: number): RuleOutcome | null {
  if (state.over) return reject(LIARS_DICE_ERRORS.MATCH_OVER, "The match is already over.");
  if (seat !== state.turn) {
    const why = isIn(state, seat) ? "" : ` (seat ${seat} has no dice left)`;
    return reject(LIARS_DICE_ERRORS.NOT_YOUR_TURN, `It is not seat ${seat}'s turn${why}; seat ${state.turn} moves next.`);
  }
  return null;
}

/** `seat` bids `quantity` dice showing `face`. */
export function placeBid(state: LiarsDiceState, seat: Seat, quantity: number, face: number, by: Actor): RuleOutcome {
  const refused = checkTurn(state, seat);
  if (refused) return refused;
  if (!isFace(face)) return reject(LIARS_DICE_ERRORS.BAD_FACE, `Face ${face} does not exist; bid a face from 1 to 6.`);
  const total = totalDice(state);
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > total) {
    return reject(LIARS_DICE_ERRORS.BAD_QUANTITY, `Quantity ${quantity} is impossible; bid from 1 to the ${total} dice in play.`);
  }
  const standing = state.bids[state.bids.length - 1] ?? null;
  if (!isRaise(standing, { quantity, face })) {
    const prev = standing as { quantity: number; face: number };
    const message = `A bid of ${quantity} × ${face} does not raise ${prev.quantity} × ${prev.face}: bid more dice, or as many of a higher face.`;
    return reject(LIARS_DICE_ERRORS.BID_TOO_LOW, message);
  }
  const next: LiarsDiceState = { ...state, bids: [...state.bids, { seat, quantity, face }], turn: nextSeatIn(state, seat) };
  return { ok: true, state: next, events: [{ type: "bid", seat, by, hand: state.hand, quantity, face }] };
}

/**
 * `seat` calls the standing bid a lie. Every die is revealed; if the dice
 * matching the bid (ones wild unless the bid is on ones) reach its quantity
 * the challenger loses a die, otherwise the bidder does. The loser opens the
 * next hand, or the next seat still in after it if that was its last die; the
 * match ends when one seat holds dice.
 */
export function callLiar(state: LiarsDiceState, seat: Seat, by: Actor): RuleOutcome {
  const refused = checkTurn(state, seat);
  if (refused) return refused;
  const bid = state.bids[state.bids.length - 1];
  if (bid === undefined) {
    return reject(LIARS_DICE_ERRORS.NO_BID_TO_CHALLENGE, "No bid has been made this hand; open with a bid.");
  }
  const hands = state.players.map((p) => p.dice.slice());
  const count = countAll(hands, bid.face);
  const loser = count >= bid.quantity ? seat : bid.seat;
  const loserCount = (state.players[loser]?.count ?? 1) - 1;
  const loserOut = loserCount === 0;
  const { quantity, face } = bid;
  const reveal: LdReveal = { hand: state.hand, challenger: seat, bidder: bid.seat, quantity, face, dice: hands, count, loser, loserOut };

  const players = state.players.map((p, s): LdPlayer => {
    if (s !== loser) return p;
    return loserOut ? { count: 0, dice: [], outHand: state.hand, outReason: "dice" } : { ...p, count: loserCount };
  });
  let next: LiarsDiceState = { ...state, players, lastReveal: reveal, outOrder: loserOut ? [...state.outOrder, loser] : state.outOrder };
  const events: LiarsDiceEvent[] = [
    { type: "challenge", seat, by, hand: state.hand, bidder: bid.seat, quantity, face, dice: hands.map((d) => d.slice()), count, loser, loserOut },
  ];
  if (loserOut) events.push({ type: "playerOut", seat: loser, hand: state.hand, reason: "dice" });

  const remaining = seatsIn(next);
  if (remaining.length <= 1) {
    next = finish(next, remaining[0] ?? seat, "win");
    events.push(gameOverEvent(next));
    return { ok: true, state: next, events };
  }
  next = startHand(next, state.hand + 1, loserOut ? nextSeatIn(next, loser) : loser);
  events.push(...handStartEvents(next, "challenge"));
  return { ok: true, state: next, events };
}

/** Mark the match over: no hand runs any more, so nobody holds secret dice. */
export function finish(state: LiarsDiceState, winner: Seat, reason: LiarsDiceState["endReason"]): LiarsDiceState {
  const players = state.players.map((p): LdPlayer => ({ ...p, dice: [] }));
  return { ...state, players, bids: [], winner, over: true, endReason: reason, turn: winner };
}
