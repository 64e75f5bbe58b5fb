/** The queue's pure decisions: who plays whom, when an AI or a ready time steps in, and the rating window. */
import { describe, expect, it } from "vitest";
import { formGroups, nextDecisionAt, ratingWindow, WINDOW_OPEN_MS, type QueueShape, type Waiting } from "../../src/matchmaking/grouping";
import { rateRound, seatRanks, DEFAULT_RATING } from "../../src/matchmaking/ratings";

const c4: QueueShape = { kind: "turn-based", seats: 2, minSeats: 2, hasAi: true, readyMs: 0 };
const runner: QueueShape = { kind: "real-time", seats: 4, minSeats: 1, hasAi: false, readyMs: 5_000 };
const p = (id: string, rating: number, joinedAt: number, aiAfterMs: number | null = null): Waiting => ({ ticketId: id, playerId: id, name: id, rating, joinedAt, aiAfterMs });

describe("formGroups", () => {
  it("pairs players within the rating window and leaves a distant one waiting", () => {
    const groups = formGroups([p("a", 25, 0), p("b", 27, 1), p("c", 40, 2)], c4, 10);
    expect(groups.map((g) => g.players.map((x) => x.ticketId))).toEqual([["a", "b"]]);
  });

  it("widens the window with waiting time until anyone can meet", () => {
    const far = [p("a", 25, 0), p("c", 40, 0)];
    expect(formGroups(far, c4, 0)).toEqual([]);
    expect(ratingWindow(0)).toBe(3);
    expect(ratingWindow(10_000)).toBe(9);
    expect(formGroups(far, c4, 20_000)).toHaveLength(1); // window 15 ≥ distance 15
    expect(ratingWindow(WINDOW_OPEN_MS)).toBe(Infinity);
  });

  it("offers an AI to a lone turn-based player only after their aiAfterMs", () => {
    expect(formGroups([p("a", 25, 0, 1_000)], c4, 999)).toEqual([]);
    expect(formGroups([p("a", 25, 0, 1_000)], c4, 1_000)).toEqual([{ players: [p("a", 25, 0, 1_000)], mode: "ai" }]);
    expect(formGroups([p("a", 25, 0, null)], c4, 1e9)).toEqual([]);
    expect(nextDecisionAt([p("a", 25, 0, 1_000)], c4, 10)).toBe(1_000);
  });

  it("starts a real-time group when full, or with whoever waits after the ready time", () => {
    const four = ["a", "b", "c", "d"].map((id, i) => p(id, 25, i));
    expect(formGroups(four, runner, 10)[0]?.players).toHaveLength(4);
    const two = four.slice(0, 2);
    expect(formGroups(two, runner, 4_999)).toEqual([]);
    expect(formGroups(two, runner, 5_000)[0]?.players).toHaveLength(2);
    expect(nextDecisionAt(two, runner, 10)).toBe(5_000);
  });
});

describe("rateRound", () => {
  it("ranks by the game's ranking, else winner first, and a draw ties everyone", () => {
    expect(seatRanks({ winner: 2, reason: "win", ranking: [2, 0, 1] }, 3)).toEqual([2, 3, 1]);
    expect(seatRanks({ winner: 1, reason: "resign" }, 2)).toEqual([2, 1]);
    expect(seatRanks({ winner: null, reason: "draw" }, 2)).toEqual([1, 1]);
    expect(seatRanks({ winner: null, reason: "abandoned" }, 2)).toBeNull();
  });

  it("moves the winner up and the loser down, and counts the match", () => {
    const next = rateRound({ matchId: "m", round: 1, game: "g", players: ["a", "b"], result: { winner: 0, reason: "win" } }, [DEFAULT_RATING, DEFAULT_RATING]);
    expect(next?.[0]?.mu).toBeGreaterThan(DEFAULT_RATING.mu);
    expect(next?.[1]?.mu).toBeLessThan(DEFAULT_RATING.mu);
    expect(next?.map((r) => r.matches)).toEqual([1, 1]);
    expect(rateRound({ matchId: "m", round: 1, game: "g", players: ["a", "a"], result: { winner: 0, reason: "win" } }, [DEFAULT_RATING, DEFAULT_RATING])).toBeNull();
  });
});
