/**
 * One Durable Object per player id (PLAYERS binding, optional): the operator's revocation of that
 * player's tokens, and the matches the player took tickets for, so a revocation can reach open
 * sockets. Every socket needs a ticket and every ticket is minted here first (or, for quick play,
 * noted here by the queue that signed it, `noteMatch`), so this list is
 * complete for the life of the tickets and tokens it matters for; entries older than the longest
 * token lifetime are dropped.
 *
 * Per player rather than one singleton: ticket minting consults it, and one object would be a
 * throughput ceiling (about 1,000 requests/s) for the whole deployment.
 */
import { DurableObject } from "cloudflare:workers";

/** Longest token lifetime the configuration allows (tokenTtlSeconds): older match entries cannot matter. */
const KEEP_SECONDS = 30 * 86400;
/** A player in more matches than this at once is not a player; the oldest entries go first. */
const MAX_MATCHES = 256;

export class PlayerRecord extends DurableObject<unknown> {
  private readonly sql: SqlStorage;
  /** Whether this instance has made sure its tables exist. */
  private tablesReady = false;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
  }

  /**
   * Created on the first write, not in the constructor: every authenticated request asks a player's
   * record whether the token is revoked, and most players are never revoked nor ask for a ticket here,
   * so their record should cost one read and store nothing (three CREATE TABLEs per new player were a
   * measurable part of a join burst, bench/results/matchmaking-profile-2026-12-06.md).
   */
  private tables(): void {
    if (this.tablesReady) return;
    this.sql.exec("CREATE TABLE IF NOT EXISTS revoked (id INTEGER PRIMARY KEY CHECK (id = 1), before INTEGER NOT NULL)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS matches (match_id TEXT PRIMARY KEY, at INTEGER NOT NULL)");
    // Matches the operator removed this player from: no ticket for them again (the room refuses too).
    this.sql.exec("CREATE TABLE IF NOT EXISTS removed (match_id TEXT PRIMARY KEY, at INTEGER NOT NULL)");
    this.tablesReady = true;
  }

  /** Whether a token issued at `iat` (seconds) is revoked. */
  async isRevoked(iat: number): Promise<boolean> {
    if (!this.tablesReady) {
      // A record that never stored anything has no tables, and nothing revoked. All three tables are
      // created in one event (one transaction), so finding one means all exist.
      if (this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'revoked'").toArray().length === 0) return false;
      this.tablesReady = true;
    }
    const row = this.sql.exec<{ before: number }>("SELECT before FROM revoked WHERE id = 1").toArray()[0];
    return row !== undefined && iat <= row.before;
  }

  /** Ticket minting: refuse a revoked token or a match the player was removed from, else remember the match (for a later revocation). */
  async ticket(iat: number, matchId: string, now: number): Promise<{ revoked: boolean; removed?: boolean }> {
    this.tables();
    if (await this.isRevoked(iat)) return { revoked: true };
    if (this.sql.exec("SELECT 1 FROM removed WHERE match_id = ?", matchId).toArray().length > 0) return { revoked: false, removed: true };
    this.remember(matchId, now);
    return { revoked: false };
  }

  /**
   * The matchmaking queue signed a ticket for this player (quick play): remember the match like a
   * ticket minted by the worker, so a later revocation reaches that room's sockets too.
   */
  async noteMatch(matchId: string, now: number): Promise<void> {
    this.tables();
    this.remember(matchId, now);
  }

  private remember(matchId: string, now: number): void {
    this.sql.exec("INSERT INTO matches (match_id, at) VALUES (?, ?) ON CONFLICT(match_id) DO UPDATE SET at = excluded.at", matchId, now);
    this.sql.exec("DELETE FROM matches WHERE at < ?", now - KEEP_SECONDS);
    this.sql.exec("DELETE FROM matches WHERE match_id NOT IN (SELECT match_id FROM matches ORDER BY at DESC LIMIT ?)", MAX_MATCHES);
  }

  /** The operator removed this player from a match (kept as long as match entries; the room keeps its own list). */
  async removeFrom(matchId: string, now: number): Promise<void> {
    this.tables();
    this.sql.exec("INSERT OR IGNORE INTO removed (match_id, at) VALUES (?, ?)", matchId, now);
    this.sql.exec("DELETE FROM removed WHERE at < ?", now - KEEP_SECONDS);
  }

  /** Revoke every token issued up to `now` (seconds); returns the matches to tell. */
  async revoke(now: number): Promise<string[]> {
    this.tables();
    this.sql.exec("INSERT INTO revoked (id, before) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET before = max(before, excluded.before)", now);
    return this.sql.exec<{ match_id: string }>("SELECT match_id FROM matches").toArray().map((r) => r.match_id);
  }
}
