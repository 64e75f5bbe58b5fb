/**
 * The room's reports to the room index (ROOM_INDEX, src/directory/room-index-object.ts): its public
 * status (state, seats, players, spectators), whether it is listed, and two operator figures.
 *
 * - Batched: after every event the host calls `note()`; a report goes out only when the public part
 *   changed (or a refresh is due), at most one per MIN_INTERVAL_MS, built when it is sent, so changes
 *   in between coalesce into one. A new room's first report waits too (`created()`): MIN_INTERVAL_MS
 *   for a listed room (the public list shows it a second after its creation, as any change), and
 *   UNLISTED_FIRST_REPORT_MS for the others (quick play, private), which only operators see. Their
 *   players usually join within that time (quick play: both at once, even in a burst that delays
 *   them), so the joins go out in the first report instead of a second one. Each report is an RPC, an
 *   index write and a row count here, ~0.3 ms of workerd CPU in all
 *   (bench/results/matchmaking-profile-2026-12-06.md, third pass).
 * - Idempotent: each report carries a version above the previous one (max(previous + 1, now), so it
 *   also grows across evictions without a storage write); the index ignores anything not newer.
 * - Never in the way of play: sending is fire-and-forget from an in-memory timer; a failure is logged
 *   and retried later with backoff, never thrown into the event that noted the change. If the
 *   instance is evicted meanwhile, the next instance reports on its first event, and the index's
 *   expiry removes a room that never does.
 * - Refresh: each report promises the next by `refreshBy`: REFRESH_MS out while anyone is connected
 *   (such a room wakes at least once per heartbeat timeout for its liveness check), else the room's
 *   next scheduled wake (a timer, or the cleanup of an abandoned waiting room, which its alarm runs
 *   anyway). The room re-reports on the first event at or after that time, so refreshing costs no
 *   extra wake-up: one RPC and one index row write per connected room per minute, one per timer for
 *   a room nobody is in.
 */
import type { RoomIndexObject } from "../../directory/room-index-object";
import { ROOM_INDEX_NAME } from "../../directory/room-index-object";
import type { RoomReport } from "../../protocol/directory-api";
import type { RoomCore } from "../core/room-core";
import { ROOM_FLAGS_TABLE, type TableSet } from "./table-set";

export const REPORT_MIN_INTERVAL_MS = 1_000;
export const REFRESH_MS = 60_000;
/** How long after its creation an unlisted room (quick play, private) first reports (see the header). */
export const UNLISTED_FIRST_REPORT_MS = 5_000;
/** Delays before re-sending after consecutive failures (the last one repeats). */
const RETRY_MS = [2_000, 5_000, 15_000, 60_000] as const;

type Log = (level: "info" | "warn", event: string, fields: Record<string, unknown>) => void;

export class DirectoryReports {
  private version = 0;
  private sentDigest: string | null = null;
  private sentAt = 0;
  /** No report before this time (a new room's first report: `created()`). */
  private notBefore = 0;
  private promisedBy = 0;
  private sentActions: { at: number; count: number } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight = false;
  private failures = 0;
  private listedFlag: boolean | undefined;
  private waiters: (() => void)[] = [];
  /** Reports this instance delivered (the room's metrics: benchmarks and tests count them). */
  delivered = 0;
  /** When the waiting report is due (ms since epoch); null when none waits. */
  dueAt: number | null = null;

  constructor(
    private readonly storage: DurableObjectStorage,
    /** The room's tables (table-set.ts): which exist, without reading `sqlite_master` per report. */
    private readonly tables: TableSet,
    private readonly index: DurableObjectNamespace<RoomIndexObject> | undefined,
    private readonly current: () => RoomCore | null,
    private readonly log: Log,
    /** Adds a write's rows to the room's SQLite-counted total (RoomStorage.count). */
    private readonly count: (cursor: { readonly rowsWritten: number }) => void = () => {},
  ) {
    // No table is created here: a room deleted after its retention window must stay empty when a
    // later request constructs it again (retention.ts). The flag table appears with the first flag.
  }

  /** Set at creation: this room appears in the public directory (POST /api/matches without `private`). */
  markListed(): void {
    this.tables.ensure({ room_flags: ROOM_FLAGS_TABLE });
    this.count(this.storage.sql.exec("INSERT OR REPLACE INTO room_flags (key, value) VALUES ('listed', '1')"));
    this.listedFlag = true;
  }

  private listed(): boolean {
    this.listedFlag ??=
      this.tables.has("room_flags") &&
      this.storage.sql.exec("SELECT 1 FROM room_flags WHERE key = 'listed'").toArray().length > 0;
    return this.listedFlag;
  }

