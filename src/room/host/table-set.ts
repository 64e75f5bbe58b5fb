/**
 * The room's own SQLite tables, read from `sqlite_master` once per instance and kept in memory: the
 * storage, rating reports and directory reports ask it whether a table exists and have it create
 * what is missing, instead of each reading `sqlite_master` (three reads per new instance and one per
 * directory report before) or re-running `CREATE TABLE IF NOT EXISTS` on every wake. Only this
 * object's host creates or drops its tables, so the set stays true for the instance's life; after
 * the storage is deleted (retention) it is emptied.
 *
 * Creating several tables is one `exec` of several statements: in a burst of new rooms each schema
 * statement was a separate call into SQLite (bench/results/matchmaking-profile-2026-12-06.md, third pass).
 */

/** The room's flags (`rated`: rating-reports.ts, `listed`: directory-reports.ts), one row each, written at creation. */
export const ROOM_FLAGS_TABLE = "CREATE TABLE IF NOT EXISTS room_flags (key TEXT PRIMARY KEY, value TEXT NOT NULL)";

export class TableSet {
  private readonly names = new Map<string, string>();

  constructor(
    private readonly storage: DurableObjectStorage,
    /** Adds a write's rows to the room's SQLite-counted total (RoomStorage.count). */
    private readonly count: (cursor: { readonly rowsWritten: number }) => void,
  ) {
    const rows = storage.sql.exec<{ name: string; sql: string | null }>("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").toArray();
    for (const { name, sql } of rows) this.names.set(name, sql ?? "");
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** The statement that created the table ("" if unknown or absent): for column migrations. */
  schemaOf(name: string): string {
    return this.names.get(name) ?? "";
  }

  /** Every table of ours (the runtime's own `_cf_` tables excluded), for row counts. */
  all(): string[] {
    return [...this.names.keys()];
  }

  /** Create the tables of `wanted` (name → CREATE TABLE statement) that do not exist yet, in one call. */
  ensure(wanted: Readonly<Record<string, string>>): void {
    const missing = Object.entries(wanted).filter(([name]) => !this.names.has(name));
    if (missing.length === 0) return;
    // Schema statements are writes too: counted like any other.
    this.count(this.storage.sql.exec(missing.map(([, ddl]) => ddl).join(";\n")));
    for (const [name, ddl] of missing) this.names.set(name, ddl);
  }

  /** The storage was deleted (retention): no table exists any more. */
  clear(): void {
    this.names.clear();
  }
}
