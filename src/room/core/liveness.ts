/**
 * Half-open links: how the room tells a silent socket from a live one, and how often it looks.
 *
 * A blackholed link (lid closed, NAT entry gone, Wi-Fi switched) sends no close; only silence
 * shows it. Every connection's `lastSeenAt` is its last frame or heartbeat ping (the host feeds the
 * runtime's auto-response timestamps in through `observeSeen`). A connection silent for
 * `heartbeatTimeoutMs` is dead at the next check. The checks run:
 * - real-time rooms: on every loop tick (the snapshot interval, 50 ms), already awake anyway;
 * - turn-based rooms: from the host's in-memory watchdog every TURN_BASED_CHECK_MS, only while the
 *   match is playing and a seated player is connected (the room then stays awake instead of
 *   hibernating between moves: the cost is in docs/reliability.md §6);
 * - otherwise (spectators of a turn-based room, rooms waiting or finished): from the alarm, BACKSTOP_SLACK_MS later.
 * So a link cut right after its last ping is declared dead within timeout + check period.
 */
import { CloseCode } from "../../protocol";
import type { RoomOps, RoomState } from "./room-ops";

/** The client declares the link dead this long after a ping nobody answered (announced in welcome.heartbeat). */
export const PONG_TIMEOUT_MS = 2_000;
/** Turn-based rooms: the period of the in-memory liveness watchdog while someone seated is connected. */
export const TURN_BASED_CHECK_MS = 500;

/** How often the room checks for silent sockets while a match is in play (announced in welcome.heartbeat). */
export function livenessCheckMs(room: RoomState): number {
  return room.game.realtime ? Math.round(1000 / room.game.realtime.snapshotHz) : TURN_BASED_CHECK_MS;
}

/** Turn-based rooms: whether the host's watchdog should run (a match in play and a seated player connected). */
export function watchdogNeeded(room: RoomState): boolean {
  if (room.rt !== null || room.record.status !== "playing") return false;
  return room.conns.all().some((c) => c.role === "player" && c.seat !== null);
}

/** Declare every connection silent for at least the heartbeat timeout dead: close it, then treat it as a drop. */
export function closeSilent(room: RoomOps, now: number): number {
  const timeout = room.record.settings.heartbeatTimeoutMs;
  let closed = 0;
  // This runs every real-time tick: nothing to read before the earliest possible silence (Connections.silentFrom),
  // then look without a copy (closing below removes from the list, hence the copy then).
  const conns = room.conns;
  if (now < conns.silentFrom) return 0;
  const live = conns.list();
  let earliest = Infinity;
  for (let i = 0; i < live.length; i++) {
    const c = live[i];
    if (c !== undefined && c.lastSeenAt < earliest) earliest = c.lastSeenAt;
  }
  conns.silentFrom = earliest + timeout;
  if (now < conns.silentFrom) return 0;
  for (const c of room.conns.all()) {
    if (c.lastSeenAt + timeout > now) continue;
    room.close(c, CloseCode.HEARTBEAT_TIMEOUT, "No heartbeat received in time.");
    room.log("info", "heartbeat_timeout", { playerId: c.playerId, seat: c.seat, silentMs: now - c.lastSeenAt });
    room.disconnect(c.connId, CloseCode.HEARTBEAT_TIMEOUT, now);
    closed += 1;
  }
  return closed;
}

/**
 * The alarm is only the durable backstop for liveness: it brings back a room whose instance went away
 * while nothing else would wake it. The detecting is done by the in-memory checks while a match is in
 * play (the real-time loop, the turn-based watchdog); spectators, and connections while nothing is in
 * play (waiting, finished), are left to the alarm and found within timeout + this slack. An exact
 * liveness alarm would be re-armed every few seconds (each setAlarm is a billed row write) and would
 * keep a waiting or finished room from ever hibernating.
 */
export const BACKSTOP_SLACK_MS = 30_000;

/** The earliest connection's liveness deadline for the alarm (its timeout plus the backstop slack), or null without connections. */
export function nextLivenessDeadline(room: RoomState): number | null {
  const after = room.record.settings.heartbeatTimeoutMs + BACKSTOP_SLACK_MS;
  const conns = room.conns.list();
  let earliest: number | null = null;
  for (let i = 0; i < conns.length; i++) {
    const c = conns[i];
    if (c !== undefined && (earliest === null || c.lastSeenAt < earliest)) earliest = c.lastSeenAt;
  }
  return earliest === null ? null : earliest + after;
}