  /** The match was just created here: note it, with the first report one interval out (see the header). */
  created(core: RoomCore, now: number, listed: boolean): void {
    this.notBefore = now + (listed ? REPORT_MIN_INTERVAL_MS : UNLISTED_FIRST_REPORT_MS);
    this.note(core, now);
  }

  /** After an event: report if the public status changed or the refresh is due. Never throws. */
  note(core: RoomCore, now: number): void {
    if (!this.index) return;
    if (this.sentDigest === digest(core) && now < this.promisedBy) return;
    this.schedule(now);
  }

  /** Resolves once no report is waiting or on its way (tests wait on this, not on a clock). */
  idle(): Promise<void> {
    if (!this.inFlight && this.timer === null) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private schedule(now: number): void {
    if (this.inFlight || this.timer !== null) return;
    const wait = Math.max(0, this.sentAt + REPORT_MIN_INTERVAL_MS - now, this.notBefore - now);
    this.dueAt = now + wait;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.dueAt = null;
      void this.send();
    }, wait);
  }

  private async send(): Promise<void> {
    const core = this.current();
    const index = this.index;
    if (!core || !index) {
      for (const resolve of this.waiters.splice(0)) resolve();
      return;
    }
    const now = Date.now();
    const d = digest(core);
    this.inFlight = true;
    try {
      const report = this.build(core, now);
      await index.get(index.idFromName(ROOM_INDEX_NAME)).report(report);
      this.sentDigest = d;
      this.sentAt = now;
      this.promisedBy = report.refreshBy;
      this.sentActions = { at: now, count: core.record.actions };
      this.failures = 0;
      this.delivered += 1;
    } catch (err) {
      this.failures += 1;
      this.log("warn", "directory_report_failed", { attempt: this.failures, message: err instanceof Error ? err.message : String(err) });
    } finally {
      this.inFlight = false;
    }
    if (this.failures > 0) {
      const delay = RETRY_MS[Math.min(this.failures, RETRY_MS.length) - 1] ?? REFRESH_MS;
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.send();
      }, delay);
      return;
    }
    // Something changed while the report was on its way: one more, after the interval.
    const after = this.current();
    if (after && digest(after) !== this.sentDigest) this.schedule(Date.now());
    else for (const resolve of this.waiters.splice(0)) resolve();
  }

  private build(core: RoomCore, now: number): RoomReport {
    const rec = core.record;
    this.version = Math.max(this.version + 1, now);
    const prev = this.sentActions;
    const seconds = prev ? (now - prev.at) / 1000 : 0;
    return {
      matchId: rec.matchId,
      version: this.version,
      game: rec.settings.game,
      mode: rec.settings.mode,
      state: rec.status,
      listed: this.listed(),
      seats: rec.seats.length,
      openSeats: rec.seats.filter((s) => s.playerId === null).length,
      players: players(core),
      spectators: core.conns.spectatorCount(),
      createdAt: rec.createdAt,
      inputsPerSecond: prev && seconds > 0 ? Math.round(((rec.actions - prev.count) / seconds) * 100) / 100 : 0,
      storageRows: storageRows(this.storage, this.tables),
      refreshBy: refreshBy(core, now),
    };
  }
}

/** When this room will next report at the latest (see the header). */
function refreshBy(core: RoomCore, now: number): number {
  if (core.conns.all().length > 0) return now + REFRESH_MS;
  const wake = core.nextWakeAt(now);
  return wake !== null && wake > now ? wake : now + REFRESH_MS;
}

function players(core: RoomCore): RoomReport["players"] {
  const out: RoomReport["players"] = [];
  core.record.seats.forEach((s, seat) => {
    if (s.playerId === null) return;
    out.push({ playerId: s.playerId, name: s.name, seat, kind: s.kind, connected: s.kind === "ai" || core.conns.seatConnected(seat) });
  });
  return out;
}

/** The public part of a report: what, when it changes, is worth a report. */
function digest(core: RoomCore): string {
  const rec = core.record;
  let d = `${rec.status}|${core.conns.spectatorCount()}`;
  rec.seats.forEach((s, seat) => {
    d += `|${s.playerId ?? ""}:${core.conns.seatConnected(seat) ? 1 : 0}`;
  });
  return d;
}

/** Rows stored in this room's SQLite, every table of ours (the runtime's own `_cf_` tables excluded). */
function storageRows(storage: DurableObjectStorage, known: TableSet): number {
  const sql = storage.sql;
  const tables = known.all().map((name) => ({ name }));
  if (tables.length === 0) return 0;
  // One statement for all the tables, not one each: every new room reports at once, so in a join
  // burst these counts ran for every room (bench/results/matchmaking-profile-2026-12-06.md).
  const sum = tables.map(({ name }) => `(SELECT count(*) FROM "${name.replace(/"/g, '""')}")`).join(" + ");
  return sql.exec<{ n: number }>(`SELECT ${sum} AS n`).one().n;
}
