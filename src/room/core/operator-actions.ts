/**
 * The operator's actions on a room: close it with a reason, or remove one player. Both are decided
 * here (I/O-free) and leave their trace in the record, so a rebuilt room refuses the same joins.
 *
 * Removing a seated player follows the absence rules' harshest outcome at once, because the player
 * can never come back: during play the seat forfeits exactly as if its grace window had expired under
 * the "forfeit" policy (whatever the match's policy: "keep-seat" would leave a seat nobody may take);
 * while waiting the seat is freed for someone else; after the end the seat and the result stay.
 */
import type { GameEvent } from "../../games/types";
import { CloseCode, closeReasonText } from "../../protocol";
import { closeRoom, forfeitSeat } from "./lifecycle";
import { MAX_REMOVED, NO_UNACKED } from "./record";
import type { RoomOps } from "./room-ops";

export interface CloseOutcome {
  readonly alreadyClosed: boolean;
  readonly reason: string | null;
  readonly connectionsClosed: number;
}

export type RemoveOutcome =
  | { readonly found: false }
  | { readonly found: true; readonly alreadyRemoved: boolean; readonly seat: number | null; readonly seatOutcome: "forfeited" | "freed" | "kept" | "none"; readonly connectionsClosed: number };

/** Close the room for good: no winner if the match is on, every connection closed with 4011 and the reason. */
export function closeByOperator(core: RoomOps, reason: string, now: number): CloseOutcome {
  const rec = core.record;
  if (rec.status === "closed") return { alreadyClosed: true, reason: rec.closedBy?.reason ?? null, connectionsClosed: 0 };
  core.markDirty();
  const step = closeRoom(rec, now, { by: "operator", reason, at: now });
  core.commit(step);
  core.log("warn", "room_closed", { reason: "operator", message: reason });
  const conns = core.conns.all();
  for (const c of conns) {
    core.conns.remove(c.connId);
    core.close(c, CloseCode.CLOSED_BY_OPERATOR, closeReasonText(reason));
  }
  return { alreadyClosed: false, reason, connectionsClosed: conns.length };
}

/** Remove one player (seated or spectating): its connections closed with 4009, every later join refused. */
export function removePlayer(core: RoomOps, playerId: string, reason: string, now: number): RemoveOutcome {
  const rec = core.record;
  const seat = rec.seats.findIndex((s) => s.kind === "human" && s.playerId === playerId);
  const conns = core.conns.all().filter((c) => c.playerId === playerId);
  if (rec.removed.some((r) => r.playerId === playerId)) {
    return { found: true, alreadyRemoved: true, seat: null, seatOutcome: "none", connectionsClosed: 0 };
  }
  if (seat < 0 && conns.length === 0) return { found: false };
  rec.removed.push({ playerId, reason, at: now });
  if (rec.removed.length > MAX_REMOVED) rec.removed.splice(0, rec.removed.length - MAX_REMOVED);
  core.markDirty();
  for (const c of conns) {
    core.conns.remove(c.connId);
    core.close(c, CloseCode.KICKED, closeReasonText(reason));
  }
  core.log("warn", "player_removed", { playerId, seat: seat < 0 ? null : seat, connections: conns.length, reason });
  if (seat < 0) return { found: true, alreadyRemoved: false, seat: null, seatOutcome: "none", connectionsClosed: conns.length };
  const seatRec = rec.seats[seat];
  const removedEvent: GameEvent = { type: "playerRemoved", seat };
  let seatOutcome: "forfeited" | "freed" | "kept" = "kept";
  if (seatRec && rec.status === "playing") {
    seatRec.graceUntil = null;
    const step = forfeitSeat(rec, core.game, seat, "forfeit", now);
    step.events.unshift(removedEvent);
    core.commit(step);
    seatOutcome = "forfeited";
  } else if (seatRec && rec.status === "waiting") {
    Object.assign(seatRec, { playerId: null, name: "", session: "", lastInputId: 0, recent: [], unacked: NO_UNACKED, rematch: false, graceUntil: null });
    core.emitUpdate([removedEvent]);
    seatOutcome = "freed";
  } else if (seatRec) {
    seatRec.rematch = false;
    core.emitUpdate([removedEvent]);
  }
  return { found: true, alreadyRemoved: false, seat, seatOutcome, connectionsClosed: conns.length };
}

/** Why a join is refused by an operator action, or null. */
export function operatorRefusal(core: RoomOps, playerId: string): { code: number; reason: string } | null {
  const rec = core.record;
  if (rec.closedBy) return { code: CloseCode.CLOSED_BY_OPERATOR, reason: closeReasonText(rec.closedBy.reason) };
  const removed = rec.removed.find((r) => r.playerId === playerId);
  return removed ? { code: CloseCode.KICKED, reason: closeReasonText(removed.reason) } : null;
}
