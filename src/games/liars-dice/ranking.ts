/**
 * Ranking and the end of a match.
 *
 * Order (sent as `result.ranking`, best first): the winner; then the seats that
 * lost their last die, the later out the better (each challenge puts out at
 * most one seat, so there are no ties); then the seats removed by timeout,
 * forfeit or resignation, the later the better. Forfeited seats always rank
 * below seats that played their dice out, whatever the order of events.
 */
import type { MatchResult, Seat } from "../types";
import type { GameOverEvent } from "./events";
import type { LiarsDiceState } from "./state";

export function rankSeats(state: LiarsDiceState): Seat[] {
  const latestFirst = state.outOrder.slice().reverse();
  const ranking: Seat[] = [];
  // Seats still in (only the winner once the match is over) lead, ascending.
  state.players.forEach((p, seat) => {
    if (p.outReason === null) ranking.push(seat);
  });
  for (const s of latestFirst) if (state.players[s]?.outReason === "dice") ranking.push(s);
  for (const s of latestFirst) if (state.players[s]?.outReason !== "dice") ranking.push(s);
  return ranking;
}

export function liarsDiceResult(state: LiarsDiceState): MatchResult | null {
  if (!state.over || state.endReason === null) return null;
  return {
    winner: state.winner,
    reason: state.endReason,
    ranking: rankSeats(state),
    detail: {
      hands: state.hand,
      outHands: state.players.map((p) => p.outHand),
      outReasons: state.players.map((p) => p.outReason),
    },
  };
}

export function gameOverEvent(state: LiarsDiceState): GameOverEvent {
  return { type: "gameOver", winner: state.winner, reason: state.endReason ?? "win", ranking: rankSeats(state) };
}
