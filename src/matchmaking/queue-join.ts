/**
 * What the worker hands a queue for a join: the argument of the `enqueue` RPC (POST /api/queue) and,
 * for a join in one upgrade (GET /api/queue/ws?game=…), the same value as JSON in an internal header
 * of the upgrade request, so the join and its socket are one call to the queue instead of two. The
 * schemas are the types' single source; the queue parses the header with them. The header is set by
 * the worker alone: it builds a fresh request, and only the worker's binding reaches a queue.
 */
import * as z from "zod";
import { int, bool, nonNegInt, posInt, nonEmptyStr } from "../protocol/zod-shared";
import { PlayerId } from "../worker/tokens";

export const QUEUE_JOIN_HEADER = "x-edgeroom-queue-join";

/** What a queue needs to know of its game to form groups (grouping.ts). */
export const QueueShape = z.object({
  kind: z.enum(["turn-based", "real-time"]),
  /** Seats of a turn-based match; the maximum for a real-time one. */
  seats: posInt,
  /** Fewest players a real-time match starts with. */
  minSeats: posInt,
  hasAi: bool,
  /** Real-time: start with whoever is queued once the first of them waited this long. */
  readyMs: nonNegInt,
});
export type QueueShape = z.infer<typeof QueueShape>;

export const EnqueueRequest = z.object({
  queueKey: nonEmptyStr,
  game: nonEmptyStr,
  rated: bool,
  shape: QueueShape,
  player: z.object({ playerId: PlayerId, name: nonEmptyStr }),
  /** When the player's token was issued (seconds): checked again for revocation before the queue signs a ticket. */
  iat: int,
  aiAfterMs: nonNegInt.nullable(),
  /** ws(s)://host of the worker, for the room URL in the matched frame. */
  wsOrigin: nonEmptyStr,
});
export type EnqueueRequest = z.infer<typeof EnqueueRequest>;
