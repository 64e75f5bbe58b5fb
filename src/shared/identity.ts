/**
 * The verified identity the worker hands to a room with a WebSocket upgrade.
 *
 * It travels in an internal header that the worker first strips from every
 * client request (every `x-edgeroom-*` header) and then sets itself, and rooms
 * are reachable only through the worker's Durable Object binding, so a client
 * cannot forge it.
 */
import * as z from "zod";
import { str, int, nonNegInt, strOrNull, nonEmptyStr, connRole } from "../protocol/zod-shared";

export const INTERNAL_HEADER_PREFIX = "x-edgeroom-";
export const IDENTITY_HEADER = "x-edgeroom-identity";

export const RoomIdentity = z.object({
  playerId: nonEmptyStr.max(64),
  name: nonEmptyStr.max(32),
  role: connRole,
  /** Join ticket id, for single use. */
  jti: str.min(8).max(64),
  /** Ticket expiry, seconds since epoch. */
  exp: int,
  /** Protocol version the client asked for. */
  version: int,
  /** Resume data the client presented, checked by the room. */
  resume: z.object({ session: strOrNull, lastSeq: nonNegInt }).nullable(),
});
export type RoomIdentity = z.infer<typeof RoomIdentity>;
