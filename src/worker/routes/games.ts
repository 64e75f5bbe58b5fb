/**
 * GET /api/games: the deployment's games as the lobby needs them, so pages offer
 * whatever the app's game list holds without naming a game themselves.
 */
import { Hono } from "hono";
import type { AnyGame } from "../../games/types";
import type { GameInfo } from "../../protocol/http-api";
import { DEFAULT_READY_TIMEOUT_MS } from "../../room/core/settings";
import type { AppEnv } from "../env";

/** The public description of one game; the same defaults resolveSettings applies to a bare request. */
export function gameInfo(game: AnyGame): GameInfo {
  const turnBased = game.kind === "turn-based";
  return {
    id: game.id,
    title: game.title,
    seats: { min: game.seats.min, max: game.seats.max },
    kind: game.kind,
    aiLevels: game.ai ? [...game.ai.levels] : [],
    defaults: {
      turnMs: turnBased && (game.timing.turnMs ?? 0) > 0 ? (game.timing.turnMs ?? null) : null,
      graceMs: game.timing.graceMs,
      disconnectPolicy: game.timing.disconnectPolicy,
      readyTimeoutMs: turnBased ? null : DEFAULT_READY_TIMEOUT_MS,
    },
  };
}

export const gamesRoute = new Hono<AppEnv>().get("/api/games", (c) => {
  // The list changes only with a deploy: let browsers and edges keep it a minute.
  c.header("Cache-Control", "public, max-age=60");
  return c.json({ games: c.var.games.all.map(gameInfo) });
});
