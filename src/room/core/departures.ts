/**
 * Connections going away: a socket's close (or error), the operator's kick of a revoked player, and
 * seated players found without a socket after a rebuild from storage. A seated player who leaves while
 * a match is on gets their grace window (absence.ts); everything else only forgets the connection.
 * Each function gets only the parts of the room it uses.
 */
import type { GameEvent } from "../../games/types";
import { CloseCode } from "../../protocol";
import { startAbsence } from "./absence";
import type { RoomOps } from "./room-ops";

/** A socket closed (or errored). Seated players get their grace window while a match is on. */
export function leave(room: Pick<RoomOps, "record" | "conns" | "log" | "emitUpdate">, connId: string, code: number, now: number): void {
  const c = room.conns.remove(connId);
  if (!c) return;
  if (c.role !== "player" || c.seat === null || room.conns.seatConnected(c.seat)) {
    if (c.role === "spectator") room.log("info", "leave", { playerId: c.playerId, role: "spectator", code });
    return;
  }
  const seatRec = room.record.seats[c.seat];
  if (!seatRec) return;
  const away = startAbsence(room.record, c.seat, now);
  room.log("info", code === CloseCode.NORMAL ? "leave" : "drop", { seat: c.seat, playerId: c.playerId, code, graceUntil: seatRec.graceUntil });
  room.emitUpdate(away.length > 0 ? away : [{ type: "playerDisconnected", seat: c.seat, graceUntil: null, paused: false }]);
}

/** Close every connection of a player (revoked by the operator); returns how many. Its seat stays, in grace. */
export function kick(room: Pick<RoomOps, "conns" | "close" | "disconnect" | "log">, playerId: string, now: number): number {
  const conns = room.conns.all().filter((c) => c.playerId === playerId);
  for (const c of conns) {
    room.close(c, CloseCode.KICKED, "Removed by the server.");
    room.disconnect(c.connId, CloseCode.KICKED, now);
  }
  if (conns.length > 0) room.log("warn", "kicked", { playerId, connections: conns.length });
  return conns.length;
}

/**
 * After a rebuild, during play: seated humans without a socket (a restart or deploy closes sockets
 * silently, with no close event) get their grace window now. Appends their events to `events`.
 */
export function absentAfterRestart(room: Pick<RoomOps, "record" | "conns" | "log">, now: number, events: GameEvent[]): void {
  room.record.seats.forEach((s, i) => {
    if (s.kind === "human" && s.graceUntil === null && !room.conns.seatConnected(i)) {
      events.push(...startAbsence(room.record, i, now));
      room.log("info", "drop", { seat: i, cause: "not connected after restart", graceUntil: s.graceUntil });
    }
  });
}
