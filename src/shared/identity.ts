/**
 * The verified identity the worker hands to a room with a WebSocket upgrade.
 *
 * It travels in an internal header that the worker first strips from every
 * client request (every `x-edgeroom-*` header) and then sets itself, and rooms
 * are reachable only through the worker's Durable Object binding, so a client
 * cannot forge it.
 */
import * as z from "zod";

export const INTERNAL_HEADER_PREFIX = "x-edgeroom-";
export const IDENTITY_HEADER = "x-edgeroom-identity";

export const RoomIdentity = z.object({
  playerId: z.string().min(1).max(64),
  name: z.string().min(1).max(32),
  role: z.enum(["player", "spectator"]),
  /** Join ticket id, for single use. */
  jti: z.string().min(8).max(64),
  /** Ticket expiry, seconds since epoch. */
  exp: z.number().int(),
  /** Protocol version the client asked for. */
  version: z.number().int(),
  /** Resume data the client presented, checked by the room. */
  resume: z.object({ session: z.string().nullable(), lastSeq: z.number().int().min(0) }).nullable(),
});
export type RoomIdentity = z.infer<typeof RoomIdentity>;
