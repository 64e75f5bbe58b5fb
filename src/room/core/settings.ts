/**
 * Match settings: what a creator may ask for, and the resolved values a room
 * stores. Defaults come from the game's own timing.
 */
import type { AnyGame } from "../../games/types";
import type { RoomSettings } from "./record";

export type { RoomSettings } from "./record";

// The request schema lives with the rest of the HTTP API in src/protocol/http-api.ts.
export { AI_LEVELS, CreateMatchRequest } from "../../protocol/http-api";
import type { CreateMatchRequest } from "../../protocol/http-api";

/** Real-time games start this long after the first player joins, full or not. */
export const DEFAULT_READY_TIMEOUT_MS = 20_000;

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
