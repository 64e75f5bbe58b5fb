/**
 * Zod schemas for every frame on the wire: the single source of truth for the
 * protocol. Types are inferred from them; docs/protocol.md describes them.
 */
import * as z from "zod";
import { str, num, int, bool, anything, posInt, strOrNull, numOrNull, intOrNull, seatIndex, seatKind, matchMode, connRole } from "./zod-shared";
import { MAX_INPUT_ID } from "./limits";

const inputId = posInt.max(MAX_INPUT_ID);
const seat = seatIndex;

// ---------------------------------------------------------------- client → server

export const InputFrame = z.object({ t: z.literal("input"), id: inputId, data: anything }).strict();
export const RematchFrame = z.object({ t: z.literal("rematch"), id: inputId }).strict();
export const ResignFrame = z.object({ t: z.literal("resign"), id: inputId }).strict();
export const SyncRequestFrame = z.object({ t: z.literal("sync"), c: num }).strict();
/** Acknowledge a critical update (match start, match end) so the room stops re-delivering it. */
export const AckCriticalFrame = z.object({ t: z.literal("ackCritical"), seq: posInt }).strict();

export const ClientFrame = z.discriminatedUnion("t", [InputFrame, RematchFrame, ResignFrame, SyncRequestFrame, AckCriticalFrame]);
export type ClientFrame = z.infer<typeof ClientFrame>;

// ---------------------------------------------------------------- shared pieces

export const EndReason = z.enum(["win", "draw", "timeout", "forfeit", "resign", "abandoned"]);

export const MatchResultSchema = z.object({
  winner: seat.nullable(),
  reason: EndReason,
  ranking: z.array(seat).optional(),
  detail: z.record(str, z.json()).optional(),
});

export const SeatInfo = z.object({
  seat,
  name: str,
  kind: seatKind,
  /** False while the seat is still open for a player to claim. */
  claimed: bool,
  connected: bool,
  /** When the seat is forfeited if its player has not reconnected (ms since epoch), else null. */
  graceUntil: numOrNull,
  /** This seat asked for a rematch after the match ended. */
  rematch: bool,
});
export type SeatInfo = z.infer<typeof SeatInfo>;

export const MatchStatus = z.enum(["waiting", "playing", "finished", "closed"]);
export type MatchStatus = z.infer<typeof MatchStatus>;

export const RoomSnapshot = z.object({
  matchId: str,
  game: str,
  mode: matchMode,
  status: MatchStatus,
  round: int,
  seats: z.array(SeatInfo),
  /** Seat to move (turn-based games), or null. */
  turn: seat.nullable(),
  /** When the current turn times out (ms since epoch), or null. */
  turnDeadline: numOrNull,
  result: MatchResultSchema.nullable(),
  /** SHA-256 commitment to the current round's seed (revealed in matchEnded), or null before the first round. */
  commitment: strOrNull,
  /** The game's own view of its state for this recipient. */
  view: anything,
});
export type RoomSnapshot = z.infer<typeof RoomSnapshot>;

export const GameEventSchema = z.object({ type: str }).passthrough();

/** The events of one past update, as kept in the room's journal. */
export const JournalEntry = z.object({ seq: int, events: z.array(GameEventSchema) });
export type JournalEntry = z.infer<typeof JournalEntry>;

// ---------------------------------------------------------------- server → client

