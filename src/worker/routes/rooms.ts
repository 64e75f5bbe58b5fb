/**
 * The room directory: GET /api/rooms (public rooms with open seats, for the lobby) and GET
 * /api/admin/rooms (every live room with operator figures, behind OPERATOR_TOKEN). Both read the room
 * index (ROOM_INDEX), which the rooms keep current (src/room/host/directory-reports.ts).
 */
import { Hono } from "hono";
import { ApiErrorCode } from "../../protocol/codes";
import { RoomsQuery } from "../../protocol/directory-api";
import { ROOM_INDEX_NAME } from "../../directory/room-index-object";
import type { AppEnv, Env } from "../env";
import { ApiError, badRequest } from "../errors";
import { enforceLimit } from "../rate-limit";
import { requireOperator } from "./operator";

function roomIndex(env: Env) {
  const ns = env.ROOM_INDEX;
  if (!ns) throw new ApiError(503, ApiErrorCode.SERVER_MISCONFIGURED, "The room directory is not configured (no ROOM_INDEX Durable Object binding).");
  return ns.get(ns.idFromName(ROOM_INDEX_NAME));
}

function query(raw: Record<string, string>): RoomsQuery {
  const q = RoomsQuery.safeParse(raw);
  if (!q.success) {
    const issue = q.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw badRequest(`Invalid query: ${where}${issue?.message ?? "invalid"}`);
  }
  return q.data;
}

export const rooms = new Hono<AppEnv>()
  .get("/api/rooms", async (c) => {
    // Every read reaches the one room index object: a client polling in a loop is capped before it.
    await enforceLimit(c, "ROOMS_LIMITER");
    const q = query(c.req.query());
    // A few seconds of staleness is fine for a lobby and lets shared caches absorb polling.
    c.header("Cache-Control", "public, max-age=2");
    return c.json(await roomIndex(c.env).listPublic(q));
  })
  .get("/api/admin/rooms", async (c) => {
    await requireOperator(c.env, c.req.header("Authorization"));
    const q = query(c.req.query());
    c.header("Cache-Control", "no-store");
    return c.json(await roomIndex(c.env).listAll(q));
  });
