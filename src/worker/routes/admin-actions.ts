/**
 * The operator's actions on one room, behind OPERATOR_TOKEN: close it with a reason, or remove a
 * player. Each accepted request writes one `operator_action` log line; the room does the rest.
 */
import { Hono } from "hono";
import { OperatorActionRequest } from "../../protocol/operator-api";
import { logEvent } from "../../shared/log";
import { genuineMatchId } from "../auth";
import { jsonBody } from "../body";
import type { AppEnv } from "../env";
import { badRequest, notFound } from "../errors";
import { playerRecord } from "../player-record";
import { PlayerId } from "../tokens";
import { requireOperator } from "./operator";

/** Who acted: the token is shared, so the log can only say which credential was used. */
const OPERATOR = "operator token";

export const adminActions = new Hono<AppEnv>()
  .post("/api/admin/rooms/:id/close", async (c) => {
    await requireOperator(c.env, c.req.header("Authorization"));
    const matchId = await genuineMatchId(c);
    const { reason } = await jsonBody(c, OperatorActionRequest);
    const out = await c.env.ROOMS.get(c.env.ROOMS.idFromName(matchId)).closeByOperator(reason);
    if (out === null) throw notFound("No such room (never created, or deleted after it closed).");
    logEvent("warn", "operator_action", { action: "close_room", matchId, reason, at: Date.now(), operator: OPERATOR, alreadyClosed: out.alreadyClosed, connectionsClosed: out.connectionsClosed });
    return c.json({ matchId, closed: true as const, alreadyClosed: out.alreadyClosed, reason: out.reason, connectionsClosed: out.connectionsClosed });
  })
  .post("/api/admin/rooms/:id/players/:playerId/remove", async (c) => {
    await requireOperator(c.env, c.req.header("Authorization"));
    const matchId = await genuineMatchId(c);
    const id = PlayerId.safeParse(c.req.param("playerId"));
    if (!id.success) throw badRequest("Invalid player id: 1-64 of A-Z a-z 0-9 _ . : @ -.");
    const playerId = id.data;
    const { reason } = await jsonBody(c, OperatorActionRequest);
    const out = await c.env.ROOMS.get(c.env.ROOMS.idFromName(matchId)).removePlayer(playerId, reason);
    if (out === null) throw notFound("No such room (never created, or deleted after it closed).");
    if (!out.found) throw notFound("No such player in this room (never seated or connected).");
    // The player's record refuses new tickets for this match from now on (the room refuses the join as well).
    const players = c.env.PLAYERS;
    if (players) await playerRecord(players, playerId).removeFrom(playerId, matchId, Math.floor(Date.now() / 1000));
    logEvent("warn", "operator_action", { action: "remove_player", matchId, playerId, reason, at: Date.now(), operator: OPERATOR, alreadyRemoved: out.alreadyRemoved, seat: out.seat, seatOutcome: out.seatOutcome });
    return c.json({ matchId, playerId, removed: true as const, alreadyRemoved: out.alreadyRemoved, seat: out.seat, seatOutcome: out.seatOutcome, connectionsClosed: out.connectionsClosed });
  });
