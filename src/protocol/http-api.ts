/**
 * Zod schemas of the HTTP API: request bodies and queries the worker's routes
 * validate with, and the JSON bodies they answer. The one definition: the
 * routes import them, the OpenAPI document (GET /api/openapi.json) is
 * generated from them, and the SDK's HTTP client (src/client/http-api.ts)
 * types and checks its answers with them. `.meta({ id })` names a schema in the
 * document's components.
 */
import * as z from "zod";
import { str, num, int, bool, anything, posInt, strOrNull, numOrNull, intOrNull, nonEmptyStr, seatIndex, seatKind, matchMode, connRole } from "./zod-shared";
import { PROTOCOL_VERSION } from "./codes";
import { ReplayDocument as ReplaySchema } from "./replay";
import { MatchResultSchema, MatchStatus } from "./schemas";

const seat = seatIndex;

/**
 * A match result as the HTTP answers carry it: the wire schema (MatchResultSchema) with `detail` as any
 * object, since its recursive JSON type has no finite JSON Schema for the OpenAPI document.
 */
export const MatchResult = MatchResultSchema.extend({ detail: z.record(str, anything).optional() }).meta({ id: "MatchResult" });

/** What POST /api/matches accepts for `aiLevel`. */
export const AI_LEVELS = ["easy", "medium", "hard"] as const;
/** What a disconnection does to a seat (see src/room/absence.ts). */
export const DISCONNECT_POLICIES = ["forfeit", "pause", "keep-seat"] as const;

/**
 * A refinement, not `.regex()`: the OpenAPI generator writes a regex with flags (this one needs `u` for
 * \p{C}) as a broken pattern ("…$/u"), so the rule is stated in the description instead.
 */
export const PlayerName = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .refine((s) => /^[^\p{C}]+$/u.test(s), "name must not contain control characters")
  .meta({ description: "1–32 characters after trimming, none of Unicode category C (control, format, private use)." });

/** Every error answer: `{"error":{"code","message"}}` (codes: ApiErrorCode in codes.ts). */
export const ApiErrorBody = z.object({ error: z.object({ code: str, message: str }) }).meta({ id: "ApiError" });

export const HealthResponse = z
  .object({
    status: z.enum(["ok", "misconfigured"]),
    /** Problems that stop the worker from issuing tokens (status 503). */
    problems: z.array(str).optional(),
    /** Settings an operator may still want to set; none of them stops the worker. */
    notes: z.array(str),
  })
  .meta({ id: "Health" });

/** Body of POST /api/guest. */
export const GuestRequest = z.object({ name: PlayerName.optional() }).strict().meta({ id: "GuestRequest" });

export const GuestResponse = z
  .object({
    playerId: str,
    name: str,
    /** Player token (HS256 JWT): send it as `Authorization: Bearer`. */
    token: str,
    /** ms since epoch. */
    expiresAt: num,
  })
  .meta({ id: "Guest" });

/** Body of POST /api/matches. */
export const CreateMatchRequest = z
  .object({
    game: nonEmptyStr.max(32),
    mode: matchMode.default("pvp"),
    aiLevel: z.enum(AI_LEVELS).default("medium"),
    /** Number of seats; defaults to the game's minimum. */
    seats: posInt.max(16).optional(),
    /** Time per move in ms (turn-based games); 0 disables the turn clock. */
    turnMs: int.refine((v) => v === 0 || (v >= 1000 && v <= 600_000), "turnMs must be 0 or between 1000 and 600000").optional(),
    /** Reconnection grace window in ms. */
    graceMs: int.min(1000).max(600_000).optional(),
    spectators: bool.default(true),
    /** What a disconnection does; defaults to the game's policy (see src/room/absence.ts). */
    disconnectPolicy: z.enum(DISCONNECT_POLICIES).optional(),
    /**
     * Real-time games: after the first player joins, start anyway after this long with the seats filled
     * so far (at least the game's minimum). Default 20 s for real-time games; none for turn-based ones.
     */
    readyTimeoutMs: int.min(1000).max(300_000).optional(),
    /** Game-specific options, validated by the game. */
    options: z.record(str, anything).default({}),
    /** A private match: the answer carries a 6-character join code (GET /api/codes/:code resolves it). */
    private: bool.default(false),
  })
  .strict()
  .meta({ id: "CreateMatchRequest" });
export type CreateMatchRequest = z.infer<typeof CreateMatchRequest>;

