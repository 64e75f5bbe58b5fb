/**
 * A seat leaves by timeout, grace expiry or resignation. Its dice leave the
 * table, and the running hand is voided (nobody loses a die for it): its bids
 * were made against dice that are no longer in play, so none of them can be
 * judged fairly. A new hand is rolled from the next hand number and opened by
 * the seat whose turn it was, or, if that was the leaving seat, the next seat
 * still in after it. When one seat is left, it wins with the forfeit's reason.
 */
import type { Seat } from "../types";
import { handStartEvents, type LiarsDiceEvent } from "./events";
import { gameOverEvent } from "./ranking";
import { finish, startHand } from "./rules";
import { isIn, nextSeatIn, seatsIn, type LdPlayer, type LiarsDiceState } from "./state";

/**
 * Returns the state unchanged with no events when the match is over, the seat
 * is not at the table, or it already lost its dice (a late timer or the grace
 * expiry of a seat that is already out must not rewrite anything).
 */
export function forfeitSeat(
  state: LiarsDiceState,
  seat: Seat,
  reason: "timeout" | "forfeit" | "resign",
): { state: LiarsDiceState; events: LiarsDiceEvent[] } {
  if (state.over || !Number.isInteger(seat) || !isIn(state, seat)) return { state, events: [] };
  const players = state.players.map((p, s): LdPlayer => (s === seat ? { count: 0, dice: [], outHand: state.hand, outReason: reason } : p));
  let next: LiarsDiceState = { ...state, players, outOrder: [...state.outOrder, seat] };
  const events: LiarsDiceEvent[] = [{ type: "playerOut", seat, hand: state.hand, reason }];

  const remaining = seatsIn(next);
  if (remaining.length <= 1) {
    next = finish(next, remaining[0] ?? seat, reason);
    events.push(gameOverEvent(next));
    return { state: next, events };
  }
  const opener = state.turn === seat ? nextSeatIn(next, seat) : state.turn;
  next = startHand(next, state.hand + 1, opener);
  events.push(...handStartEvents(next, "forfeit"));
  return { state: next, events };
}
