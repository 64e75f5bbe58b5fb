/**
 * The player records (PLAYERS binding, optional): the operator's revocation of a player's tokens,
 * the matches the player took tickets for (so a revocation can reach open sockets) and the matches
 * the operator removed them from. Every socket needs a ticket and every ticket is noted here before
 * it is handed over (by the worker, or for quick play by the queue that signs it, `ticket`), so the
 * match list is complete for the life of the tickets and tokens it matters for; entries older than
 * the longest token lifetime are dropped.
 *
 * One object holds the records of every player whose id hashes to its shard (`playerRecord`), not
 * one object per player: every authenticated request asks the record whether the token is revoked,
 * and with an object per player each new player instantiated a new object (with its storage) on
 * their first request, the largest single cost of a quick-play join burst
 * (bench/results/matchmaking-profile-2026-12-06.md). A few warm shards answer the same question with
 * one indexed read; PLAYER_SHARDS of them keep the per-object throughput ceiling (about 1,000
 * requests/s) far above any one deployment's authenticated request rate.
 */
import { DurableObject } from "cloudflare:workers";
import { namedStub } from "../shared/object-ids";

/** Longest token lifetime the configuration allows (tokenTtlSeconds): older entries cannot matter. */
const KEEP_SECONDS = 30 * 86400;
/** A player in more matches than this at once is not a player; the oldest entries go first. */
const MAX_MATCHES = 256;

/**
 * How many objects share the players. Part of every record's address: changing it moves every player
 * to another object and forgets their revocations, so it is fixed for the life of a deployment.
 */
export const PLAYER_SHARDS = 64;

/** The shard of a player id: FNV-1a (32-bit) of its characters (ids are ASCII, PlayerId), modulo PLAYER_SHARDS. */
export function playerShard(playerId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < playerId.length; i++) {
    h ^= playerId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % PLAYER_SHARDS;
}

/** The object that holds a player's record. */
export function playerRecord(ns: DurableObjectNamespace<PlayerRecord>, playerId: string): DurableObjectStub<PlayerRecord> {
  return namedStub(ns, `players.${playerShard(playerId)}`);
}

/** What a ticket request learns: refused for a revoked token, or for a match the operator removed the player from. */
export interface TicketAnswer {
  readonly revoked: boolean;
  readonly removed?: boolean;
}

export class PlayerRecord extends DurableObject<unknown> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // Once per shard instance (a handful per deployment), so made here rather than on the first write.
    this.sql.exec("CREATE TABLE IF NOT EXISTS revoked (player_id TEXT PRIMARY KEY, before INTEGER NOT NULL)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS matches (player_id TEXT NOT NULL, match_id TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (player_id, match_id))");
    this.sql.exec("CREATE INDEX IF NOT EXISTS matches_player_at ON matches (player_id, at)");
    this.sql.exec("CREATE INDEX IF NOT EXISTS matches_at ON matches (at)");
    // Matches the operator removed a player from: no ticket for them again (the room refuses too).
    this.sql.exec("CREATE TABLE IF NOT EXISTS removed (player_id TEXT NOT NULL, match_id TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (player_id, match_id))");
    this.sql.exec("CREATE INDEX IF NOT EXISTS removed_at ON removed (at)");
  }

  /** Whether a token of this player issued at `iat` (seconds) is revoked. */
  async isRevoked(playerId: string, iat: number): Promise<boolean> {
    return this.revoked(playerId, iat);
  }

  /**
   * A ticket for `matchId` is about to be handed over (minted by the worker, or signed by the queue for
   * quick play): refuse a revoked token or a match the player was removed from, else remember the match
   * (for a later revocation). Check and note are one event, so a revocation is either seen here or
   * finds the match in the list.
   */
  async ticket(playerId: string, iat: number, matchId: string, now: number): Promise<TicketAnswer> {
    if (this.revoked(playerId, iat)) return { revoked: true };
    if (this.sql.exec("SELECT 1 FROM removed WHERE player_id = ? AND match_id = ?", playerId, matchId).toArray().length > 0) return { revoked: false, removed: true };
    this.sql.exec("INSERT INTO matches (player_id, match_id, at) VALUES (?, ?, ?) ON CONFLICT(player_id, match_id) DO UPDATE SET at = excluded.at", playerId, matchId, now);
    this.sql.exec("DELETE FROM matches WHERE at < ?", now - KEEP_SECONDS);
    this.sql.exec(
      "DELETE FROM matches WHERE player_id = ? AND match_id NOT IN (SELECT match_id FROM matches WHERE player_id = ? ORDER BY at DESC LIMIT ?)",
      playerId,
      playerId,
      MAX_MATCHES,
    );
    return { revoked: false };
  }

  /** The operator removed this player from a match (kept as long as match entries; the room keeps its own list). */
  async removeFrom(playerId: string, matchId: string, now: number): Promise<void> {
    this.sql.exec("INSERT OR IGNORE INTO removed (player_id, match_id, at) VALUES (?, ?, ?)", playerId, matchId, now);
    this.sql.exec("DELETE FROM removed WHERE at < ?", now - KEEP_SECONDS);
  }

  /** Revoke every token of this player issued up to `now` (seconds); returns the matches to tell. */
  async revoke(playerId: string, now: number): Promise<string[]> {
    this.sql.exec("INSERT INTO revoked (player_id, before) VALUES (?, ?) ON CONFLICT(player_id) DO UPDATE SET before = max(before, excluded.before)", playerId, now);
    // Never dropped: a token minted elsewhere may lack iat (issued at 0) and outlive KEEP_SECONDS.
    return this.sql.exec<{ match_id: string }>("SELECT match_id FROM matches WHERE player_id = ?", playerId).toArray().map((r) => r.match_id);
  }

  private revoked(playerId: string, iat: number): boolean {
    const row = this.sql.exec<{ before: number }>("SELECT before FROM revoked WHERE player_id = ?", playerId).toArray()[0];
    return row !== undefined && iat <= row.before;
  }
}
