/**
 * HTTP and queue-socket schemas of matchmaking (quick play), ratings and private-match codes
 * (docs/protocol.md §3.13–§3.17). The handlers validate with these, and the OpenAPI document is built
 * from them.
 */
import * as z from "zod";
import { str, num, int, bool, nonNegInt, posInt, nonEmptyStr, matchMode } from "./zod-shared";
import { MatchResultSchema } from "./schemas";

/** Queue modes: "ranked" matches are rated; "casual" ones are not. Matches with an AI seat are never rated. */
export const QUEUE_MODES = ["ranked", "casual"] as const;

/** Body of POST /api/queue. */
export const QueueRequest = z
  .object({
    game: nonEmptyStr.max(32),
    mode: z.enum(QUEUE_MODES).default("ranked"),
    /** Seats per match (turn-based games); defaults to the game's minimum. Real-time games fill up to their maximum. */
    seats: posInt.max(16).optional(),
    /**
     * Turn-based games with an AI: after waiting this long unmatched, play an AI instead (unrated).
     * Defaults to QUEUE_AI_AFTER_MS; null never offers an AI.
     */
    aiAfterMs: nonNegInt.max(600_000).nullable().optional(),
  })
  .strict()
  .meta({ id: "QueueRequest" });
export type QueueRequest = z.infer<typeof QueueRequest>;

/**
 * Query of GET /api/queue/ws: either `ticket` (an entry from POST /api/queue), or `game` and the other
 * fields of QueueRequest to join and wait in one upgrade (the player token then travels in the
 * `edgeroom.bearer.<token>` subprotocol or an Authorization header, never in the URL).
 */
export const QueueSocketQuery = z
  .object({
    ticket: nonEmptyStr.max(200).optional(),
    game: nonEmptyStr.max(32).optional(),
    mode: z.enum(QUEUE_MODES).optional(),
    /** As in QueueRequest, in decimal: 1 to 16. */
    seats: str.regex(/^([1-9]|1[0-6])$/, "seats: 1 to 16").optional(),
    /** As in QueueRequest, in decimal ms (0 to 600000), or "off": never offer an AI (null in the JSON body). */
    aiAfterMs: str.regex(/^(off|0|[1-9]\d{0,5})$/, 'aiAfterMs: 0 to 600000, or "off"').optional(),
  });

/** The subprotocol a socket join asks for and the server answers with, and the prefix of the one carrying the player token. */
export const QUEUE_SUBPROTOCOL = "edgeroom.queue";
export const BEARER_SUBPROTOCOL_PREFIX = "edgeroom.bearer.";

/** Private-match join codes: 6 characters of an alphabet without look-alikes (no 0/O, 1/I/L, U). */
export const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
export const JoinCode = str.regex(new RegExp(`^[${CODE_ALPHABET}]{6}$`), "a join code is 6 characters of 2-9 and A-Z without I, L, O, U");

/**
 * What a room tells the ratings store when a rated round ends (RPC to the ratings object; kept as JSON
 * in the room's `rating_reports` table until acknowledged). The key (matchId, round) makes it idempotent.
 */
export const RoundReport = z.object({
  matchId: nonEmptyStr,
  round: nonNegInt,
  game: nonEmptyStr,
  /** Player id of each seat, by seat index. */
  players: z.array(str),
  result: MatchResultSchema,
});
export type RoundReport = z.infer<typeof RoundReport>;

/**
 * The answers of POST /api/queue, GET /api/ratings/:playerId and GET /api/codes/:code and the queue
 * socket's frames, built on the first call: the worker never parses them (it builds the frames from
 * the QueueMessage type), only the OpenAPI document and the pages do, and a schema with an id stays
 * alive for good in zod's global registry (built at load they were part of the worker's fixed heap,
 * which every full mark-compact marks; issue 12).
 */
export function matchmakingAnswers(): MatchmakingAnswers {
  built ??= build();
  return built;
}

function build() {
  /** Answer of POST /api/queue: the queue entry and the socket that waits for the match. */
  const QueueResponse = z
    .object({
      /** The queue entry; unguessable. Open `url` within 30 s or the entry is dropped. */
      ticketId: str,
      /** WebSocket URL of the waiting connection (GET /api/queue/ws?ticket=<ticketId>). */
      url: str,
      /** True when this player was already waiting in this queue: the same entry is returned. */
      existing: bool,
    })
    .meta({ id: "QueueEntry" });

  /** Frames the queue socket sends (JSON text). */
  const QueueMessage = z
    .discriminatedUnion("type", [
      z.object({ type: z.literal("queued"), ticketId: str, waiting: int }),
      z.object({
        type: z.literal("matched"),
        matchId: str,
        /** Single-use 30 s join ticket for the match, and the room's WebSocket URL with it. */
        ticket: str,
        url: str,
        expiresAt: num,
        rated: bool,
        /** "pvp", or "ai" when an AI took the open seats. */
        mode: matchMode,
      }),
    ])
    .meta({ id: "QueueMessage" });

  const PlayerRating = z
    .object({
      game: str,
      /** Weng-Lin (openskill, Plackett-Luce) mean and deviation; the conservative display value is mu − 3σ. */
      mu: num,
      sigma: num,
      ordinal: num,
      matches: int,
    })
    .meta({ id: "PlayerRating" });

  const RatingsResponse = z.object({ playerId: str, ratings: z.array(PlayerRating) }).meta({ id: "Ratings" });

  const CodeResponse = z.object({ code: str, matchId: str }).meta({ id: "JoinCode" });
  return { QueueResponse, QueueMessage, PlayerRating, RatingsResponse, CodeResponse };
}

type MatchmakingAnswers = ReturnType<typeof build>;
let built: MatchmakingAnswers | undefined;

export type QueueMessage = z.infer<MatchmakingAnswers["QueueMessage"]>;
export type PlayerRating = z.infer<MatchmakingAnswers["PlayerRating"]>;
