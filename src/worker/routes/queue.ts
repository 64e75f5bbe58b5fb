/**
 * Quick play: POST /api/queue puts the player in the queue of a game and mode and answers with the entry
 * and the URL of its waiting socket; GET /api/queue/ws holds that socket (hibernatable: a waiting player
 * costs nothing while nothing happens) until the queue sends the match and a join ticket;
 * DELETE /api/queue/:ticketId leaves the queue. Closing the socket leaves it too.
 */
import { Hono, type Context } from "hono";
import { ApiErrorCode } from "../../protocol/codes";
import { QueueRequest, QueueSocketQuery } from "../../protocol/matchmaking-api";
import type { QueueShape } from "../../matchmaking/grouping";
import { queueKey, queueOfTicket } from "../../matchmaking/queue-key";
import { requirePlayer } from "../auth";
import { jsonBody } from "../body";
import { requireSecret } from "../config";
import type { AppEnv, Env } from "../env";
import { ApiError, badRequest, notFound } from "../errors";
import { limitByAddress } from "../limits";
import { checkOrigin } from "../origin";

export const QUEUE_LIMIT_PERIOD_SECONDS = 10;

function queues(env: Env): DurableObjectNamespace<import("../../matchmaking/queue-object").QueueObject> {
  if (!env.QUEUES) throw new ApiError(503, ApiErrorCode.SERVER_MISCONFIGURED, "Matchmaking is not configured (no QUEUES Durable Object binding).");
  return env.QUEUES;
}

const queueStub = (c: Context<AppEnv>, key: string) => {
  const ns = queues(c.env);
  return ns.get(ns.idFromName(key));
};

/** QUEUE_AI_AFTER_MS: whole ms from 0 to 600000, or "off"; anything else is the default, 20 s. */
export function defaultAiAfterMs(env: Env): number | null {
  const raw = (env.QUEUE_AI_AFTER_MS ?? "").trim();
  if (raw === "off") return null;
  const n = Number(raw);
  return raw !== "" && Number.isInteger(n) && n >= 0 && n <= 600_000 ? n : 20_000;
}

export function readyMs(env: Env): number {
  const n = Number(env.QUEUE_READY_MS ?? "");
  return Number.isInteger(n) && n >= 0 && n <= 300_000 ? n : 5_000;
}

export const queue = new Hono<AppEnv>()
  .post("/api/queue", async (c) => {
    await limitByAddress(c, c.env.QUEUE_LIMITER, "queue join", QUEUE_LIMIT_PERIOD_SECONDS);
    const player = await requirePlayer(c);
    const body = await jsonBody(c, QueueRequest);
    const game = c.var.games.find(body.game);
    if (!game) throw badRequest(`Unknown game "${body.game}". Available: ${c.var.games.ids.join(", ")}.`);
    const realtime = game.kind === "real-time";
    if (realtime && body.seats !== undefined) throw badRequest(`${game.title} is real-time: its matches take whoever is queued (up to ${game.seats.max}); omit seats.`);
    const seats = realtime ? game.seats.max : (body.seats ?? game.seats.min);
    if (seats < Math.max(2, game.seats.min) || seats > game.seats.max) throw badRequest(`Quick play for ${game.title} takes ${Math.max(2, game.seats.min)} to ${game.seats.max} seats.`);
    const shape: QueueShape = { kind: game.kind, seats, minSeats: game.seats.min, hasAi: game.ai !== undefined, readyMs: readyMs(c.env) };
    const key = queueKey(game.id, body.mode, seats);
    const aiAfterMs = body.aiAfterMs === undefined ? defaultAiAfterMs(c.env) : body.aiAfterMs;
    requireSecret(c.env); // the queue signs join tickets with it
    const ws = new URL("/api/queue/ws", c.req.url);
    ws.protocol = ws.protocol === "https:" ? "wss:" : "ws:";
    const entry = await queueStub(c, key).enqueue({ queueKey: key, game: game.id, rated: body.mode === "ranked", shape, player: { playerId: player.playerId, name: player.name }, iat: player.iat, aiAfterMs, wsOrigin: ws.origin });
    ws.searchParams.set("ticket", entry.ticketId);
    return c.json({ ticketId: entry.ticketId, url: ws.toString(), existing: entry.existing }, entry.existing ? 200 : 201);
  })
  .get("/api/queue/ws", async (c) => {
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") throw new ApiError(426, ApiErrorCode.UPGRADE_REQUIRED, "This endpoint only accepts WebSocket upgrades.");
    checkOrigin(c);
    const q = QueueSocketQuery.safeParse(c.req.query());
    const key = q.success ? queueOfTicket(q.data.ticket) : null;
    if (!q.success || !key) throw badRequest("Invalid query: expected ?ticket=<ticketId from POST /api/queue>.");
    // Only the upgrade and the entry id reach the queue: no client header is forwarded.
    const url = `https://queue.internal/ws?ticket=${encodeURIComponent(q.data.ticket)}`;
    return queueStub(c, key).fetch(new Request(url, { headers: { Upgrade: "websocket" } }));
  })
  .delete("/api/queue/:ticketId", async (c) => {
    const player = await requirePlayer(c);
    const ticketId = c.req.param("ticketId");
    const key = queueOfTicket(ticketId);
    if (!key) throw notFound("No such queue entry.");
    if (!(await queueStub(c, key).cancel(ticketId, player.playerId))) throw notFound("No such queue entry (already matched, cancelled or not yours).");
    return c.body(null, 204);
  });
