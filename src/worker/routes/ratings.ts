/** GET /api/ratings/:playerId: a player's rating in every game they have played rated matches of. */
import { Hono } from "hono";
import { ApiErrorCode } from "../../protocol/codes";
import { RATINGS_OBJECT_NAME } from "../../matchmaking/ratings-object";
import type { AppEnv } from "../env";
import { ApiError, badRequest } from "../errors";
import { PlayerId } from "../tokens";

export const ratings = new Hono<AppEnv>().get("/api/ratings/:playerId", async (c) => {
  const playerId = PlayerId.safeParse(c.req.param("playerId"));
  if (!playerId.success) throw badRequest("Invalid player id: 1-64 of A-Z a-z 0-9 _ . : @ -.");
  const ns = c.env.RATINGS;
  if (!ns) throw new ApiError(503, ApiErrorCode.SERVER_MISCONFIGURED, "Ratings are not configured (no RATINGS Durable Object binding).");
  // A player never rated has an empty list, not a 404: every id is a possible player.
  const list = await ns.get(ns.idFromName(RATINGS_OBJECT_NAME)).ratingsOf(playerId.data);
  return c.json({ playerId: playerId.data, ratings: list });
});