/** The room's public status (GET /api/matches/:id, and `match` in the creation answer). */
export const PublicStatus = z
  .object({
    matchId: str,
    game: str,
    mode: matchMode,
    status: MatchStatus,
    round: int,
    seats: z.array(z.object({ seat, name: str, kind: seatKind, claimed: bool, connected: bool })),
    turn: seat.nullable(),
    turnDeadline: numOrNull,
    result: MatchResult.nullable(),
    spectators: int,
    createdAt: num,
    endedAt: numOrNull,
    /** Sequence number of the latest update. */
    seq: int,
    /** Checksum of the authoritative game state (see welcome.stateHash); null while a game with secrets is played. */
    stateHash: strOrNull,
  })
  .meta({ id: "PublicStatus" });
export type PublicStatus = z.infer<typeof PublicStatus>;

export const CreateMatchResponse = z
  .object({
    matchId: str,
    links: z.object({ status: z.url(), ticket: z.url(), join: z.url() }),
    match: PublicStatus,
    /** Private matches only: the join code, valid until the match closes. */
    code: str.length(6).optional(),
  })
  .meta({ id: "CreatedMatch" });

/** Body of POST /api/matches/:id/ticket. */
export const TicketRequest = z.object({ role: connRole.default("player") }).strict().meta({ id: "TicketRequest" });

export const TicketResponse = z
  .object({
    /** Single-use join ticket, valid 30 s. */
    ticket: str,
    /** ms since epoch. */
    expiresAt: num,
    /** The WebSocket URL to open, ticket and protocol version included. */
    url: str,
  })
  .meta({ id: "Ticket" });

/**
 * GET /api/matches/:id/replay, once the match is over: the one replay schema (src/protocol/replay.ts,
 * which the room writes and the verifier reads), with `result` as MatchResult for the same reason.
 */
export const ReplayDocument = ReplaySchema.extend({ result: MatchResult.nullable() }).meta({ id: "Replay" });
export type { RoundReveal } from "./replay";

/**
 * One game of GET /api/games: what a lobby needs to offer it without knowing it
 * (seat range, kind, AI levels, the defaults a create form starts from).
 */
export const GameInfo = z
  .object({
    id: str,
    title: str,
    seats: z.object({ min: int, max: int }),
    kind: z.enum(["turn-based", "real-time"]),
    /** Levels POST /api/matches accepts as `aiLevel` with mode "ai"; empty when the game has no AI. */
    aiLevels: z.array(str),
    defaults: z.object({
      /** Time per move in ms; null when the game has no turn clock (real-time games, or none by default). */
      turnMs: intOrNull,
      graceMs: int,
      disconnectPolicy: z.enum(DISCONNECT_POLICIES),
      /** Real-time games: start after this long with the seats filled so far; null for turn-based ones. */
      readyTimeoutMs: intOrNull,
    }),
  })
  .meta({ id: "GameInfo" });
export type GameInfo = z.infer<typeof GameInfo>;

/** GET /api/games: the games this deployment hosts, in the app's order. */
export const GamesResponse = z.object({ games: z.array(GameInfo) }).meta({ id: "Games" });

/** GET /api/matches/:id/metrics (operator token). */
export const MetricsResponse = z.object({ matchId: str, counters: z.record(str, num) }).meta({ id: "Metrics" });

/** Query of GET /api/matches/:id/ws and /sse. */
export const JoinQuery = z.object({
  ticket: nonEmptyStr.max(2048).optional(),
  v: z.coerce.number().int().min(0).max(1_000_000).default(PROTOCOL_VERSION),
  /** Resume: the session from an earlier welcome and the last update seq applied. */
  session: str.regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  lastSeq: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

/** Query of POST /api/matches/:id/send. */
export { SEND_TOKEN_HEADER } from "./sse";
export const SendToken = str.regex(/^[A-Za-z0-9_-]{43}$/, "the send token from the stream's open event");

export const SendQuery = z.object({ conn: str.regex(/^[0-9a-f-]{36}$/, "conn must be the id from the stream's open event") });

/** Answer of POST /api/players/:playerId/revoke. */
export const RevokeResponse = z
  .object({
    playerId: str,
    /** Tokens issued at or before this time (ms since epoch) are refused from now on. */
    revokedBefore: int,
    /** Rooms the player took tickets for, told to close its connections. */
    rooms: int,
    /** Connections those rooms closed (close code 4009). */
    closed: int,
  })
  .meta({ id: "RevokeResponse" });
