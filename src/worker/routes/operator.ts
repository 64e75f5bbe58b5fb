/** Operator endpoints: live counters of one room, behind a bearer token from configuration. */
import { Hono } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import { ApiErrorCode } from "../../protocol/codes";
import { genuineMatchId } from "../auth";
import type { AppEnv, Env } from "../env";
import { ApiError, badRequest, notFound, unauthorized } from "../errors";
import { playerRecord } from "../player-record";
import { PlayerId } from "../tokens";
import { logEvent } from "../../shared/log";

const MIN_OPERATOR_TOKEN_LENGTH = 24;

/** Throws unless the request carries the configured operator token; a missing configuration turns the endpoints off. */
export async function requireOperator(env: Env, authorization: string | undefined): Promise<void> {
  const expected = env.OPERATOR_TOKEN;
  if (!expected || expected.length < MIN_OPERATOR_TOKEN_LENGTH) {
    throw new ApiError(
      503,
      ApiErrorCode.SERVER_MISCONFIGURED,
      `Operator endpoints are off: set OPERATOR_TOKEN (at least ${MIN_OPERATOR_TOKEN_LENGTH} characters) with \`wrangler secret put OPERATOR_TOKEN\`.`,
    );
  }
  const presented = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1];
  // Compared through a hash in constant time, so neither the content nor the length leaks by timing.
  if (presented === undefined || !(await timingSafeEqual(presented, expected))) {
    throw unauthorized("Operator endpoints need `Authorization: Bearer <OPERATOR_TOKEN>`.");
  }
}

export const operator = new Hono<AppEnv>()
  .post("/api/players/:playerId/revoke", async (c) => {
    await requireOperator(c.env, c.req.header("Authorization"));
    const players = c.env.PLAYERS;
    if (!players) throw new ApiError(503, ApiErrorCode.SERVER_MISCONFIGURED, "Revocation is off: this deployment has no PLAYERS Durable Object binding.");
    const id = PlayerId.safeParse(c.req.param("playerId"));
    if (!id.success) throw badRequest("Invalid player id: 1-64 of A-Z a-z 0-9 _ . : @ -.");
    const revokedBefore = Math.floor(Date.now() / 1000);
    // Stored first: from here on no ticket is minted for this player's older tokens, so no new socket
    // can open; then every room the player took a ticket for closes the sockets already open.
    const matches = await playerRecord(players, id.data).revoke(id.data, revokedBefore);
    const kicked = await Promise.all(matches.map((m) => c.env.ROOMS.get(c.env.ROOMS.idFromName(m)).kick(id.data)));
    logEvent("warn", "player_revoked", { playerId: id.data, matches: matches.length });
    return c.json({ playerId: id.data, revokedBefore: revokedBefore * 1000, rooms: matches.length, closed: kicked.reduce((a, b) => a + b, 0) });
  })
  .get("/api/matches/:id/metrics", async (c) => {
  await requireOperator(c.env, c.req.header("Authorization"));
  const matchId = await genuineMatchId(c);
  const stub = c.env.ROOMS.get(c.env.ROOMS.idFromName(matchId));
  const status = await stub.status();
  if (status === null) throw notFound("No such match.");
  const counters = await stub.metrics();
  return c.json({ matchId, counters });
});
