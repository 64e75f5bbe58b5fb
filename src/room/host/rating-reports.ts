/**
 * Rated matches tell the ratings store (RATINGS) how each round ended. A report is written to the
 * room's SQLite in the same event as the end it reports (so it is as durable as the result), then
 * delivered by RPC; an unacknowledged report is re-sent from the room's alarm until the store answers.
 * The store de-duplicates by (matchId, round), so a report delivered twice counts once.
 */
import { RoundReport } from "../../protocol/matchmaking-api";
import { logEvent } from "../../shared/log";
import type { RatingsObject } from "../../matchmaking/ratings-object";
import { RATINGS_OBJECT_NAME } from "../../matchmaking/ratings-object";
import type { RoomRecord } from "../core/record";
import { ROOM_FLAGS_TABLE, type TableSet } from "./table-set";

/** Delay before re-sending an unacknowledged report (the alarm carries it across hibernation). */
export const REPORT_RETRY_MS = 2_000;

export class RatingReports {
  private rated: boolean | undefined;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly ratings: DurableObjectNamespace<RatingsObject> | undefined,
    /** The room's tables: `rating_reports` is created when a match is marked rated, so other rooms (and deleted ones) write nothing here. */
    private readonly tables: TableSet,
    /** Adds a write's rows to the room's SQLite-counted total (RoomStorage.count). */
    private readonly count: (cursor: { readonly rowsWritten: number }) => void = () => {},
  ) {}

  /** Set at creation by the matchmaking queue: this match's rounds are rated. */
  markRated(): void {
    this.tables.ensure({ room_flags: ROOM_FLAGS_TABLE, rating_reports: "CREATE TABLE IF NOT EXISTS rating_reports (round INTEGER PRIMARY KEY, report TEXT NOT NULL, acked INTEGER NOT NULL)" });
    this.count(this.storage.sql.exec("INSERT OR REPLACE INTO room_flags (key, value) VALUES ('rated', '1')"));
    this.rated = true;
  }

  isRated(): boolean {
    if (!this.tables.has("rating_reports")) return false;
    this.rated ??= this.storage.sql.exec("SELECT 1 FROM room_flags WHERE key = 'rated'").toArray().length > 0;
    return this.rated;
  }

  /** After a save: queue the report of a round that just finished (once per round). True when one is pending. */
  noteEnd(rec: RoomRecord): boolean {
    if (!this.isRated()) return false;
    if (rec.status === "finished" && rec.result !== null) {
      const report: RoundReport = {
        matchId: rec.matchId,
        round: rec.round,
        game: rec.settings.game,
        players: rec.seats.map((s) => s.playerId ?? ""),
        result: rec.result,
      };
      // Every seat human (matchmaking never rates AI seats), so the player ids are real.
      if (rec.seats.every((s) => s.kind === "human" && s.playerId !== null)) {
        this.count(this.storage.sql.exec("INSERT OR IGNORE INTO rating_reports (round, report, acked) VALUES (?, ?, 0)", rec.round, JSON.stringify(report)));
      }
    }
    return this.pending().length > 0;
  }

  pending(): { round: number; report: RoundReport }[] {
    if (!this.tables.has("rating_reports")) return [];
    const rows = this.storage.sql.exec<{ round: number; report: string }>("SELECT round, report FROM rating_reports WHERE acked = 0 ORDER BY round").toArray();
    return rows.flatMap((r) => {
      const report = readReport(r.report);
      if (report) return [{ round: r.round, report }];
      // Only this file writes the column; a row that does not read back is logged and left unsent (never retried forever).
      logEvent("error", "rating_report_unreadable", { round: r.round });
      return [];
    });
  }

  /** Send every unacknowledged report; true when none is left. */
  async deliver(): Promise<boolean> {
    const ns = this.ratings;
    if (!ns) return true; // a deployment without RATINGS keeps no ratings
    const store = ns.get(ns.idFromName(RATINGS_OBJECT_NAME));
    let allDone = true;
    for (const { round, report } of this.pending()) {
      try {
        await store.record(report);
        this.count(this.storage.sql.exec("UPDATE rating_reports SET acked = 1 WHERE round = ?", round));
      } catch {
        allDone = false;
      }
    }
    return allDone;
  }
}

function readReport(text: string): RoundReport | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = RoundReport.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
