/**
 * The persisted state of one room: everything needed to rebuild it after
 * hibernation, eviction or a restart. Plain data, stored as one msgpack blob
 * and validated on load by the same schema its type comes from, so storage
 * written by an older or broken build fails loudly instead of being trusted.
 */
import * as z from "zod";
import { ClosedBy, JournalEntry, MatchResultSchema, MatchStatus, RoundReveal } from "../../protocol";
import { DISCONNECT_POLICIES } from "../../protocol/http-api";
import { CarriedLogSchema, emptyCarried } from "./carried-log";
import { RecentOutcomesSchema } from "./outcomes";

import { ActionEntry } from "../../protocol";
export { ActionEntry };

/** What a disconnection does (see absence.ts). */
// Part of the HTTP API (CreateMatchRequest.disconnectPolicy): defined once in src/protocol/http-api.ts.
export { DISCONNECT_POLICIES };
export type DisconnectPolicy = (typeof DISCONNECT_POLICIES)[number];

/** Resolved match settings, as stored (see settings.ts for what a creator may ask for). */
export const RoomSettingsSchema = z.object({
  game: z.string(),
  mode: z.enum(["pvp", "ai"]),
  aiLevel: z.string().nullable(),
  seats: z.number().int(),
  turnMs: z.number().nullable(),
  graceMs: z.number(),
  heartbeatTimeoutMs: z.number(),
  pingIntervalMs: z.number(),
  aiThinkMs: z.number(),
  spectators: z.boolean(),
  disconnectPolicy: z.enum(DISCONNECT_POLICIES),
  readyTimeoutMs: z.number().nullable(),
  gameOptions: z.unknown(),
});
export type RoomSettings = z.infer<typeof RoomSettingsSchema>;

const SeatRecordSchema = z.object({
  /** Player holding the seat; null while open. AI seats hold "ai:<seat>". */
  playerId: z.string().nullable(),
  name: z.string(),
  kind: z.enum(["human", "ai"]),
  /** Highest input id such that it and every id below it are settled (applied, refused or discarded). */
  lastInputId: z.number(),
  /**
   * Outcomes of the most recent inputs, for exact re-acknowledgement of re-sent ids: flat, four slots
   * per outcome, oldest first: [input id, update seq it produced (real-time: the tick it was applied at)
   * or null, error code or null, error message or null] (outcomes.ts; older records' tuples are read too).
   */
  recent: RecentOutcomesSchema,
  /** Forfeit deadline while the seat's player is disconnected during play. */
  graceUntil: z.number().nullable(),
  /** Asked for a rematch after the match ended. */
  rematch: z.boolean(),
  /** Resume secret of the seat's player, issued on first connect (empty until then). */
  session: z.string(),
  /** Critical updates this seat's player has not acknowledged yet, oldest first. */
  unacked: z.array(JournalEntry),
});
export type SeatRecord = z.infer<typeof SeatRecordSchema>;

/**
 * The `unacked` list of every seat with nothing unacknowledged, in every room of the isolate: most
 * seats, most of the time (clients acknowledge critical updates at once), and a list of its own was
 * one live object per seat that workerd's full collections mark (issue 12). The core puts it in place
 * of every empty list (RoomCore's constructor, acknowledgements, a seat freed). Frozen, so code that
 * pushed onto it instead of building a new list throws instead of mixing seats. Stored as any empty list.
 */
export const NO_UNACKED: z.infer<typeof JournalEntry>[] = [];
Object.freeze(NO_UNACKED);

/** Default retention window: a closed room keeps its storage this long, then archives its replay and deletes it. */
export const DEFAULT_RETENTION_MS = 15 * 60_000;
/** Removed players remembered per room. */
export const MAX_REMOVED = 256;

