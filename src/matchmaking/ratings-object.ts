/**
 * The ratings store (binding RATINGS, one object named "global"): every player's rating per game, and
 * the (matchId, round) of every round already applied. `record` checks that key and applies the new
 * ratings in one synchronous SQLite transaction, so a report delivered twice (the room retries until
 * it hears back) changes ratings exactly once.
 */
import { DurableObject } from "cloudflare:workers";
import { logEvent } from "../shared/log";
import { DEFAULT_RATING, ordinalOf, rateRound, type RoundReport, type StoredRating } from "./ratings";

export const RATINGS_OBJECT_NAME = "global";

export type RecordOutcome = { applied: true } | { applied: false; reason: "duplicate" | "unratable" };

export interface RatingView {
  readonly game: string;
  readonly mu: number;
  readonly sigma: number;
  readonly ordinal: number;
  readonly matches: number;
}

export class RatingsObject extends DurableObject<unknown> {
  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS ratings (player TEXT NOT NULL, game TEXT NOT NULL, mu REAL NOT NULL, sigma REAL NOT NULL, matches INTEGER NOT NULL, PRIMARY KEY (player, game))");
    sql.exec("CREATE TABLE IF NOT EXISTS applied (match_id TEXT NOT NULL, round INTEGER NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (match_id, round))");
  }

  /** Apply one round's result, once: a repeated (matchId, round) is acknowledged and ignored. */
  async record(report: RoundReport): Promise<RecordOutcome> {
    return this.ctx.storage.transactionSync((): RecordOutcome => {
      const sql = this.ctx.storage.sql;
      const seen = sql.exec("SELECT 1 FROM applied WHERE match_id = ? AND round = ?", report.matchId, report.round).toArray();
      if (seen.length > 0) {
        logEvent("info", "rating_report_duplicate", { matchId: report.matchId, round: report.round });
        return { applied: false, reason: "duplicate" };
      }
      const current = report.players.map((p) => this.read(p, report.game));
      const next = rateRound(report, current);
      // An unratable report is still marked applied: asking again would not make it ratable.
      sql.exec("INSERT INTO applied (match_id, round, at) VALUES (?, ?, ?)", report.matchId, report.round, Date.now());
      if (!next) return { applied: false, reason: "unratable" };
      next.forEach((r, i) => {
        sql.exec(
          "INSERT INTO ratings (player, game, mu, sigma, matches) VALUES (?, ?, ?, ?, ?) ON CONFLICT (player, game) DO UPDATE SET mu = excluded.mu, sigma = excluded.sigma, matches = excluded.matches",
          report.players[i] ?? "",
          report.game,
          r.mu,
          r.sigma,
          r.matches,
        );
      });
      logEvent("info", "ratings_updated", { matchId: report.matchId, round: report.round, game: report.game, players: report.players.length });
      return { applied: true };
    });
  }

  /** A player's ratings in every game they were rated in. */
  async ratingsOf(playerId: string): Promise<RatingView[]> {
    const rows = this.ctx.storage.sql.exec<{ game: string; mu: number; sigma: number; matches: number }>("SELECT game, mu, sigma, matches FROM ratings WHERE player = ? ORDER BY game", playerId).toArray();
    return rows.map((r) => ({ game: r.game, mu: r.mu, sigma: r.sigma, ordinal: ordinalOf(r), matches: r.matches }));
  }

  /** Rating means for a queue's window (default for players never rated in this game). */
  async means(game: string, playerIds: string[]): Promise<number[]> {
    return playerIds.map((p) => this.read(p, game).mu);
  }

  /** How many rounds were applied, for tests and operators. */
  async appliedCount(): Promise<number> {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM applied").one().n;
  }

  private read(player: string, game: string): StoredRating {
    const row = this.ctx.storage.sql.exec<{ mu: number; sigma: number; matches: number }>("SELECT mu, sigma, matches FROM ratings WHERE player = ? AND game = ?", player, game).toArray()[0];
    return row ?? DEFAULT_RATING;
  }
}
