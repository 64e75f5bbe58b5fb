/**
 * Ratings from finished rated rounds: openskill's Weng-Lin model (Plackett-Luce, the library's
 * default), one rating per player and game. Pure: the ratings Durable Object stores what this returns.
 */
import { rate, rating as newRating, ordinal } from "openskill";
import type { MatchResult } from "../games/types";
import type { RoundReport } from "../protocol/matchmaking-api";

export type { RoundReport };

export interface StoredRating {
  readonly mu: number;
  readonly sigma: number;
  readonly matches: number;
}

export const DEFAULT_RATING: StoredRating = { ...newRating(), matches: 0 };

/**
 * Rank of each seat, 1 = best, equal ranks for ties: the game's ranking when it gives one, else the
 * winner first and everyone else tied behind (a draw ties everyone). Null when the round cannot be
 * rated (an abandoned room has no result worth rating).
 */
export function seatRanks(result: MatchResult, seats: number): number[] | null {
  if (result.reason === "abandoned") return null;
  if (result.ranking && result.ranking.length === seats && new Set(result.ranking).size === seats) {
    const ranks = new Array<number>(seats);
    result.ranking.forEach((seat, place) => (ranks[seat] = place + 1));
    return ranks;
  }
  if (result.winner === null) return new Array<number>(seats).fill(1);
  return Array.from({ length: seats }, (_, s) => (s === result.winner ? 1 : 2));
}

/** New ratings of the players of one round, by seat; null when the round is not ratable. */
export function rateRound(report: RoundReport, current: readonly StoredRating[]): StoredRating[] | null {
  const n = report.players.length;
  if (n < 2 || n > 16 || current.length !== n || new Set(report.players).size !== n) return null;
  const rank = seatRanks(report.result, n);
  if (!rank) return null;
  const teams = current.map((r) => [{ mu: r.mu, sigma: r.sigma }]);
  const rated = rate(teams, { rank });
  return rated.map((team, i) => {
    const r = team[0] ?? current[i] ?? DEFAULT_RATING;
    return { mu: r.mu, sigma: r.sigma, matches: (current[i]?.matches ?? 0) + 1 };
  });
}

export function ordinalOf(r: StoredRating): number {
  return ordinal({ mu: r.mu, sigma: r.sigma });
}
