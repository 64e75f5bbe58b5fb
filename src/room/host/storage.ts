/**
 * SQLite persistence of a room: the record, the ordered action log, and the
 * join tickets already used. Synchronous SQL inside one transaction; the
 * runtime's output gate holds every frame sent afterwards until the write is
 * durable, so an acknowledgement always implies persistence.
 */
import { Packr, Unpackr } from "msgpackr";
import { JournalEntry } from "../../protocol";
import { acceptsAsIs } from "../../protocol/zod-fast-path";
import { JOURNAL_SIZE } from "../core/journal";
import { carriedCount } from "../core/carried-log";
import type { ActionEntry, RoomRecord } from "../core/record";
import { RoomRecordSchema } from "../core/record";
import { TableSet } from "./table-set";

const packr = new Packr({ useRecords: false, encodeUndefinedAsNil: true, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: "number" });

export type LoadResult = { ok: true; record: RoomRecord | null; ops: unknown } | { ok: false; message: string };

/**
 * The tables a room writes, created together by its first write. `actions` and `journal`, the
 * layouts before action batches and the journal ring, are no longer created: rooms written before
 * the change still have them, and they are read when present.
 */
const ROOM_TABLES = {
  // `ops`: the host's operation counters (JSON), written in the same row as the record, so keeping
  // them across evictions costs no extra row. Added by ALTER to rooms created before it.
  room: "CREATE TABLE IF NOT EXISTS room (id INTEGER PRIMARY KEY CHECK (id = 1), record BLOB NOT NULL, ops TEXT)",
  // The action log is written one row per save (a batch of consecutive entries) since rows are what
  // SQLite storage bills: a real-time room applies several inputs a second but saves once per
  // snapshot interval at most.
  action_batches: "CREATE TABLE IF NOT EXISTS action_batches (first INTEGER PRIMARY KEY, entries BLOB NOT NULL)",
  tickets: "CREATE TABLE IF NOT EXISTS tickets (jti TEXT PRIMARY KEY, exp INTEGER NOT NULL)",
  // The journal as a ring of JOURNAL_SIZE slots overwritten in place: one row written per update, where
  // insert-then-prune wrote two (deleted rows count as written).
  journal_ring: "CREATE TABLE IF NOT EXISTS journal_ring (slot INTEGER PRIMARY KEY, seq INTEGER NOT NULL, entry BLOB NOT NULL)",
} as const;

export class RoomStorage {
  /** Whether the tables exist. They are created by the first write, not by construction: a room that deleted its storage (retention) stays empty when a later request constructs it again. */
  private ready: boolean;
  /** Rows written by this instance, as SQLite counts them (each statement's cursor `rowsWritten`, indexes included). */
  rowsWritten = 0;

  /** Add one statement's rows to `rowsWritten`: for the host's other writers (rating reports), so every write is counted. */
  readonly count = (cursor: { readonly rowsWritten: number }): void => {
    this.rowsWritten += cursor.rowsWritten;
  };

  /** The room's tables (one `sqlite_master` read per instance), shared with the host's other writers. */
  readonly tables: TableSet;

  constructor(private readonly storage: DurableObjectStorage) {
    this.tables = new TableSet(storage, this.count);
    this.ready = this.tables.has("room");
    if (this.ready) this.createTables();
  }

  /** Create the tables now if no write did yet (the first write does it anyway; tests count rows from here). */
  ensureTables(): void {
    if (!this.ready) this.createTables();
  }

  /** A new room's tables in one call; for an older room, only what it lacks (the `ops` column, newer tables). */
  private createTables(): void {
    this.ready = true;
    if (this.tables.has("room") && !/\bops\b/.test(this.tables.schemaOf("room"))) this.count(this.storage.sql.exec("ALTER TABLE room ADD COLUMN ops TEXT"));
    this.tables.ensure(ROOM_TABLES);
  }

  /** The object's storage was deleted (retention): nothing is read or written from here on. */
  forget(): void {
    this.ready = false;
    this.tables.clear();
  }

