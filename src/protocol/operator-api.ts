/**
 * The operator's room actions (POST /api/admin/rooms/:id/close and …/players/:playerId/remove): request
 * and answer shapes, the record of who closed a room, and the close-reason rule they share.
 */
import * as z from "zod";
import { str, num, int, bool, strOrNull, intOrNull } from "./zod-shared";

/** WebSocket close reasons are at most 123 bytes of UTF-8 (RFC 6455 §5.5: 125-byte control payload minus the code). */
export const MAX_CLOSE_REASON_BYTES = 123;

/** The text cut to fit a close reason: whole code points only, so the cut never splits a character. */
export function closeReasonText(text: string): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= MAX_CLOSE_REASON_BYTES) return text;
  let out = "";
  let bytes = 0;
  for (const ch of text) {
    const n = encoder.encode(ch).length;
    if (bytes + n > MAX_CLOSE_REASON_BYTES) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** Body of both operator actions: why, shown to the players (1–120 characters, trimmed). */
export const OperatorActionRequest = z
  .object({ reason: str.trim().min(1, "reason must not be empty").max(120, "reason is at most 120 characters") })
  .strict()
  .meta({ id: "OperatorActionRequest" });

/** Kept in the room's record and its replay: who closed the room, why, when (ms since epoch). */
export const ClosedBy = z.object({ by: z.literal("operator"), reason: str, at: num });
export type ClosedBy = z.infer<typeof ClosedBy>;

/** Answer of POST /api/admin/rooms/:id/close (200, also when it was already closed). */
export const CloseRoomResponse = z
  .object({
    matchId: str,
    closed: z.literal(true),
    /** True when the room was closed before this request (nothing changed). */
    alreadyClosed: bool,
    /** The operator's reason stored with the room (the first close's, when closed twice); null if it closed by itself (idle, abandoned). */
    reason: strOrNull,
    /** Connections this request closed (code 4011). */
    connectionsClosed: int,
  })
  .meta({ id: "CloseRoomResponse" });

/** Answer of POST /api/admin/rooms/:id/players/:playerId/remove. */
export const RemovePlayerResponse = z
  .object({
    matchId: str,
    playerId: str,
    removed: z.literal(true),
    /** True when the player was removed before this request (nothing changed). */
    alreadyRemoved: bool,
    /** The seat the player held, or null for a spectator. */
    seat: intOrNull,
    /** What happened to the seat: forfeited (match in play), freed (still waiting), kept (match over), or none (spectator). */
    seatOutcome: z.enum(["forfeited", "freed", "kept", "none"]),
    /** Connections this request closed (code 4009). */
    connectionsClosed: int,
  })
  .meta({ id: "RemovePlayerResponse" });
