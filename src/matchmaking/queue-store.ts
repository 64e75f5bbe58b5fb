/**
 * SQLite of one queue: its configuration (game, rated or not, shape, public origin) and its entries.
 * An entry is "waiting" (in the queue; `connected` once its socket opened), "matching" (taken by a
 * group whose room is being created) or "matched" (kept until `keep_until` for a socket that arrives late).
 */
import type { QueueShape, Waiting } from "./grouping";

/**
 * Close codes of the queue socket (docs/protocol.md §3.13): a replaced socket gets the room protocol's
 * SESSION_REPLACED (same meaning); 4000, unused by rooms, says the player left by DELETE; a player whose
 * tokens the operator revoked gets the rooms' KICKED (4009) when the queue would have matched them.
 */
export const QueueCloseCode = { CANCELLED: 4000, REPLACED: 4006, REVOKED: 4009 } as const;

export interface QueueConfig {
  readonly game: string;
  readonly rated: boolean;
  readonly shape: QueueShape;
  readonly wsOrigin: string;
}

export interface Entry extends Waiting {
  /** When the player's token was issued (seconds; 0 when it did not say): the queue checks it for revocation before a ticket. */
  readonly iat: number;
  readonly state: "waiting" | "matching" | "matched";
  readonly connected: boolean;
  readonly match: { matchId: string; mode: "pvp" | "ai"; rated: boolean } | null;
}

interface Row extends Record<string, SqlStorageValue> {
  ticket_id: string;
  player_id: string;
  name: string;
  rating: number;
  joined_at: number;
  ai_after_ms: number | null;
  state: string;
  connected: number;
  keep_until: number;
  match: string | null;
  iat: number;
}

export class QueueStore {
  private cachedConfig: QueueConfig | null | undefined;

