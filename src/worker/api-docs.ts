/**
 * The documentation of every operation of the HTTP API (api-routes.ts lists them): summary, tags,
 * security and the zod schemas of its request and answers, built from the schemas in
 * src/protocol/http-api.ts that the handlers validate with. Only the OpenAPI document (openapi.ts)
 * reads it, once per isolate.
 */
import type { RouteConfig } from "@asteasolutions/zod-to-openapi";
import { API_OPERATIONS, operationName, type ApiOperation } from "./api-routes";
import * as z from "zod";
import { str, anything } from "../protocol/zod-shared";
import { CreateMatchRequest, GuestRequest, JoinQuery, SendQuery, SendToken, TicketRequest } from "../protocol/http-api";
import { httpAnswers } from "../protocol/http-answers";
import { directoryAnswers, RoomsQuery } from "../protocol/directory-api";
import { CloseRoomResponse, OperatorActionRequest, RemovePlayerResponse } from "../protocol/operator-api";
import { matchmakingAnswers, QueueRequest, QueueSocketQuery } from "../protocol/matchmaking-api";

const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });
const body = (schema: z.ZodType) => ({ body: { required: false, content: { "application/json": { schema } } } });

/** One operation's documentation: all of zod-to-openapi's RouteConfig but its method and path. */
type OperationDoc = Omit<RouteConfig, "method" | "path">;

/**
 * Every operation's documentation, built when called: the route objects and the schemas only the
 * document uses (path parameters, error answers) are not part of the worker's live heap until the
 * first GET /api/openapi.json (issue 12: the fixed heap every full mark-compact marks).
 */
