/** Match routes: create, public status, join tickets and the action-log replay. */
import { Hono } from "hono";
import { ApiErrorCode } from "../../protocol/codes";
import { PROTOCOL_VERSION } from "../../protocol/codes";
import { CreateMatchRequest, TicketRequest } from "../../protocol/http-api";
import { resolveSettings } from "../../room/core/settings";
import { genuineMatchId, requirePlayer } from "../auth";
import { jsonBody } from "../body";
import { requireSecret } from "../config";
import type { AppEnv } from "../env";
import { ApiError, badRequest, notFound } from "../errors";
import { newMatchId } from "../match-id";
import { signTicket } from "../tokens";
import { claimCode } from "./codes";
import { enforceLimit } from "../rate-limit";
import { archivedReplay } from "../archive";
import { archiveKey } from "../../shared/archive";

export const matches = new Hono<AppEnv>()
  .post("/api/matches", async (c) => {
    const player = await requirePlayer(c);
    const body = await jsonBody(c, CreateMatchRequest);
    // Settings are checked here too, so a bad request never instantiates a room.
    const game = c.var.games.find(body.game);
    if (!game) throw badRequest(`Unknown game "${body.game}". Available: ${c.var.games.ids.join(", ")}.`);
    const settings = resolveSettings(game, body);
    if (!settings.ok) throw badRequest(settings.message);
    await enforceLimit(c, "MATCH_LIMITER", { playerId: player.playerId });
    const matchId = await newMatchId(requireSecret(c.env));
    const stub = c.env.ROOMS.get(c.env.ROOMS.idFromName(matchId));
    // Public matches are listed in the room directory; private ones (join code) and quick play are not.
    const created = await stub.create(matchId, body, { playerId: player.playerId, name: player.name }, { listed: !body.private });
    if (!created.ok) {
      if (created.status === 400) throw badRequest(created.message);
      throw new ApiError(409, ApiErrorCode.CONFLICT, created.message);
    }
    const code = body.private ? `,"code":${JSON.stringify(await claimCode(c.env, matchId))}` : "";
    const body201 = `{"matchId":${JSON.stringify(matchId)},"links":${JSON.stringify(links(c.req.url, matchId))},"match":${created.statusJson}${code}}`;
    return c.body(body201, 201, { "Content-Type": "application/json" });
  })
  .get("/api/matches/:id", async (c) => {
    const matchId = await genuineMatchId(c);
    const status = await c.env.ROOMS.get(c.env.ROOMS.idFromName(matchId)).status();
    if (status === null) {
      // A room that deleted its storage after its retention window answers 410 (its replay is archived), never a new room.
      if ((await c.env.ARCHIVE?.head(archiveKey(matchId))) ?? null) {
        throw new ApiError(410, ApiErrorCode.GONE, `This match is over and its room was deleted; its replay is at /api/matches/${matchId}/replay.`);
      }
      throw notFound("No such match.");
    }
    return c.body(status, 200, { "Content-Type": "application/json" });
  })
  .post("/api/matches/:id/ticket", async (c) => {
    const matchId = await genuineMatchId(c);
    const player = await requirePlayer(c, matchId);
    const { role } = await jsonBody(c, TicketRequest);
    await enforceLimit(c, "TICKET_LIMITER", { playerId: player.playerId, matchId });
    const { ticket, exp } = await signTicket(requireSecret(c.env), matchId, player, role);
    const ws = new URL(`/api/matches/${matchId}/ws`, c.req.url);
    ws.protocol = ws.protocol === "https:" ? "wss:" : "ws:";
    ws.searchParams.set("ticket", ticket);
    ws.searchParams.set("v", String(PROTOCOL_VERSION));
    return c.json({ ticket, expiresAt: exp * 1000, url: ws.toString() });
  })
  .get("/api/matches/:id/replay", async (c) => {
    const matchId = await genuineMatchId(c);
    const stub = c.env.ROOMS.get(c.env.ROOMS.idFromName(matchId));
    const over = await stub.isOver();
    if (over === null) {
      // Deleted after its retention window: the archived copy, the same document the room served.
      const archived = await archivedReplay(c.env, matchId);
      if (archived === null) throw notFound("No such match.");
      return c.body(archived, 200, { "Content-Type": "application/json" });
    }
    if (!over) {
      throw new ApiError(409, ApiErrorCode.CONFLICT, "The replay is published once the match is over.");
    }
    const replay = await stub.replay();
    if (replay === null) throw notFound("No such match.");
    return c.body(replay, 200, { "Content-Type": "application/json" });
  });

function links(requestUrl: string, matchId: string) {
  const base = new URL(requestUrl);
  return {
    status: new URL(`/api/matches/${matchId}`, base).toString(),
    ticket: new URL(`/api/matches/${matchId}/ticket`, base).toString(),
    join: new URL(`/?match=${matchId}`, base).toString(),
  };
}