  constructor(private readonly storage: DurableObjectStorage) {
    const sql = storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS config (id INTEGER PRIMARY KEY CHECK (id = 1), value TEXT NOT NULL)");
    sql.exec(
      "CREATE TABLE IF NOT EXISTS entries (ticket_id TEXT PRIMARY KEY, player_id TEXT NOT NULL, name TEXT NOT NULL, rating REAL NOT NULL, joined_at INTEGER NOT NULL, ai_after_ms INTEGER, state TEXT NOT NULL, connected INTEGER NOT NULL, keep_until INTEGER NOT NULL, match TEXT, iat INTEGER NOT NULL DEFAULT 0)",
    );
    // iat was added later: a queue made before has the table without it. An entry from then
    // counts as issued at 0, so any revocation of its player covers it.
    const table = sql.exec<{ sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'entries'").one().sql;
    if (!/[(,]\s*iat\s/.test(table)) {
      sql.exec("ALTER TABLE entries ADD COLUMN iat INTEGER NOT NULL DEFAULT 0");
    }
    // Every connect, join and alarm looks entries up by these; without indexes each look-up scanned the
    // whole table, and a burst of N joins cost O(N²) (bench/results/matchmaking-profile-2026-12-06.md).
    sql.exec("CREATE INDEX IF NOT EXISTS entries_player ON entries (player_id)");
    sql.exec("CREATE INDEX IF NOT EXISTS entries_ready ON entries (state, connected, joined_at)");
    sql.exec("CREATE INDEX IF NOT EXISTS entries_keep ON entries (keep_until)");
    // "matching" lasts one room creation inside one instance; a new instance finding it means the
    // previous one died mid-way, so those players go back to waiting (their room, if made, is abandoned).
    sql.exec("UPDATE entries SET state = 'waiting' WHERE state = 'matching'");
  }

  config(): QueueConfig | null {
    if (this.cachedConfig === undefined) {
      const row = this.storage.sql.exec<{ value: string }>("SELECT value FROM config WHERE id = 1").toArray()[0];
      this.cachedConfig = row ? (JSON.parse(row.value) as QueueConfig) : null;
    }
    return this.cachedConfig;
  }

  setConfig(config: QueueConfig): void {
    const value = JSON.stringify(config);
    // Every join sends the configuration; it changes only when the deployment does: write it then.
    const current = this.config();
    if (current && JSON.stringify(current) === value) return;
    this.storage.sql.exec("INSERT OR REPLACE INTO config (id, value) VALUES (1, ?)", value);
    this.cachedConfig = config;
  }

  /** Add an entry; `replaces` is the player's old (matched) entry, if any (entryOf): a player re-queuing after a match. */
  insert(e: { ticketId: string; playerId: string; name: string; iat: number; rating: number; joinedAt: number; aiAfterMs: number | null; connectBy: number }, replaces: Entry | null): void {
    if (replaces) this.remove(replaces.ticketId);
    this.storage.sql.exec(
      "INSERT INTO entries (ticket_id, player_id, name, rating, joined_at, ai_after_ms, state, connected, keep_until, match, iat) VALUES (?, ?, ?, ?, ?, ?, 'waiting', 0, ?, NULL, ?)",
      e.ticketId,
      e.playerId,
      e.name,
      e.rating,
      e.joinedAt,
      e.aiAfterMs,
      e.connectBy,
      e.iat,
    );
  }

  get(ticketId: string): Entry | null {
    const row = this.storage.sql.exec<Row>("SELECT * FROM entries WHERE ticket_id = ?", ticketId).toArray()[0];
    return row ? toEntry(row) : null;
  }

  /** A player's entry in this queue, in any state (there is at most one: insert replaces the old one). */
  entryOf(playerId: string): Entry | null {
    const row = this.storage.sql.exec<Row>("SELECT * FROM entries WHERE player_id = ?", playerId).toArray()[0];
    return row ? toEntry(row) : null;
  }

  /**
   * The waiting entries whose socket is open: the only ones a matching pass or the alarm considers.
   * Filtered in SQL: in a burst most entries have not connected yet, and reading (and decoding) all of
   * them on every connect made the queue's cost grow with the square of the burst.
   */
  connectedWaiting(): Entry[] {
    return this.storage.sql.exec<Row>("SELECT * FROM entries WHERE state = 'waiting' AND connected = 1 ORDER BY joined_at").toArray().map(toEntry);
  }

  /** How many entries are waiting, connected or not (the `waiting` of the `queued` frame). */
  waitingCount(): number {
    return this.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM entries WHERE state = 'waiting'").one().n;
  }

  markConnected(ticketId: string): void {
    // Connected entries wait as long as their socket is open; the connect deadline no longer applies.
    this.storage.sql.exec("UPDATE entries SET connected = 1, keep_until = ? WHERE ticket_id = ?", Number.MAX_SAFE_INTEGER, ticketId);
  }

  /** One statement per IN_CHUNK entries (a group is one statement), not one per entry. */
  setState(ticketIds: readonly string[], state: "waiting" | "matching"): void {
    for (const part of chunks(ticketIds)) this.storage.sql.exec(`UPDATE entries SET state = ? WHERE ticket_id IN (${placeholders(part.length)})`, state, ...part);
  }

  setMatched(ticketIds: readonly string[], match: { matchId: string; mode: "pvp" | "ai"; rated: boolean }, keepUntil: number): void {
    const json = JSON.stringify(match);
    for (const part of chunks(ticketIds)) {
      this.storage.sql.exec(`UPDATE entries SET state = 'matched', match = ?, keep_until = ? WHERE ticket_id IN (${placeholders(part.length)})`, json, keepUntil, ...part);
    }
  }

  remove(ticketId: string): void {
    this.storage.sql.exec("DELETE FROM entries WHERE ticket_id = ?", ticketId);
  }

  /** Drop entries whose socket never came and matched results nobody collected. */
  expire(now: number): void {
    this.storage.sql.exec("DELETE FROM entries WHERE state != 'matching' AND keep_until <= ?", now);
  }

  nextExpiry(): number | null {
    const row = this.storage.sql.exec<{ at: number | null }>("SELECT MIN(keep_until) AS at FROM entries WHERE state != 'matching' AND keep_until < ?", Number.MAX_SAFE_INTEGER).one();
    return row.at;
  }
}

/** Ids per statement: Durable Object SQL binds at most 100 parameters per query. */
const IN_CHUNK = 64;

function chunks(ids: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += IN_CHUNK) out.push(ids.slice(i, i + IN_CHUNK));
  return out;
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => "?").join(", ");
}

function toEntry(r: Row): Entry {
  return {
    ticketId: r.ticket_id,
    playerId: r.player_id,
    name: r.name,
    iat: r.iat,
    rating: r.rating,
    joinedAt: r.joined_at,
    aiAfterMs: r.ai_after_ms,
    state: r.state as Entry["state"],
    connected: r.connected === 1,
    match: r.match === null ? null : (JSON.parse(r.match) as Entry["match"]),
  };
}
