/**
 * What happens while a seated player is away: the grace window, the game's
 * disconnect policy, and the turn clock. All of it lives in the record, so it
 * survives hibernation, eviction and restarts.
 *
 * Policies (the game's default, overridable per match):
 * - "forfeit": clocks keep running; when the grace window expires the seat forfeits.
 * - "pause": the turn clock stops while any seated player is away and resumes
 *   with the time that was left; when the grace window expires the seat forfeits.
 * - "keep-seat": clocks keep running; when the grace window expires the seat
 *   stays the player's and the match goes on (only a `graceExpired` event).
 */
import type { GameEvent, Seat } from "../../games/types";
import type { RoomRecord } from "./record";

/** A match in play with every human away (and kept seats) is closed as abandoned after this long. */
export const ABANDONED_PLAYING_TTL_MS = 60 * 60_000;

export { DISCONNECT_POLICIES, type DisconnectPolicy } from "./record";

/** A seated human's connection went away during play: open the grace window (and pause, by policy). */
export function startAbsence(rec: RoomRecord, seat: Seat, now: number): GameEvent[] {
  const s = rec.seats[seat];
  if (!s || s.kind !== "human" || rec.status !== "playing" || s.graceUntil !== null) return [];
  s.graceUntil = now + rec.settings.graceMs;
  if (rec.settings.disconnectPolicy === "pause" && rec.turnDeadline !== null) {
    rec.pausedTurnMs = Math.max(0, rec.turnDeadline - now);
    rec.turnDeadline = null;
  }
  // Nobody left at the table: whatever the policy, the room closes as abandoned if nobody returns.
  if (rec.seats.every((x) => x.kind !== "human" || x.graceUntil !== null)) rec.cleanupAt = now + ABANDONED_PLAYING_TTL_MS;
  return [{ type: "playerDisconnected", seat, graceUntil: s.graceUntil, paused: rec.pausedTurnMs !== null }];
}

/** The player is back within the window: close it, and resume a paused clock once nobody is away. */
export function endAbsence(rec: RoomRecord, seat: Seat, now: number): GameEvent[] {
  const s = rec.seats[seat];
  if (!s || s.graceUntil === null) return [];
  s.graceUntil = null;
  if (rec.status === "playing") rec.cleanupAt = null;
  if (rec.pausedTurnMs !== null && rec.seats.every((x) => x.graceUntil === null)) {
    rec.turnDeadline = now + rec.pausedTurnMs;
    rec.pausedTurnMs = null;
  }
  return [{ type: "playerReconnected", seat }];
}

/** Whether the seat forfeits when its grace window expires. */
export function forfeitsOnExpiry(rec: RoomRecord): boolean {
  return rec.settings.disconnectPolicy !== "keep-seat";
}
