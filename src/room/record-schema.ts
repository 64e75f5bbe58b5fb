/**
 * Validation of a stored record on load, so storage written by an older or
 * broken build fails loudly instead of being trusted by a cast.
 */
import * as z from "zod";
import { JournalEntry, MatchResultSchema, MatchStatus } from "../protocol";
import type { RoomRecord } from "./record";
import { DISCONNECT_POLICIES } from "./absence";
import type { RoomSettings } from "./settings";
import type { ConnInfo } from "./connections";

const SettingsSchema: z.ZodType<RoomSettings> = z.object({
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

const SeatSchema = z.object({
  playerId: z.string().nullable(),
  name: z.string(),
  kind: z.enum(["human", "ai"]),
  lastInputId: z.number(),
  recent: z.array(z.tuple([z.number(), z.number().nullable(), z.string().nullable(), z.string().nullable()])),
  graceUntil: z.number().nullable(),
  rematch: z.boolean(),
  session: z.string(),
  unacked: z.array(JournalEntry),
});

export const RoomRecordSchema: z.ZodType<RoomRecord> = z.object({
  format: z.literal(1),
  matchId: z.string(),
  settings: SettingsSchema,
  createdAt: z.number(),
  secret: z.string().regex(/^[0-9a-f]{64}$/),
  commitment: z.string().nullable(),
  reveals: z.array(z.object({ round: z.number(), seed: z.number(), salt: z.string(), commitment: z.string() })),
  round: z.number(),
  firstSeat: z.number(),
  status: MatchStatus,
  seats: z.array(SeatSchema),
  seq: z.number(),
  game: z.unknown(),
  result: MatchResultSchema.nullable(),
  turnDeadline: z.number().nullable(),
  pausedTurnMs: z.number().nullable(),
  aiDueAt: z.number().nullable(),
  cleanupAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  actions: z.number(),
  rtAnchor: z.number().nullable(),
  // Absent in records written before holds existed: not held.
  rtHold: z.literal("restart").nullable().default(null),
  rtResumeAt: z.number().nullable().default(null),
  readyDeadline: z.number().nullable(),
});

/** A socket attachment (the per-connection state that survives hibernation; well under 2 KiB). */
export const ConnInfoSchema: z.ZodType<ConnInfo> = z.object({
  connId: z.string(),
  playerId: z.string(),
  name: z.string(),
  role: z.enum(["player", "spectator"]),
  seat: z.number().int().nullable(),
  connectedAt: z.number(),
});
