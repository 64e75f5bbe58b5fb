/**
 * Zod schemas of the HTTP API's JSON answers: what the worker's routes send, the OpenAPI document
 * (GET /api/openapi.json) describes and the SDK's HTTP client (src/client/http-api.ts) and the web
 * pages check answers against. The request and query schemas the routes validate with are in
 * http-api.ts. `.meta({ id })` names a schema in the document's components.
 *
 * Built on first use, not when the module loads: the worker never parses its own answers, only the
 * document reads them, and a schema with an id stays alive for good in zod's global registry. Built
 * at load they were part of the worker isolate's fixed heap, which every full mark-compact marks
 * (issue 12). Call `httpAnswers()` for the schemas; the types below come from the same builder.
 */
import * as z from "zod";
import { str, num, int, bool, anything, strOrNull, numOrNull, intOrNull, seatIndex, seatKind, matchMode } from "./zod-shared";
import { replayDocumentWith } from "./replay";
import { MatchResultSchema, MatchStatus } from "./schemas";

const seat = seatIndex;

/** What a disconnection does to a seat (see src/room/absence.ts); POST /api/matches takes one (http-api.ts). */
export const DISCONNECT_POLICIES = ["forfeit", "pause", "keep-seat"] as const;

function build() {
  /**
   * A match result as the HTTP answers carry it: the wire schema (MatchResultSchema) with `detail` as any
   * object, since its recursive JSON type has no finite JSON Schema for the OpenAPI document.
   */
  const MatchResult = MatchResultSchema.extend({ detail: z.record(str, anything).optional() }).meta({ id: "MatchResult" });

  /** Every error answer: `{"error":{"code","message"}}` (codes: ApiErrorCode in codes.ts). */
  const ApiErrorBody = z.object({ error: z.object({ code: str, message: str }) }).meta({ id: "ApiError" });

  const HealthResponse = z
    .object({
      status: z.enum(["ok", "misconfigured"]),
      /** Problems that stop the worker from issuing tokens (status 503). */
      problems: z.array(str).optional(),
      /** Settings an operator may still want to set; none of them stops the worker. */
      notes: z.array(str),
    })
    .meta({ id: "Health" });

  const GuestResponse = z
    .object({
      playerId: str,
      name: str,
      /** Player token (HS256 JWT): send it as `Authorization: Bearer`. */
      token: str,
      /** ms since epoch. */
      expiresAt: num,
    })
    .meta({ id: "Guest" });

  /** The room's public status (GET /api/matches/:id, and `match` in the creation answer). */
  const PublicStatus = z
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

  const CreateMatchResponse = z
    .object({
      matchId: str,
      links: z.object({ status: z.url(), ticket: z.url(), join: z.url() }),
      match: PublicStatus,
      /** Private matches only: the join code, valid until the match closes. */
      code: str.length(6).optional(),
    })
    .meta({ id: "CreatedMatch" });

  const TicketResponse = z
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
  const ReplayDocument = replayDocumentWith(MatchResult.nullable()).meta({ id: "Replay" });

  /**
   * One game of GET /api/games: what a lobby needs to offer it without knowing it
   * (seat range, kind, AI levels, the defaults a create form starts from).
   */
  const GameInfo = z
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

  /** GET /api/games: the games this deployment hosts, in the app's order. */
  const GamesResponse = z.object({ games: z.array(GameInfo) }).meta({ id: "Games" });

  /** GET /api/matches/:id/metrics (operator token). */
  const MetricsResponse = z.object({ matchId: str, counters: z.record(str, num) }).meta({ id: "Metrics" });

  /** Answer of POST /api/players/:playerId/revoke. */
  const RevokeResponse = z
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
  return { MatchResult, ApiErrorBody, HealthResponse, GuestResponse, PublicStatus, CreateMatchResponse, TicketResponse, ReplayDocument, GameInfo, GamesResponse, MetricsResponse, RevokeResponse };
}

type HttpAnswers = ReturnType<typeof build>;
let built: HttpAnswers | undefined;

/** The answer schemas, built on the first call (one set per isolate or page). */
export function httpAnswers(): HttpAnswers {
  built ??= build();
  return built;
}

export type PublicStatus = z.infer<HttpAnswers["PublicStatus"]>;
export type GameInfo = z.infer<HttpAnswers["GameInfo"]>;
