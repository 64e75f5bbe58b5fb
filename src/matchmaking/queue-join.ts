/**
 * What the worker hands a queue for a join: the argument of the `enqueue` RPC (POST /api/queue) and,
 * for a join in one upgrade (GET /api/queue/ws?game=…), the same value as JSON in an internal header
 * of the upgrade request, so the join and its socket are one call to the queue instead of two. The
 * schemas are the types' single source; the queue parses the header with them. The header is set by
 * the worker alone: it builds a fresh request, and only the worker's binding reaches a queue.
 */
import * as z from "zod";
import { PlayerId } from "../worker/tokens";

export const QUEUE_JOIN_HEADER = "x-edgeroom-queue-join";

/** What a queue needs to know of its game to form groups (grouping.ts). */
export const QueueShape = z.object({
  kind: z.enum(["turn-based", "real-time"]),
  /** Seats of a turn-based match; the maximum for a real-time one. */
  seats: z.number().int().min(1),
  /** Fewest players a real-time match starts with. */
  minSeats: z.number().int().min(1),
  hasAi: z.boolean(),
  /** Real-time: start with whoever is queued once the first of them waited this long. */
  readyMs: z.number().int().min(0),
});
export type QueueShape = z.infer<typeof QueueShape>;

export const EnqueueRequest = z.object({
  queueKey: z.string().min(1),
  game: z.string().min(1),
  rated: z.boolean(),
  shape: QueueShape,
  player: z.object({ playerId: PlayerId, name: z.string().min(1) }),
  /** When the player's token was issued (seconds): checked again for revocation before the queue signs a ticket. */
  iat: z.number().int(),
  aiAfterMs: z.number().int().min(0).nullable(),
  /** ws(s)://host of the worker, for the room URL in the matched frame. */
  wsOrigin: z.string().min(1),
});
export type EnqueueRequest = z.infer<typeof EnqueueRequest>;
