/**
 * Zod schemas of the HTTP API's requests: the bodies and queries the worker's routes validate with
 * (the JSON answers are in http-answers.ts). The one definition: the routes import them, the OpenAPI
 * document (GET /api/openapi.json) is generated from them, and the SDK's HTTP client
 * (src/client/http-api.ts) types its requests with them. `.meta({ id })` names a schema in the
 * document's components.
 */
import * as z from "zod";
import { str, num, int, bool, anything, posInt, strOrNull, numOrNull, intOrNull, nonEmptyStr, seatIndex, seatKind, matchMode, connRole } from "./zod-shared";
import { PROTOCOL_VERSION } from "./codes";
import { DISCONNECT_POLICIES } from "./http-answers";

const seat = seatIndex;

/** What POST /api/matches accepts for `aiLevel`. */
export const AI_LEVELS = ["easy", "medium", "hard"] as const;
export { DISCONNECT_POLICIES };

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

/** Body of POST /api/guest. */
export const GuestRequest = z.object({ name: PlayerName.optional() }).strict().meta({ id: "GuestRequest" });

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

/** Body of POST /api/matches/:id/ticket. */
export const TicketRequest = z.object({ role: connRole.default("player") }).strict().meta({ id: "TicketRequest" });

export type { RoundReveal } from "./replay";
export type { GameInfo, PublicStatus } from "./http-answers";

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