export const WelcomeFrame = z.object({
  t: z.literal("welcome"),
  v: int,
  /** Room sequence number the snapshot reflects. */
  seq: int,
  serverTime: num,
  matchId: str,
  you: z.object({
    playerId: str,
    name: str,
    seat: seat.nullable(),
    role: connRole,
  }),
  /** Highest input id the room has processed for your seat (0 if none). */
  lastInputId: int,
  /** syncIntervalMs: send a `sync` at least this often (optional for older servers; default 15 000). */
  heartbeat: z.object({
    pingIntervalMs: int,
    timeoutMs: int,
    syncIntervalMs: int.min(1000).optional(),
    /** Declare the link dead this long after an unanswered ping (docs/protocol.md §10.1); absent from older rooms. */
    pongTimeoutMs: posInt.max(5000).optional(),
    /** How often the room looks for silent sockets while a match is in play (its detection bound is timeoutMs + this). */
    checkIntervalMs: posInt.optional(),
  }),
  /** The longest a client should wait between reconnect attempts to this room (chosen from its grace window). */
  reconnect: z.object({ maxDelayMs: int.min(500) }).optional(),
  limits: z.object({ maxFrameBytes: int, burst: num, perSecond: num }),
  /** Present this (with the last seq applied) when reconnecting to resume. */
  session: str,
  /**
   * How this connection relates to the previous one: "none" (no resume asked),
   * "replayed" (every update after `fromSeq` is in `replay`, in order), or
   * "snapshot" (the gap was outside the journal: start over from `room`).
   */
  resume: z.object({ status: z.enum(["none", "replayed", "snapshot"]), fromSeq: intOrNull }),
  replay: z.array(JournalEntry),
  /** Critical updates this player has not acknowledged yet (re-delivered on every connect). */
  critical: z.array(JournalEntry),
  /** FNV-1a 32-bit hash (8 hex digits) of the msgpack encoding of the authoritative game state at `seq`. */
  /** null while a game with hidden information is being played (see docs/protocol.md §7.2). */
  stateHash: strOrNull,
  room: RoomSnapshot,
});

export const UpdateFrame = z.object({
  t: z.literal("update"),
  seq: int,
  events: z.array(GameEventSchema),
  /** True when the update holds a critical event: acknowledge it with `ackCritical`. */
  critical: bool,
  room: RoomSnapshot,
});

export const AckFrame = z.object({
  t: z.literal("ack"),
  id: inputId,
  /** Sequence number of the update the input produced; null when not known (old duplicate) and for real-time games. */
  seq: intOrNull,
  /**
   * Real-time games only: the input was admitted and is scheduled for this simulation tick (it is applied
   * iff the round reaches the tick; `snap.dur` later confirms it applied and durable). Absent for turn-based games.
   */
  tick: int.optional(),
  /** True when this id had already been processed: it was not applied again. */
  dup: bool,
});

export const GameErrorFrame = z.object({
  t: z.literal("gameError"),
  id: inputId,
  code: str,
  message: str,
  dup: bool,
});

export const ErrorFrame = z.object({
  t: z.literal("error"),
  code: str,
  message: str,
  /** The input id the error refers to, when the frame carried a readable one. */
  id: intOrNull,
});

export const SyncReplyFrame = z.object({ t: z.literal("sync"), c: num, s: num });

/**
 * Real-time games: the quantised state at `tick`, as decoded from the binary
 * `snap` frame (src/protocol/snap-codec.ts, docs/protocol.md §14, Snapshots; it is never
 * msgpack). `key` true: `d` is the whole array (sent first on every
 * connection); else `d` holds [index, residual, …] pairs against the linear
 * extrapolation 2·base − prev of the last two arrays received on this
 * connection (the stream is ordered and reliable).
 */
export const SnapFrame = z.object({
  t: z.literal("snap"),
  tick: int,
  /** Highest input id of your seat applied to the simulation (what prediction reconciles against); null when unchanged since your previous snap (always set on keyframes). */
  ack: intOrNull,
  key: bool,
  d: z.array(int),
  /**
   * Durability (issue 12): highest input id of your seat such that it and every id below it are settled
   * (applied, refused or discarded) **and written to storage** before this frame was sent. Present on a
   * keyframe and whenever it changed since this connection's previous snap; absent otherwise (and for
   * spectators). Admitted inputs at or below it survive any restart; the SDK forgets them then.
   */
  dur: int.optional(),
});
export type SnapFrame = z.infer<typeof SnapFrame>;

export const ServerFrame = z.discriminatedUnion("t", [
  WelcomeFrame,
  UpdateFrame,
  AckFrame,
  GameErrorFrame,
  ErrorFrame,
  SyncReplyFrame,
  SnapFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type WelcomeFrame = z.infer<typeof WelcomeFrame>;
export type UpdateFrame = z.infer<typeof UpdateFrame>;
export type AckFrame = z.infer<typeof AckFrame>;
export type GameErrorFrame = z.infer<typeof GameErrorFrame>;
export type ErrorFrame = z.infer<typeof ErrorFrame>;
