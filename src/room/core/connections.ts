/** The live connections of a room, as the core tracks them (rebuilt from socket attachments after hibernation). */
import * as z from "zod";
import type { Seat } from "../../games/types";
import type { StrikeCounter, TokenBucket } from "./token-bucket";

export type Role = "player" | "spectator";

/** What the host knows about a socket, kept in its attachment so it survives hibernation (well under 2 KiB). */
export const ConnInfoSchema = z.object({
  connId: z.string(),
  playerId: z.string(),
  name: z.string(),
  role: z.enum(["player", "spectator"]),
  seat: z.number().int().nullable(),
  connectedAt: z.number(),
});
export type ConnInfo = Readonly<z.infer<typeof ConnInfoSchema>>;

/**
 * A connection as the core holds it; its rate-limit bucket and strike counter are its own fields
 * (token-bucket.ts), their times (`tokensAt`, `strikeWindowStart`) in ms since `connectedAt`
 * (`connAge`): a wall-clock time is beyond V8's small integers, so each such field was a heap
 * number of its own (these two were 8 of the 16 heap numbers of a racing room's four connections,
 * bench/capacity/heap-parts.ts, 2026-12-07); a connection's age stays a small integer for 12 days.
 * `lastSeenAt` stays a wall-clock time: the host reads it (heartbeats.ts).
 */
export interface LiveConn extends ConnInfo, TokenBucket, StrikeCounter {
  lastSeenAt: number;
  /** Real-time games: the last quantised snapshot sent (the delta baseline), null until the first keyframe. */
  lastSnap: number[] | null;
  /** The arrays sent before `lastSnap` (the keyframe itself right after one): deltas predict from the three. */
  prevSnap: number[] | null;
  olderSnap: number[] | null;
  /** The `ack` this connection last received in a snap header (-1 before any): the header repeats it only when it changed. */
  snapAck: number;
  /** The `durable` this connection last received in a snap header (null: none yet). */
  snapDurable: number | null;
  /** Frames refused for exceeding the rate limit (every 10th counts as an abuse strike). */
  excess: number;
  /** Lowest input id refused by the rate limit and not yet re-sent: later inputs wait for it. */
  holdFrom: number | null;
}

export interface ResumeRequest {
  /** The session from an earlier welcome; null for spectators, who have none. */
  readonly session: string | null;
  /** The last update seq the client applied. */
  readonly lastSeq: number;
}

export interface ConnectRequest {
  readonly connId: string;
  readonly playerId: string;
  readonly name: string;
  readonly role: Role;
  readonly version: number;
  /** A fresh random secret from the host, used as the seat's session if it has none yet. */
  readonly newSession: string;
  readonly resume: ResumeRequest | null;
}

/**
 * `now` in ms since the connection's start, as its bucket and strike counter count time. A whole
 * number comes back as an int32, which V8 stores in a field as a small integer: a difference of two
 * doubles stays a double, and the field would hold a heap number again (seen in V8's own print of a
 * connection). Anything else comes back exactly as it is.
 */
export function connAge(c: Pick<ConnInfo, "connectedAt">, now: number): number {
  const age = now - c.connectedAt;
  return (age | 0) === age ? age | 0 : age;
}

export function liveConn(info: ConnInfo, burst: number, now: number): LiveConn {
  // Field by field, not `...info`: a spread built each connection a hidden class of its own, with its
  // extra fields out of line (a descriptor array and a property array per connection: 4 of a racing
  // room's ~660 live objects and ~0.6 KB each, bench/capacity/heap.ts, 2026-12-07).
  return {
    connId: info.connId,
    playerId: info.playerId,
    name: info.name,
    role: info.role,
    seat: info.seat,
    connectedAt: info.connectedAt,
    lastSeenAt: now,
    lastSnap: null,
    prevSnap: null,
    olderSnap: null,
    snapAck: -1,
    snapDurable: null,
    excess: 0,
    holdFrom: null,
    tokens: burst,
    tokensAt: connAge(info, now),
    strikeCount: 0,
    strikeWindowStart: connAge(info, now),
  };
}

export class Connections {
  private readonly byId = new Map<string, LiveConn>();
  /** The same connections in the map's order, for index loops on the per-tick path (a Map iterator allocates). */
  private readonly ordered: LiveConn[] = [];
  /**
   * No connection can be silent before this time (liveness.ts caches it: a connection's `lastSeenAt`
   * only moves later, so the earliest one plus the timeout holds until then). Reset by `add` and by a
   * `lastSeenAt` moved earlier; it spares the per-tick check reading every connection's time (each read
   * of a number field was 16 bytes of garbage per connection per tick in node, issue 12).
   */
  silentFrom = -Infinity;

  get(connId: string): LiveConn | undefined {
    return this.byId.get(connId);
  }
  add(conn: LiveConn): void {
    this.silentFrom = -Infinity;
    const old = this.byId.get(conn.connId);
    this.byId.set(conn.connId, conn);
    // A replaced id keeps its place, as in the map.
    const i = old === undefined ? -1 : this.ordered.indexOf(old);
    if (i >= 0) this.ordered[i] = conn;
    else this.ordered.push(conn);
  }
  remove(connId: string): LiveConn | undefined {
    const c = this.byId.get(connId);
    this.byId.delete(connId);
    if (c !== undefined) {
      const i = this.ordered.indexOf(c);
      if (i >= 0) this.ordered.splice(i, 1);
    }
    return c;
  }
  all(): LiveConn[] {
    return this.ordered.slice();
  }
  /** The connections without copying them (the per-tick loops index it); do not add or remove while looping over it. */
  list(): readonly LiveConn[] {
    return this.ordered;
  }
  /** The connections as an iterator (allocates one per call: per-tick code uses `list`). */
  values(): IterableIterator<LiveConn> {
    return this.byId.values();
  }
  /** Whether any player connection currently holds this seat. */
  seatConnected(seat: Seat): boolean {
    const list = this.ordered;
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      if (c !== undefined && c.role === "player" && c.seat === seat) return true;
    }
    return false;
  }
  /** Connections of the same player in the same role (a newer one replaces them). */
  samePlayer(playerId: string, role: Role): LiveConn[] {
    return this.all().filter((c) => c.playerId === playerId && c.role === role);
  }
  spectatorCount(): number {
    let n = 0;
    for (let i = 0; i < this.ordered.length; i++) if (this.ordered[i]?.role === "spectator") n++;
    return n;
  }
}
