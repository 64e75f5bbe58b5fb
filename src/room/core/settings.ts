/**
 * Match settings: what a creator may ask for, and the resolved values a room
 * stores. Defaults come from the game's own timing.
 */
import * as z from "zod";
import type { AnyGame } from "../../games/types";
import { DISCONNECT_POLICIES } from "./absence";
import type { RoomSettings } from "./record";

export type { RoomSettings } from "./record";

export const AI_LEVELS = ["easy", "medium", "hard"] as const;

/** Real-time games start this long after the first player joins, full or not. */
export const DEFAULT_READY_TIMEOUT_MS = 20_000;

/** Body of POST /api/matches. */
export const CreateMatchRequest = z
  .object({
    game: z.string().min(1).max(32),
    mode: z.enum(["pvp", "ai"]).default("pvp"),
    aiLevel: z.enum(AI_LEVELS).default("medium"),
    /** Number of seats; defaults to the game's minimum. */
    seats: z.number().int().min(1).max(16).optional(),
    /** Time per move in ms (turn-based games); 0 disables the turn clock. */
    turnMs: z.number().int().refine((v) => v === 0 || (v >= 1000 && v <= 600_000), "turnMs must be 0 or between 1000 and 600000").optional(),
    /** Reconnection grace window in ms. */
    graceMs: z.number().int().min(1000).max(600_000).optional(),
    spectators: z.boolean().default(true),
    /** What a disconnection does; defaults to the game's policy (see src/room/absence.ts). */
    disconnectPolicy: z.enum(DISCONNECT_POLICIES).optional(),
    /**
     * Real-time games: after the first player joins, start anyway after this long with the seats filled
     * so far (at least the game's minimum). Default 20 s for real-time games; none for turn-based ones.
     */
    readyTimeoutMs: z.number().int().min(1000).max(300_000).optional(),
    /** Game-specific options, validated by the game. */
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type CreateMatchRequest = z.infer<typeof CreateMatchRequest>;


export type SettingsResult = { ok: true; settings: RoomSettings } | { ok: false; message: string };

export function resolveSettings(game: AnyGame, req: CreateMatchRequest): SettingsResult {
  const seats = req.seats ?? game.seats.min;
  if (seats < game.seats.min || seats > game.seats.max) {
    return { ok: false, message: `${game.title} takes ${game.seats.min} to ${game.seats.max} seats.` };
  }
  if (req.mode === "ai" && !game.ai) return { ok: false, message: `${game.title} has no AI opponent.` };
  const options = game.optionsSchema.safeParse(req.options);
  if (!options.success) return { ok: false, message: `Invalid game options: ${options.error.issues[0]?.message ?? "invalid"}.` };
  const turnMs = req.turnMs ?? game.timing.turnMs ?? 0;
  return {
    ok: true,
    settings: {
      game: game.id,
      mode: req.mode,
      aiLevel: req.mode === "ai" ? req.aiLevel : null,
      seats,
      turnMs: game.kind === "turn-based" && turnMs > 0 ? turnMs : null,
      graceMs: req.graceMs ?? game.timing.graceMs,
      heartbeatTimeoutMs: game.timing.heartbeatTimeoutMs,
      pingIntervalMs: game.timing.pingIntervalMs,
      aiThinkMs: game.timing.aiThinkMs ?? 0,
      spectators: req.spectators,
      disconnectPolicy: req.disconnectPolicy ?? game.timing.disconnectPolicy,
      readyTimeoutMs: game.kind === "real-time" ? (req.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS) : null,
      gameOptions: options.data,
    },
  };
}
