/**
 * Zod schemas for every frame on the wire: the single source of truth for the
 * protocol. Types are inferred from them; docs/protocol.md describes them.
 */
import * as z from "zod";
import { MAX_INPUT_ID } from "./limits";

const inputId = z.number().int().min(1).max(MAX_INPUT_ID);
const seat = z.number().int().min(0).max(15);

// ---------------------------------------------------------------- client → server

export const InputFrame = z.object({ t: z.literal("input"), id: inputId, data: z.unknown() }).strict();
export const RematchFrame = z.object({ t: z.literal("rematch"), id: inputId }).strict();
export const ResignFrame = z.object({ t: z.literal("resign"), id: inputId }).strict();
export const SyncRequestFrame = z.object({ t: z.literal("sync"), c: z.number() }).strict();
/** Acknowledge a critical update (match start, match end) so the room stops re-delivering it. */
export const AckCriticalFrame = z.object({ t: z.literal("ackCritical"), seq: z.number().int().min(1) }).strict();

export const ClientFrame = z.discriminatedUnion("t", [InputFrame, RematchFrame, ResignFrame, SyncRequestFrame, AckCriticalFrame]);
export type ClientFrame = z.infer<typeof ClientFrame>;

// ---------------------------------------------------------------- shared pieces

export const EndReason = z.enum(["win", "draw", "timeout", "forfeit", "resign", "abandoned"]);

export const MatchResultSchema = z.object({
  winner: seat.nullable(),
  reason: EndReason,
  ranking: z.array(seat).optional(),
  detail: z.record(z.string(), z.json()).optional(),
});

export const SeatInfo = z.object({
  seat,
  name: z.string(),
  kind: z.enum(["human", "ai"]),
  /** False while the seat is still open for a player to claim. */
  claimed: z.boolean(),
  connected: z.boolean(),
  /** When the seat is forfeited if its player has not reconnected (ms since epoch), else null. */
  graceUntil: z.number().nullable(),
  /** This seat asked for a rematch after the match ended. */
  rematch: z.boolean(),
});
export type SeatInfo = z.infer<typeof SeatInfo>;

export const MatchStatus = z.enum(["waiting", "playing", "finished", "closed"]);
export type MatchStatus = z.infer<typeof MatchStatus>;

export const RoomSnapshot = z.object({
  matchId: z.string(),
  game: z.string(),
  mode: z.enum(["pvp", "ai"]),
  status: MatchStatus,
  round: z.number().int(),
  seats: z.array(SeatInfo),
  /** Seat to move (turn-based games), or null. */
  turn: seat.nullable(),
  /** When the current turn times out (ms since epoch), or null. */
  turnDeadline: z.number().nullable(),
  result: MatchResultSchema.nullable(),
  /** SHA-256 commitment to the current round's seed (revealed in matchEnded), or null before the first round. */
  commitment: z.string().nullable(),
  /** The game's own view of its state for this recipient. */
  view: z.unknown(),
});
export type RoomSnapshot = z.infer<typeof RoomSnapshot>;

export const GameEventSchema = z.object({ type: z.string() }).passthrough();

/** The events of one past update, as kept in the room's journal. */
export const JournalEntry = z.object({ seq: z.number().int(), events: z.array(GameEventSchema) });
export type JournalEntry = z.infer<typeof JournalEntry>;

// ---------------------------------------------------------------- server → client

export const WelcomeFrame = z.object({
  t: z.literal("welcome"),
  v: z.number().int(),
  /** Room sequence number the snapshot reflects. */
  seq: z.number().int(),
  serverTime: z.number(),
  matchId: z.string(),
  you: z.object({
    playerId: z.string(),
    name: z.string(),
    seat: seat.nullable(),
    role: z.enum(["player", "spectator"]),
  }),
  /** Highest input id the room has processed for your seat (0 if none). */
  lastInputId: z.number().int(),
  /** syncIntervalMs: send a `sync` at least this often (optional for older servers; default 15 000). */
  heartbeat: z.object({
    pingIntervalMs: z.number().int(),
    timeoutMs: z.number().int(),
    syncIntervalMs: z.number().int().min(1000).optional(),
    /** Declare the link dead this long after an unanswered ping (docs/protocol.md §10.1); absent from older rooms. */
    pongTimeoutMs: z.number().int().min(1).max(5000).optional(),
    /** How often the room looks for silent sockets while a match is in play (its detection bound is timeoutMs + this). */
    checkIntervalMs: z.number().int().min(1).optional(),
  }),
  /** The longest a client should wait between reconnect attempts to this room (chosen from its grace window). */
  reconnect: z.object({ maxDelayMs: z.number().int().min(500) }).optional(),
  limits: z.object({ maxFrameBytes: z.number().int(), burst: z.number(), perSecond: z.number() }),
  /** Present this (with the last seq applied) when reconnecting to resume. */
  session: z.string(),
  /**
   * How this connection relates to the previous one: "none" (no resume asked),
   * "replayed" (every update after `fromSeq` is in `replay`, in order), or
   * "snapshot" (the gap was outside the journal: start over from `room`).
   */
  resume: z.object({ status: z.enum(["none", "replayed", "snapshot"]), fromSeq: z.number().int().nullable() }),
  replay: z.array(JournalEntry),
  /** Critical updates this player has not acknowledged yet (re-delivered on every connect). */
  critical: z.array(JournalEntry),
  /** FNV-1a 32-bit hash (8 hex digits) of the msgpack encoding of the authoritative game state at `seq`. */
  /** null while a game with hidden information is being played (see docs/protocol.md §7.2). */
  stateHash: z.string().nullable(),
  room: RoomSnapshot,
});

export const UpdateFrame = z.object({
  t: z.literal("update"),
  seq: z.number().int(),
  events: z.array(GameEventSchema),
  /** True when the update holds a critical event: acknowledge it with `ackCritical`. */
  critical: z.boolean(),
  room: RoomSnapshot,
});

export const AckFrame = z.object({
  t: z.literal("ack"),
  id: inputId,
  /** Sequence number of the update the input produced; null when not known (old duplicate) and for real-time games. */
  seq: z.number().int().nullable(),
  /**
   * Real-time games only: the input was admitted and is scheduled for this simulation tick (it is applied
   * iff the round reaches the tick; `snap.dur` later confirms it applied and durable). Absent for turn-based games.
   */
  tick: z.number().int().optional(),
  /** True when this id had already been processed: it was not applied again. */
  dup: z.boolean(),
});

export const GameErrorFrame = z.object({
  t: z.literal("gameError"),
  id: inputId,
  code: z.string(),
  message: z.string(),
  dup: z.boolean(),
});

export const ErrorFrame = z.object({
  t: z.literal("error"),
  code: z.string(),
  message: z.string(),
  /** The input id the error refers to, when the frame carried a readable one. */
  id: z.number().int().nullable(),
});

export const SyncReplyFrame = z.object({ t: z.literal("sync"), c: z.number(), s: z.number() });

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
  tick: z.number().int(),
  /** Highest input id of your seat applied to the simulation (what prediction reconciles against); null when unchanged since your previous snap (always set on keyframes). */
  ack: z.number().int().nullable(),
  key: z.boolean(),
  d: z.array(z.number().int()),
  /**
   * Durability (issue 12): highest input id of your seat such that it and every id below it are settled
   * (applied, refused or discarded) **and written to storage** before this frame was sent. Present on a
   * keyframe and whenever it changed since this connection's previous snap; absent otherwise (and for
   * spectators). Admitted inputs at or below it survive any restart; the SDK forgets them then.
   */
  dur: z.number().int().optional(),
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
