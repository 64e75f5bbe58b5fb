/**
 * The room index (binding ROOM_INDEX, one object named "global"): every live room's last report, for
 * the public directory (GET /api/rooms) and the operator list (GET /api/admin/rooms).
 *
 * Reports are idempotent: each carries the room's version, and one not above the stored version is
 * ignored, so a retried or late report cannot undo a newer one. A finished or closed room's report
 * removes its entry (a short-lived tombstone keeps its version, so a late older report cannot bring
 * it back). Every entry expires ENTRY_GRACE_MS after the time its room promised to report again by
 * (`refreshBy`: a minute out while anyone is connected, else the room's next scheduled wake; at most
 * MAX_QUIET_MS out): a room that dies without a word drops out of the lists then (they skip expired
 * rows) and out of storage at the next sweep (the alarm). See src/room/host/directory-reports.ts.
 *
 * Why one object: a report is one small SQL upsert, rooms send at most one per second while they
 * change and one a minute while they idle, so one object (which serves on the order of a thousand
 * such requests a second) covers tens of thousands of live rooms. Past that, shard by game (name the
 * object after the game): the public list is per game already; the operator list would fan out.
 */
import { DurableObject } from "cloudflare:workers";
import { RoomReport, type AdminRoom, type AdminRoomsResponse, type PublicRoomsResponse, type RoomsQuery } from "../protocol/directory-api";

export const ROOM_INDEX_NAME = "global";
/** An entry whose room has not reported this long after it promised to is gone. */
export const ENTRY_GRACE_MS = 120_000;
/** The furthest a room's promise to report again is believed (a waiting room's cleanup is 1 h out). */
export const MAX_QUIET_MS = 2 * 3600_000;
/** How long a removed room's version is remembered against late reports. */
export const TOMBSTONE_MS = 600_000;
/** How often the alarm sweeps expired rows while there are any. */
export const SWEEP_MS = 60_000;

export type ReportOutcome = "stored" | "removed" | "stale" | "invalid";

interface Row {
  match_id: string;
  version: number;
  report: string;
  created_at: number;
  updated_at: number;
  [key: string]: SqlStorageValue;
}

