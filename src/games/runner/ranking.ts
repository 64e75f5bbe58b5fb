/**
 * Ranking and the end of a match.
 *
 * Tie-break rule (also sent as `result.detail.tieBreak`): seats are ordered by
 *   1. still standing before knocked out (the last one standing wins even when
 *      a rival was knocked out on the same tick at the same distance);
 *   2. greater distance;
 *   3. fewer inputs used (inputs applied while racing and standing);
 *   4. lower seat number.
 * Rule 4 separates everyone, so the result is always a "win" with a winner; a
 * "draw" cannot happen. In a solo run the only seat "wins"; its distance is the score.
 */
import type { GameEvent, MatchResult, Seat } from "../types";
import type { RunnerEnd, RunnerPlayer, RunnerState } from "./constants";

export const TIE_BREAK =
  "standing before knocked out, then greater distance, then fewer inputs used, then lower seat number";

function compare(a: RunnerPlayer, sa: Seat, b: RunnerPlayer, sb: Seat): number {
  const standA = a.outAt === null ? 0 : 1;
  const standB = b.outAt === null ? 0 : 1;
  if (standA !== standB) return standA - standB;
  if (a.x !== b.x) return b.x - a.x;
  if (a.inputs !== b.inputs) return a.inputs - b.inputs;
  return sa - sb;
}

/** All seats, best first, by the tie-break rule above. */
export function rankSeats(players: readonly RunnerPlayer[]): Seat[] {
  const seats = players.map((_, i) => i);
  return seats.sort((sa, sb) => compare(players[sa] as RunnerPlayer, sa, players[sb] as RunnerPlayer, sb));
}

export function standingCount(players: readonly RunnerPlayer[]): number {
  let n = 0;
  // An index loop: this runs every tick, and for-of allocated an iterator here (issue 12's profile).
  for (let i = 0; i < players.length; i++) if ((players[i] as RunnerPlayer).outAt === null) n++;
  return n;
}

/** How the match ends now, if it does: one (or, solo, no) runner left, or time is up. */
export function endOf(state: RunnerState): RunnerEnd | null {
  const standing = standingCount(state.players);
  if (standing === 0) return "allOut";
  if (standing === 1 && state.players.length >= 2) return "lastStanding";
  if (state.tick >= state.maxTicks) return "timeout";
  return null;
}

export function runnerResult(state: RunnerState): MatchResult | null {
  if (state.end === null) return null;
  const ranking = rankSeats(state.players);
  return {
    winner: ranking[0] ?? null,
    reason: "win",
    ranking,
    detail: {
      distances: state.players.map((p) => p.x),
      inputs: state.players.map((p) => p.inputs),
      end: state.end,
      tieBreak: TIE_BREAK,
    },
  };
}

/** Mark the state over when an end condition holds, with the gameOver event. */
export function settleEnd(state: RunnerState, events: GameEvent[]): RunnerState {
  if (state.end !== null) return state;
  const end = endOf(state);
  if (end === null) return state;
  const next: RunnerState = { ...state, end };
  const result = runnerResult(next) as MatchResult;
  events.push({
    type: "gameOver",
    winner: result.winner,
    reason: result.reason,
    end,
    ranking: result.ranking ?? [],
    distances: next.players.map((p) => p.x),
    tieBreak: TIE_BREAK,
  });
  return next;
}
