/**
 * Close codes and error codes shared by server and client.
 *
 * Plain const objects (not TypeScript enums) so they are ordinary values on
 * the wire and in any JavaScript client. Close codes follow one rule a client
 * can apply without a table: 4000–4499 are terminal (do not reconnect),
 * 4500–4999 and every 1xxx code are retryable.
 */

export const PROTOCOL_VERSION = 1;
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [1];

export const CloseCode = {
  /** Normal closure (either side). Retryable by the rule; a client that meant to leave simply does not. */
  NORMAL: 1000,
  /** Server going away (deploy, restart). Retry. */
  GOING_AWAY: 1001,

  // Terminal: 4000–4499. The client must not reconnect on its own.
  /** The join ticket was missing, already used, or not valid for this room. */
  AUTH_FAILED: 4001,
  /** The client's protocol version is not supported. */
  UNSUPPORTED_VERSION: 4002,
  /** Every seat is taken by other players and the client asked for a seat. */
  ROOM_FULL: 4003,
  /** No match exists with this id (never created, or cleaned up). */
  MATCH_NOT_FOUND: 4004,
  /** The match is over and the room has been closed. */
  MATCH_CLOSED: 4005,
  /** The same player opened a newer connection; this one is replaced. */
  SESSION_REPLACED: 4006,
  /** The match does not allow spectators. */
  SPECTATORS_NOT_ALLOWED: 4007,
  /** Repeated bad frames or flooding: closed by policy. */
  POLICY_VIOLATION: 4008,
  /** Removed from the room: the operator removed this player (the close reason is the operator's), or revoked its tokens. */
  KICKED: 4009,
  /** Resume data (session, last sequence number) is unknown, foreign or impossible. Reconnect without it. */
  RESUME_REJECTED: 4010,
  /** The operator closed the room; the close reason is the operator's reason. Later joins get the same code. */
  CLOSED_BY_OPERATOR: 4011,
  /** The room holds its maximum number of connections (players and spectators together). */
  ROOM_AT_CAPACITY: 4013,

  // Retryable: 4500–4999.
  /** No ping or frame within the heartbeat timeout: the server declared the link dead. */
  HEARTBEAT_TIMEOUT: 4500,
  /** The room is restarting or migrating; reconnect. */
  ROOM_RESTARTING: 4501,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** True when a client must not reconnect after this close code. */
export function isTerminalClose(code: number): boolean {
  return code >= 4000 && code < 4500;
}

/** Errors about a frame itself, sent in an `error` frame. The frame changed nothing. */
export const ErrorCode = {
  /** The frame is larger than MAX_CLIENT_FRAME_BYTES. */
  FRAME_TOO_LARGE: "FRAME_TOO_LARGE",
  /** The bytes are not a well-formed, bounded msgpack value. */
  MALFORMED_FRAME: "MALFORMED_FRAME",
  /** Text frames other than the literal heartbeat "ping" are not accepted. */
  TEXT_NOT_ALLOWED: "TEXT_NOT_ALLOWED",
  /** Well-formed msgpack, but not a valid client frame (unknown type, missing or bad field). */
  INVALID_FRAME: "INVALID_FRAME",
  /** The connection exceeded its frame budget; the frame was not processed. */
  RATE_LIMITED: "RATE_LIMITED",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Room-level reasons an input is rejected, sent in a `gameError` frame with the
 * input's id. Games add their own codes (e.g. Connect Four's COLUMN_FULL).
 */
export const RoomErrorCode = {
  /** The input payload does not match the game's input schema. */
  INVALID_INPUT: "INVALID_INPUT",
  /** Spectators cannot send inputs. */
  NOT_A_PLAYER: "NOT_A_PLAYER",
  /** The match has not started (waiting for players). */
  NOT_STARTED: "NOT_STARTED",
  /** The match is over; only a rematch request is accepted. */
  MATCH_OVER: "MATCH_OVER",
  /** A rematch is only possible once the match is over. */
  REMATCH_NOT_AVAILABLE: "REMATCH_NOT_AVAILABLE",
  /**
   * Real-time games: the round ended (finish, resign, forfeit, grace expiry, room closed) before the
   * tick this buffered input was scheduled for; it was not applied and never will be.
   */
  ROUND_ENDED: "ROUND_ENDED",
} as const;
export type RoomErrorCode = (typeof RoomErrorCode)[keyof typeof RoomErrorCode];

/** Error codes of the HTTP API (`{"error":{"code","message"}}` bodies). */
export const ApiErrorCode = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN_ORIGIN: "FORBIDDEN_ORIGIN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  METHOD_NOT_ALLOWED: "METHOD_NOT_ALLOWED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UPGRADE_REQUIRED: "UPGRADE_REQUIRED",
  RATE_LIMITED: "RATE_LIMITED",
  GUESTS_DISABLED: "GUESTS_DISABLED",
  /** The request's Host is not in ALLOWED_HOSTS. */
  HOST_NOT_ALLOWED: "HOST_NOT_ALLOWED",
  /** 403 on a join ticket: the operator removed this player from this match. */
  REMOVED_FROM_MATCH: "REMOVED_FROM_MATCH",
  /** 410: the match is over and its room was deleted after the retention window; its replay is archived. */
  GONE: "GONE",
  SERVER_MISCONFIGURED: "SERVER_MISCONFIGURED",
  INTERNAL: "INTERNAL",
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];