export class RoomIndexObject extends DurableObject<unknown> {
  private alarmSet: boolean | undefined;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec(
      `CREATE TABLE IF NOT EXISTS rooms (match_id TEXT PRIMARY KEY, version INTEGER NOT NULL, live INTEGER NOT NULL, game TEXT NOT NULL,
        listed INTEGER NOT NULL, state TEXT NOT NULL, open_seats INTEGER NOT NULL, created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, report TEXT NOT NULL)`,
    );
    sql.exec("CREATE INDEX IF NOT EXISTS rooms_order ON rooms (created_at, match_id)");
  }

  /** A room's report; what became of it ("stale": an equal or newer version is already held). */
  async report(input: unknown): Promise<ReportOutcome> {
    const parsed = RoomReport.safeParse(input);
    if (!parsed.success) return "invalid";
    const r = parsed.data;
    const sql = this.ctx.storage.sql;
    const now = Date.now();
    const over = r.state === "finished" || r.state === "closed";
    // One statement: the row is written only if it is new or this version is newer than the one held
    // (an upsert whose update is conditional), so a stale report writes nothing and reads nothing more.
    // Reports from every room land here; a look-up and a replace were two statements and a delete.
    const written = sql.exec(
      `INSERT INTO rooms (match_id, version, live, game, listed, state, open_seats, created_at, updated_at, expires_at, report)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(match_id) DO UPDATE SET version = excluded.version, live = excluded.live, game = excluded.game, listed = excluded.listed,
         state = excluded.state, open_seats = excluded.open_seats, created_at = excluded.created_at, updated_at = excluded.updated_at,
         expires_at = excluded.expires_at, report = excluded.report
       WHERE excluded.version > rooms.version`,
      r.matchId,
      r.version,
      over ? 0 : 1,
      r.game,
      r.listed ? 1 : 0,
      r.state,
      r.openSeats,
      r.createdAt,
      now,
      over ? now + TOMBSTONE_MS : Math.min(Math.max(r.refreshBy, now), now + MAX_QUIET_MS) + ENTRY_GRACE_MS,
      JSON.stringify(r),
    ).rowsWritten;
    if (written === 0) return "stale";
    await this.ensureSweep();
    return over ? "removed" : "stored";
  }

  /** Public rooms with open seats that have not started, oldest first (they have waited longest). */
  async listPublic(q: RoomsQuery): Promise<PublicRoomsResponse> {
    const { rows, next } = this.page(q, "AND listed = 1 AND state = 'waiting' AND open_seats > 0");
    return {
      rooms: rows.map(({ r, row }) => ({
        matchId: r.matchId,
        game: r.game,
        mode: r.mode,
        state: r.state,
        seats: { total: r.seats, open: r.openSeats },
        players: r.players.map(({ name, seat, connected }) => ({ name, seat, connected })),
        spectators: r.spectators,
        createdAt: r.createdAt,
        updatedAt: row.updated_at,
      })),
      nextCursor: next,
    };
  }

  /** Every live room, oldest first. */
  async listAll(q: RoomsQuery): Promise<AdminRoomsResponse> {
    const now = Date.now();
    const { rows, next } = this.page(q, "");
    return {
      rooms: rows.map(({ r, row }): AdminRoom => ({
        matchId: r.matchId,
        game: r.game,
        mode: r.mode,
        state: r.state,
        listed: r.listed,
        seats: { total: r.seats, open: r.openSeats },
        players: r.players,
        spectators: r.spectators,
        createdAt: r.createdAt,
        ageMs: Math.max(0, now - r.createdAt),
        updatedAt: row.updated_at,
        inputsPerSecond: r.inputsPerSecond,
        storageRows: r.storageRows,
        version: r.version,
      })),
      nextCursor: next,
    };
  }

  override async alarm(): Promise<void> {
    this.alarmSet = false;
    this.ctx.storage.sql.exec("DELETE FROM rooms WHERE expires_at <= ?", Date.now());
    await this.ensureSweep();
  }

  /** One page of live, unexpired rows after the cursor; `extra` narrows it further (constant SQL only). */
  private page(q: RoomsQuery, extra: string): { rows: { r: RoomReport; row: Row }[]; next: string | null } {
    const args: SqlStorageValue[] = [Date.now()];
    let where = `live = 1 AND expires_at > ? ${extra}`;
    if (q.game !== undefined) {
      where += " AND game = ?";
      args.push(q.game);
    }
    if (q.cursor !== undefined) {
      const dot = q.cursor.indexOf(".");
      where += " AND (created_at > ? OR (created_at = ? AND match_id > ?))";
      const at = Number(q.cursor.slice(0, dot));
      args.push(at, at, q.cursor.slice(dot + 1));
    }
    // One more than asked: whether a next page exists without a second query.
    const rows = this.ctx.storage.sql
      .exec<Row>(`SELECT match_id, version, report, created_at, updated_at FROM rooms WHERE ${where} ORDER BY created_at, match_id LIMIT ?`, ...args, q.limit + 1)
      .toArray();
    const more = rows.length > q.limit;
    const kept = rows.slice(0, q.limit);
    const last = kept[kept.length - 1];
    const out: { r: RoomReport; row: Row }[] = [];
    for (const row of kept) {
      // Stored only after validation; a row that fails now (an older format) is skipped, not fatal.
      const r = RoomReport.safeParse(JSON.parse(row.report));
      if (r.success) out.push({ r: r.data, row });
    }
    return { rows: out, next: more && last ? `${last.created_at}.${last.match_id}` : null };
  }

  /** Keep an alarm pending while any row is stored (one alarm write per sweep period, not per report). */
  private async ensureSweep(): Promise<void> {
    this.alarmSet ??= (await this.ctx.storage.getAlarm()) !== null;
    if (this.alarmSet) return;
    const any = this.ctx.storage.sql.exec("SELECT 1 FROM rooms LIMIT 1").toArray().length > 0;
    if (!any) return;
    this.alarmSet = true;
    await this.ctx.storage.setAlarm(Date.now() + SWEEP_MS);
  }
}