export const RoomRecordSchema = z.object({
  format: z.literal(1),
  matchId: z.string(),
  settings: RoomSettingsSchema,
  createdAt: z.number(),
  /** The match's fairness secret (hex, 256 bits); never sent. Each round's seed and salt derive from it. */
  secret: z.string().regex(/^[0-9a-f]{64}$/),
  /** Commitment to the current round's seed, published at its start (see src/protocol/fairness.ts). */
  commitment: z.string().nullable(),
  /** Seeds and salts of finished rounds, revealed at their end. */
  reveals: z.array(RoundReveal),
  round: z.number(),
  firstSeat: z.number(),
  status: MatchStatus,
  seats: z.array(SeatRecordSchema),
  /** Room-wide sequence number of the last update frame. */
  seq: z.number(),
  /** The game's state for the current round, or null before the first round. */
  game: z.unknown(),
  result: MatchResultSchema.nullable(),
  turnDeadline: z.number().nullable(),
  /** Time left on the turn clock while paused by the "pause" disconnect policy, else null. */
  pausedTurnMs: z.number().nullable(),
  aiDueAt: z.number().nullable(),
  /** When the room closes itself: abandoned while waiting, or idle after the end. */
  cleanupAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  /** Entries written to the action log so far. */
  actions: z.number(),
  /** While waiting: when the match starts with the seats filled so far (games with a ready timeout). */
  readyDeadline: z.number().nullable(),
  /** Real-time games: wall-clock time of tick 0 of the current round (the fixed-step anchor), else null. */
  rtAnchor: z.number().nullable(),
  /** Real-time games: the race is held at its current tick after a rebuild until every seated player is back (absent in older records). */
  rtHold: z.literal("restart").nullable().default(null),
  /** Real-time games: a released hold resumes the race at this time (the countdown), else null. */
  rtResumeAt: z.number().nullable().default(null),
  /** Set when the operator closed the room (absent in older records). */
  closedBy: ClosedBy.nullable().default(null),
  /** Players the operator removed: refused on every later join (at most MAX_REMOVED, oldest dropped first). */
  removed: z.array(z.object({ playerId: z.string(), reason: z.string(), at: z.number() })).default([]),
  /** How long the room keeps its storage once closed, in ms (set at creation from RETENTION_MS); null keeps it (no archive, or an older room). */
  retentionMs: z.number().int().min(0).nullable().default(null),
  /** When a closed room archives its replay and deletes its storage, else null. */
  deleteAt: z.number().nullable().default(null),
  /**
   * Real-time games: applied inputs' action-log entries carried inside this record (written with it, so
   * state and log stay in step) until enough gather for one action-batch row, or the round ends. They are
   * the newest entries of the log, counted in `actions`. Stored as columns (carried-log.ts; records
   * written before hold entries, read into columns).
   */
  pendingLog: CarriedLogSchema.default(emptyCarried),
});
export type RoomRecord = z.infer<typeof RoomRecordSchema>;

/** A waiting room nobody completes is abandoned after this long. */
export const WAITING_TTL_MS = 60 * 60_000;
/** A finished room with no rematch closes after this long. */
export const FINISHED_TTL_MS = 15 * 60_000;

export interface Creator {
  readonly playerId: string;
  readonly name: string;
}

export function newRecord(matchId: string, settings: RoomSettings, creator: Creator, secret: string, now: number, retentionMs: number | null = null): RoomRecord {
  const seats: SeatRecord[] = [];
  for (let i = 0; i < settings.seats; i++) {
    const ai = settings.mode === "ai" && i > 0;
    seats.push({
      playerId: i === 0 ? creator.playerId : ai ? `ai:${i}` : null,
      name: i === 0 ? creator.name : ai ? `AI (${settings.aiLevel ?? "medium"})` : "",
      kind: ai ? "ai" : "human",
      lastInputId: 0,
      recent: [],
      graceUntil: null,
      rematch: false,
      session: "",
      unacked: [],
    });
  }
  return {
    format: 1,
    matchId,
    settings,
    createdAt: now,
    secret,
    commitment: null,
    reveals: [],
    round: 0,
    firstSeat: 0,
    status: "waiting",
    seats,
    seq: 0,
    game: null,
    result: null,
    turnDeadline: null,
    pausedTurnMs: null,
    aiDueAt: null,
    cleanupAt: now + WAITING_TTL_MS,
    endedAt: null,
    actions: 0,
    readyDeadline: null,
    rtAnchor: null,
    rtHold: null,
    rtResumeAt: null,
    closedBy: null,
    removed: [],
    retentionMs,
    deleteAt: null,
    pendingLog: emptyCarried(),
  };
}