  load(): LoadResult {
    if (!this.ready) return { ok: true, record: null, ops: null };
    const row = this.storage.sql.exec<{ record: ArrayBuffer; ops: string | null }>("SELECT record, ops FROM room WHERE id = 1").toArray()[0];
    if (!row) return { ok: true, record: null, ops: null };
    let raw: unknown;
    try {
      raw = unpackr.unpack(new Uint8Array(row.record));
    } catch (err) {
      return { ok: false, message: `stored record is not msgpack: ${err instanceof Error ? err.message : String(err)}` };
    }
    // zod only when the precompiled check cannot vouch for the record as is (zod-fast-path.ts): a first
    // zod parse in an isolate set up every nested schema of the record, the wake's slowest part.
    const parsed = acceptsAsIs(RoomRecordSchema, raw) ? { success: true as const, data: raw } : RoomRecordSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, message: `stored record is invalid: ${parsed.error.issues[0]?.message ?? "?"}` };
    let ops: unknown = null;
    try {
      ops = row.ops === null ? null : JSON.parse(row.ops);
    } catch {
      // Counters are diagnostics: unreadable ones start again from zero rather than refuse the room.
    }
    return { ok: true, record: parsed.data, ops };
  }

  /**
   * Write the record (and the host's counters, same row), append action-log and journal entries,
   * atomically. Returns the rows this write wrote, as SQLite counted them. `ops` builds the counters'
   * text from this instance's row total including this write (the record row, written last, is one
   * row), so stored counters never lag their own save.
   */
  save(record: RoomRecord, actions: readonly ActionEntry[], journal: readonly JournalEntry[], ops: ((instanceRows: number) => string) | null = null): number {
    if (!this.ready) this.createTables();
    let rows = 0;
    this.storage.transactionSync(() => {
      const sql = this.storage.sql;
      for (const e of journal) {
        rows += sql.exec(
          "INSERT INTO journal_ring (slot, seq, entry) VALUES (?, ?, ?) ON CONFLICT(slot) DO UPDATE SET seq = excluded.seq, entry = excluded.entry",
          e.seq % JOURNAL_SIZE,
          e.seq,
          new Uint8Array(packr.pack(e)),
        ).rowsWritten;
      }
      if (actions.length > 0) {
        // Entries are numbered 1, 2, … over the match; the newest (record.pendingLog) stay in the record, so this
        // batch holds the `len` entries before them.
        const first = record.actions - carriedCount(record.pendingLog) - actions.length + 1;
        rows += sql.exec("INSERT INTO action_batches (first, entries) VALUES (?, ?)", first, new Uint8Array(packr.pack(actions))).rowsWritten;
      }
      const opsText = ops ? ops(this.rowsWritten + rows + 1) : null;
      rows += sql.exec("INSERT OR REPLACE INTO room (id, record, ops) VALUES (1, ?, ?)", new Uint8Array(packr.pack(record)), opsText).rowsWritten;
    });
    this.rowsWritten += rows;
    return rows;
  }

  /** The retained journal (the last JOURNAL_SIZE seqs), oldest first; entries that fail validation end the list (a snapshot covers the rest). */
  journal(): JournalEntry[] {
    if (!this.ready) return [];
    const sql = this.storage.sql;
    // `journal`: the layout before the ring, in rooms written before it.
    const rows = [
      ...(this.tables.has("journal") ? sql.exec<{ seq: number; entry: ArrayBuffer }>("SELECT seq, entry FROM journal").toArray() : []),
      ...sql.exec<{ seq: number; entry: ArrayBuffer }>("SELECT seq, entry FROM journal_ring").toArray(),
    ].sort((a, b) => a.seq - b.seq);
    const newest = rows.at(-1)?.seq ?? 0;
    const out: JournalEntry[] = [];
    for (const row of rows) {
      if (row.seq <= newest - JOURNAL_SIZE) continue;
      let raw: unknown;
      try {
        raw = unpackr.unpack(new Uint8Array(row.entry));
      } catch {
        return [];
      }
      if (acceptsAsIs(JournalEntry, raw)) {
        out.push(raw);
        continue;
      }
      const parsed = JournalEntry.safeParse(raw);
      if (!parsed.success) return [];
      out.push(parsed.data);
    }
    return out;
  }

  /** Every action-log entry in order (for replays and audits), from single rows (older rooms) and batches. */
  actions(): unknown[] {
    const sql = this.storage.sql;
    const numbered: Array<[number, unknown]> = [];
    if (!this.ready) return [];
    // `actions`: one row per entry, in rooms written before batches.
    const single = this.tables.has("actions") ? sql.exec<{ n: number; entry: ArrayBuffer }>("SELECT n, entry FROM actions ORDER BY n").toArray() : [];
    for (const r of single) {
      numbered.push([r.n, unpackr.unpack(new Uint8Array(r.entry))]);
    }
    for (const r of sql.exec<{ first: number; entries: ArrayBuffer }>("SELECT first, entries FROM action_batches ORDER BY first").toArray()) {
      const entries: unknown = unpackr.unpack(new Uint8Array(r.entries));
      if (Array.isArray(entries)) entries.forEach((e: unknown, i) => numbered.push([r.first + i, e]));
    }
    return numbered.sort((a, b) => a[0] - b[0]).map(([, e]) => e);
  }

  /**
   * Mark a join ticket as used. Returns false when it was used before
   * (single use). Expired entries are pruned on the way.
   */
  useTicket(jti: string, exp: number, nowSeconds: number): boolean {
    if (!this.ready) this.createTables();
    const sql = this.storage.sql;
    this.rowsWritten += sql.exec("DELETE FROM tickets WHERE exp < ?", nowSeconds).rowsWritten;
    // The insert is the check: a jti already there writes no row (one statement where a look-up and an insert were two).
    const inserted = sql.exec("INSERT INTO tickets (jti, exp) VALUES (?, ?) ON CONFLICT(jti) DO NOTHING", jti, exp).rowsWritten;
    this.rowsWritten += inserted;
    return inserted > 0;
  }
}