function operationDocs(): { readonly [K in ApiOperation]: OperationDoc } {
  const { ApiErrorBody, CreateMatchResponse, GamesResponse, GuestResponse, HealthResponse, MetricsResponse, PublicStatus, ReplayDocument, RevokeResponse, TicketResponse } = httpAnswers();
  const { PublicRoomsResponse, AdminRoomsResponse } = directoryAnswers();
  const { QueueResponse, RatingsResponse, CodeResponse } = matchmakingAnswers();
  /** An error answer; `codes` lists the ApiErrorCode values it can carry. */
  const error = (codes: string) => json(ApiErrorBody, codes);
  const matchId = z.object({ id: str.meta({ description: "Match id (32 characters, unguessable; forged ids answer 404)." }) });
  const bearer = [{ bearer: [] }];
  const TOO_LARGE = error("PAYLOAD_TOO_LARGE: body over 8 KiB");
  const NO_SECRET = error("SERVER_MISCONFIGURED: no usable AUTH_SECRET");
  const NO_MATCH = error("NOT_FOUND: malformed or forged id, or no such match");
  const LIMITED = error("RATE_LIMITED: too many requests from this address; see the Retry-After header");
  /** Exactly one entry per operation of API_OPERATIONS (a missing or an extra one does not compile). */
  return {
    "get /health": {
      tags: ["operations"],
      summary: "Liveness and configuration problems",
      responses: { 200: json(HealthResponse, "Ready; `notes` names optional settings still unset"), 503: json(HealthResponse, "Misconfigured; `problems` says what to fix") },
    },
    "post /api/guest": {
      tags: ["players"],
      summary: "Create a guest identity and player token (when ALLOW_GUESTS is true)",
      request: body(GuestRequest),
      responses: { 201: json(GuestResponse, "Created"), 400: error("BAD_REQUEST"), 403: error("GUESTS_DISABLED"), 413: TOO_LARGE, 429: LIMITED, 503: NO_SECRET },
    },
    "get /api/games": {
      tags: ["games"],
      summary: "The games this deployment hosts: id, title, seats, kind, AI levels and creation defaults",
      responses: { 200: json(GamesResponse, "The games, in the app's order") },
    },
    "post /api/matches": {
      tags: ["matches"],
      summary: "Create a match",
      security: bearer,
      request: body(CreateMatchRequest),
      responses: { 201: json(CreateMatchResponse, "Created"), 400: error("BAD_REQUEST"), 401: error("UNAUTHORIZED"), 409: error("CONFLICT"), 413: TOO_LARGE, 429: LIMITED, 503: NO_SECRET },
    },
    "get /api/matches/{id}": {
      tags: ["matches"],
      summary: "Public status of a match",
      request: { params: matchId },
      responses: { 200: json(PublicStatus, "The match"), 404: NO_MATCH, 410: error("GONE: the match is over and its room was deleted after the retention window; the replay is archived") },
    },
    "post /api/matches/{id}/ticket": {
      tags: ["matches"],
      summary: "A single-use 30 s join ticket and the WebSocket URL",
      security: bearer,
      request: { params: matchId, ...body(TicketRequest) },
      responses: { 200: json(TicketResponse, "Issued"), 400: error("BAD_REQUEST"), 401: error("UNAUTHORIZED"), 403: error("REMOVED_FROM_MATCH: the operator removed this player from this match"), 404: NO_MATCH, 413: TOO_LARGE, 429: LIMITED, 503: NO_SECRET },
    },
    "get /api/matches/{id}/ws": {
      tags: ["realtime"],
      summary: "Join the room over a WebSocket (binary msgpack frames; see docs/protocol.md)",
      request: { params: matchId, query: JoinQuery },
      responses: {
        101: { description: "Upgraded" },
        400: error("BAD_REQUEST"),
        401: error("UNAUTHORIZED"),
        403: error("FORBIDDEN_ORIGIN"),
        404: NO_MATCH,
        426: error("UPGRADE_REQUIRED"),
        429: LIMITED,
        503: NO_SECRET,
      },
    },
    "get /api/matches/{id}/sse": {
      tags: ["realtime"],
      summary: "HTTP fallback: the room's frames as server-sent events",
      request: { params: matchId, query: JoinQuery },
      responses: {
        200: { description: "Event stream", content: { "text/event-stream": { schema: str } } },
        400: error("BAD_REQUEST"),
        401: error("UNAUTHORIZED"),
        403: error("FORBIDDEN_ORIGIN"),
        404: NO_MATCH,
        429: LIMITED,
        503: NO_SECRET,
      },
    },
    "post /api/matches/{id}/send": {
      tags: ["realtime"],
      summary: "HTTP fallback: one client frame (msgpack) for a stream's connection, with its send token in the Edgeroom-Send-Token header",
      security: [{ sendToken: [] }],
      request: { params: matchId, query: SendQuery, headers: z.object({ "edgeroom-send-token": SendToken.meta({ description: "The send token from the stream's `open` event." }) }), body: { required: true, content: { "application/octet-stream": { schema: str.meta({ format: "binary" }) } } } },
      responses: {
        204: { description: "Accepted" },
        400: error("BAD_REQUEST"),
        401: error("UNAUTHORIZED: missing, malformed or wrong send token"),
        403: error("FORBIDDEN_ORIGIN"),
        404: NO_MATCH,
        410: { description: "Unknown or closed connection; reconnect", content: { "text/plain": { schema: str } } },
        413: error("PAYLOAD_TOO_LARGE"),
      },
    },
    "get /api/matches/{id}/replay": {
      tags: ["matches"],
      summary: "Settings, result, revealed seeds and the action log, once the match is over",
      request: { params: matchId },
      responses: { 200: json(ReplayDocument, "The replay document (from the archive once the room deleted its storage)"), 404: NO_MATCH, 409: error("CONFLICT: the match is not over yet") },
    },
    "get /api/matches/{id}/metrics": {
      tags: ["operations"],
      summary: "The room's billable-operation counters (operator token)",
      security: bearer,
      request: { params: matchId },
      responses: { 200: json(MetricsResponse, "The counters"), 401: error("UNAUTHORIZED"), 404: NO_MATCH, 503: error("SERVER_MISCONFIGURED: OPERATOR_TOKEN not set") },
    },
    "post /api/admin/rooms/{id}/close": {
      tags: ["operations"],
      summary: "Close a room with a reason: the match ends without a winner, every connection closes with 4011 and the reason, later joins are refused (operator token; idempotent)",
      security: bearer,
      request: { params: matchId, body: { required: true, content: { "application/json": { schema: OperatorActionRequest } } } },
      responses: {
        200: json(CloseRoomResponse, "Closed (also when it was already closed: `alreadyClosed`)"),
        400: error("BAD_REQUEST: reason missing, empty or over 120 characters"),
        401: error("UNAUTHORIZED"),
        404: error("NOT_FOUND: malformed or forged id, no such room, or a room already deleted"),
        413: TOO_LARGE,
        503: error("SERVER_MISCONFIGURED: OPERATOR_TOKEN not set"),
      },
    },
    "post /api/admin/rooms/{id}/players/{playerId}/remove": {
      tags: ["operations"],
      summary: "Remove a player from a room: its connections close with 4009 and the reason, it cannot rejoin; a seat in play forfeits (operator token; idempotent)",
      security: bearer,
      request: {
        params: matchId.extend({ playerId: str.meta({ description: "The player id (a token's `sub`)." }) }),
        body: { required: true, content: { "application/json": { schema: OperatorActionRequest } } },
      },
      responses: {
        200: json(RemovePlayerResponse, "Removed (also when it was already removed: `alreadyRemoved`)"),
        400: error("BAD_REQUEST: malformed player id, or reason missing, empty or over 120 characters"),
        401: error("UNAUTHORIZED"),
        404: error("NOT_FOUND: malformed or forged id, no such room, a room already deleted, or a player never seated or connected in it"),
        413: TOO_LARGE,
        503: error("SERVER_MISCONFIGURED: OPERATOR_TOKEN not set"),
      },
    },
    "post /api/queue": {
      tags: ["matchmaking"],
      summary: "Quick play: join the queue of a game and mode; wait for the match on the returned socket URL",
      security: bearer,
      request: body(QueueRequest),
      responses: {
        201: json(QueueResponse, "Queued"),
        200: json(QueueResponse, "Already waiting in this queue: the same entry"),
        400: error("BAD_REQUEST"),
        401: error("UNAUTHORIZED"),
        413: TOO_LARGE,
        429: error("RATE_LIMITED: too many joins from this address (Retry-After)"),
        503: error("SERVER_MISCONFIGURED: no AUTH_SECRET or no QUEUES binding"),
      },
    },
    "get /api/queue/ws": {
      tags: ["matchmaking"],
      summary:
        "The waiting connection (WebSocket, JSON text frames `queued` then `matched`; closing it leaves the queue): of an entry (`ticket`), or join and wait in one upgrade (`game`, … as POST /api/queue; the player token in the `edgeroom.bearer.<token>` subprotocol, answered with `edgeroom.queue`, or an Authorization header)",
      request: { query: QueueSocketQuery },
      responses: {
        101: { description: "Upgraded" },
        400: error("BAD_REQUEST"),
        401: error("UNAUTHORIZED: joining without a valid player token"),
        403: error("FORBIDDEN_ORIGIN"),
        404: error("NOT_FOUND: no such entry"),
        426: error("UPGRADE_REQUIRED"),
        429: error("RATE_LIMITED: too many joins from this address (Retry-After)"),
        503: error("SERVER_MISCONFIGURED: no AUTH_SECRET or no QUEUES binding"),
      },
    },
    "delete /api/queue/{ticketId}": {
      tags: ["matchmaking"],
      summary: "Leave the queue",
      security: bearer,
      request: { params: z.object({ ticketId: str }) },
      responses: { 204: { description: "Left" }, 401: error("UNAUTHORIZED"), 404: error("NOT_FOUND: no such waiting entry of this player") },
    },
    "get /api/ratings/{playerId}": {
      tags: ["matchmaking"],
      summary: "A player's ratings (openskill Weng-Lin), one per game with rated matches",
      request: { params: z.object({ playerId: str }) },
      responses: { 200: json(RatingsResponse, "The ratings (empty when never rated)"), 400: error("BAD_REQUEST"), 503: error("SERVER_MISCONFIGURED: no RATINGS binding") },
    },
    "get /api/codes/{code}": {
      tags: ["matches"],
      summary: "Resolve a private match's join code to its match id",
      request: { params: z.object({ code: str }) },
      responses: {
        200: json(CodeResponse, "The match"),
        400: error("BAD_REQUEST"),
        404: error("NOT_FOUND: unknown code, or its match is over"),
        429: error("RATE_LIMITED: too many lookups from this address (Retry-After)"),
        503: error("SERVER_MISCONFIGURED: no CODES binding"),
      },
    },
    "get /api/rooms": {
      tags: ["matches"],
      summary: "The room directory: public matches with open seats that have not started, oldest first, paginated",
      request: { query: RoomsQuery },
      responses: {
        200: json(PublicRoomsResponse, "One page; pass `nextCursor` back as `cursor` for the next (null: last page)"),
        400: error("BAD_REQUEST: malformed game, cursor or limit"),
        429: error("RATE_LIMITED: too many directory reads from this address (Retry-After)"),
        503: error("SERVER_MISCONFIGURED: no ROOM_INDEX binding"),
      },
    },
    "get /api/admin/rooms": {
      tags: ["operations"],
      summary: "Every live room: game, seats, players, age, state, inputs/s and storage rows (operator token), paginated",
      security: bearer,
      request: { query: RoomsQuery },
      responses: {
        200: json(AdminRoomsResponse, "One page; pass `nextCursor` back as `cursor` for the next (null: last page)"),
        400: error("BAD_REQUEST: malformed game, cursor or limit"),
        401: error("UNAUTHORIZED"),
        503: error("SERVER_MISCONFIGURED: OPERATOR_TOKEN not set, or no ROOM_INDEX binding"),
      },
    },
    "post /api/players/{playerId}/revoke": {
      tags: ["operations"],
      summary: "Revoke every token issued to a player so far and close its open connections (operator token)",
      security: bearer,
      request: { params: z.object({ playerId: str.meta({ description: "The player id (a token's `sub`)." }) }) },
      responses: {
        200: json(RevokeResponse, "Revoked"),
        400: error("BAD_REQUEST: malformed player id"),
        401: error("UNAUTHORIZED"),
        503: error("SERVER_MISCONFIGURED: OPERATOR_TOKEN not set, or no PLAYERS binding"),
      },
    },
    "get /api/openapi.json": {
      tags: ["documentation"],
      summary: "This document (OpenAPI 3.1)",
      responses: { 200: { description: "The OpenAPI document", content: { "application/json": { schema: z.record(str, anything) } } } },
    },
    "get /api/docs": {
      tags: ["documentation"],
      summary: "Interactive API reference (HTML)",
      responses: { 200: { description: "The reference page", content: { "text/html": { schema: str } } } },
    },
  };
}

/** The operations in API_OPERATIONS' order, each with its documentation: what the document registers. */
export function apiRoutes(): RouteConfig[] {
  const docs = operationDocs();
  return API_OPERATIONS.map((op): RouteConfig => ({ method: op[0], path: op[1], ...docs[operationName(op)] }));
}
