/**
 * Liveness evidence from the runtime. Heartbeat pings are answered by the runtime itself (the auto
 * response, which never wakes the room), so the room learns of them only by reading each socket's
 * last auto-response time: at each liveness check, and for every socket when the room is rebuilt.
 */
import type { RoomCore } from "../core/room-core";
import type { SocketRegistry } from "./socket-registry";

/**
 * The real-time loop reads the timestamps at most this often, not at every 50 ms tick: one native call
 * per socket per tick was 7.5 % of a room-tick's sampled time (bench/results/room-tick-profile-latest.md).
 * It cannot close a live socket: a client pings every 1–1.5 s and a socket is dead after 3.5 s of
 * silence, so a reading up to 250 ms old still shows it alive; a dead link's last ping is the same
 * whenever it is read, so detection is at most this much later.
 */
export const PING_READ_MS = 250;

/** When the loop last read the heartbeat timestamps. */
export class PingReads {
  private last = 0;

  /** Whether a reading is due at `now` (and if so, it counts as done). */
  due(now: number): boolean {
    if (now - this.last < PING_READ_MS) return false;
    this.last = now;
    return true;
  }
}

/**
 * Feed the runtime's heartbeat auto-response timestamps to the core's liveness check. A connection
 * heard from (any frame) within half the heartbeat timeout is skipped: this check cannot find it
 * silent whatever its last ping, and every check reads it again once it is older, long before it
 * could be. Each reading makes a Date (the runtime's), which at 150 real-time rooms of clients
 * sending inputs was most of what the loop tick allocated itself (issue 12).
 */
export function observePings(ctx: DurableObjectState, sockets: SocketRegistry, core: RoomCore): void {
  const now = Date.now();
  const fresh = core.record.settings.heartbeatTimeoutMs / 2;
  // By connection (the core's list: an index loop, no iterator per reading), then its socket; a
  // connection without one (an HTTP fallback stream) has no auto-response timestamp to read.
  const conns = core.conns.list();
  for (let i = 0; i < conns.length; i++) {
    const conn = conns[i];
    if (conn === undefined || now - conn.lastSeenAt < fresh) continue;
    const ws = sockets.socket(conn.connId);
    if (ws === undefined) continue;
    const pinged = ctx.getWebSocketAutoResponseTimestamp(ws);
    if (pinged) core.observeSeen(conn.connId, pinged.getTime());
  }
}

/**
 * A rebuilt room re-registers every socket that survived: its last heartbeat auto-response, or the
 * connection time, is the liveness evidence that survives hibernation (frames also count, but only
 * while awake; the protocol requires pings).
 */
export function restoreSockets(ctx: DurableObjectState, sockets: SocketRegistry, core: RoomCore): void {
  for (const { ws, info } of sockets.rebuild(ctx.getWebSockets())) {
    const pinged = ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
    core.restore(info, Math.max(pinged, info.connectedAt));
  }
}
