/**
 * Quick play: POST /api/queue puts the player in the queue of a game and mode and answers with the entry
 * and the URL of its waiting socket; GET /api/queue/ws?ticket= holds that socket (hibernatable: a
 * waiting player costs nothing while nothing happens) until the queue sends the match and a join
 * ticket; DELETE /api/queue/:ticketId leaves the queue. Closing the socket leaves it too.
 * GET /api/queue/ws?game=… does both in one upgrade (the token in a subprotocol): one request per
 * join fewer, which a join burst pays for on every player (bench/results/matchmaking-profile-2026-12-06.md).
 */
import { Hono, type Context } from "hono";
import { ApiErrorCode } from "../../protocol/codes";
import { BEARER_SUBPROTOCOL_PREFIX, QUEUE_SUBPROTOCOL, QueueRequest, QueueSocketQuery } from "../../protocol/matchmaking-api";
import { QUEUE_JOIN_HEADER, type EnqueueRequest, type QueueShape } from "../../matchmaking/queue-join";
import { queueKey, queueOfTicket } from "../../matchmaking/queue-key";
import { bearerToken, requirePlayer, type AuthedPlayer } from "../auth";
import { jsonBody } from "../body";
import { requireSecret } from "../config";
import type { AppEnv, Env } from "../env";
import { ApiError, badRequest, notFound, unauthorized } from "../errors";
import { enforceLimit } from "../rate-limit";
import { checkOrigin } from "../origin";
import { namedStub } from "../../shared/object-ids";


function queues(env: Env): DurableObjectNamespace<import("../../matchmaking/queue-object").QueueObject> {
  if (!env.QUEUES) throw new ApiError(503, ApiErrorCode.SERVER_MISCONFIGURED, "Matchmaking is not configured (no QUEUES Durable Object binding).");
  return env.QUEUES;
}

const queueStub = (c: Context<AppEnv>, key: string) => {
  return namedStub(queues(c.env), key);
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

/**
 * A verified player's join request checked and turned into the queue's `enqueue` call, for POST
 * /api/queue and the socket join alike. Every refusal is an HTTP error and queues nobody.
 */
function joinRequest(c: Context<AppEnv>, player: AuthedPlayer, body: QueueRequest): { key: string; req: EnqueueRequest } {
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
  const req: EnqueueRequest = { queueKey: key, game: game.id, rated: body.mode === "ranked", shape, player: { playerId: player.playerId, name: player.name }, iat: player.iat, aiAfterMs, wsOrigin: ws.origin };
  return { key, req };
}

/** The entry's socket, opened at its queue; only the upgrade and the entry id reach the queue, no client header. */
function openEntrySocket(c: Context<AppEnv>, key: string, ticketId: string): Promise<Response> {
  const url = `https://queue.internal/ws?ticket=${encodeURIComponent(ticketId)}`;
  return queueStub(c, key).fetch(new Request(url, { headers: { Upgrade: "websocket" } }));
}

/** The subprotocols a socket join offered: whether it asked for QUEUE_SUBPROTOCOL, and the token one carried. */
function offeredProtocols(c: Context<AppEnv>): { queue: boolean; token: string | null } {
  let queue = false;
  let token: string | null = null;
  for (const p of (c.req.header("Sec-WebSocket-Protocol") ?? "").split(",")) {
    const name = p.trim();
    if (name === QUEUE_SUBPROTOCOL) queue = true;
    else if (name.startsWith(BEARER_SUBPROTOCOL_PREFIX)) token = name.slice(BEARER_SUBPROTOCOL_PREFIX.length);
  }
  return { queue, token };
}

export const queue = new Hono<AppEnv>()
  .post("/api/queue", async (c) => {
    await enforceLimit(c, "QUEUE_LIMITER");
    const player = await requirePlayer(c);
    const { key, req } = joinRequest(c, player, await jsonBody(c, QueueRequest));
    const entry = await queueStub(c, key).enqueue(req);
    const url = `${req.wsOrigin}/api/queue/ws?ticket=${encodeURIComponent(entry.ticketId)}`;
    return c.json({ ticketId: entry.ticketId, url, existing: entry.existing }, entry.existing ? 200 : 201);
  })
  .get("/api/queue/ws", async (c) => {
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") throw new ApiError(426, ApiErrorCode.UPGRADE_REQUIRED, "This endpoint only accepts WebSocket upgrades.");
    checkOrigin(c);
    const q = QueueSocketQuery.safeParse(c.req.query());
    if (!q.success) throw badRequest("Invalid query: expected ?ticket=<ticketId from POST /api/queue>, or ?game=<id>[&mode=ranked|casual][&seats=<n>][&aiAfterMs=<ms>|off] to join.");
    const { ticket, game, mode, seats, aiAfterMs } = q.data;
    if (ticket !== undefined) {
      const key = queueOfTicket(ticket);
      if (!key || game !== undefined || mode !== undefined || seats !== undefined || aiAfterMs !== undefined) {
        throw badRequest("Invalid query: expected ?ticket=<ticketId from POST /api/queue> alone.");
      }
      return openEntrySocket(c, key, ticket);
    }
    if (game === undefined) throw badRequest("Invalid query: expected ?ticket=<ticketId from POST /api/queue>, or ?game=<id> to join.");
    const ai = aiAfterMs === undefined ? undefined : aiAfterMs === "off" ? null : Number(aiAfterMs);
    if (ai !== undefined && ai !== null && ai > 600_000) throw badRequest('Invalid query: aiAfterMs is 0 to 600000, or "off".');
    const body: QueueRequest = { game, mode: mode ?? "ranked", ...(seats !== undefined ? { seats: Number(seats) } : {}), ...(ai !== undefined ? { aiAfterMs: ai } : {}) };
    // Join and wait in one upgrade: POST /api/queue's checks, in its order, then the entry's socket.
    await enforceLimit(c, "QUEUE_LIMITER");
    const offered = offeredProtocols(c);
    const token = bearerToken(c) ?? offered.token;
    if (token === null) throw unauthorized(`Send a player token as \`Authorization: Bearer <token>\` or in the \`${BEARER_SUBPROTOCOL_PREFIX}<token>\` subprotocol.`);
    const { key, req } = joinRequest(c, await requirePlayer(c, undefined, token), body);
    // The join and its socket in one call to the queue (its /join), not `enqueue` then the entry's socket.
    const res = await queueStub(c, key).fetch(new Request("https://queue.internal/join", { headers: { Upgrade: "websocket", [QUEUE_JOIN_HEADER]: JSON.stringify(req) } }));
    // A browser that offered subprotocols fails the handshake unless one is chosen: the queue's, never the token's.
    if (!offered.queue || res.status !== 101 || !res.webSocket) return res;
    return new Response(null, { status: 101, webSocket: res.webSocket, headers: { "Sec-WebSocket-Protocol": QUEUE_SUBPROTOCOL } });
  })
  .delete("/api/queue/:ticketId", async (c) => {
    const player = await requirePlayer(c);
    const ticketId = c.req.param("ticketId");
    const key = queueOfTicket(ticketId);
    if (!key) throw notFound("No such queue entry.");
    if (!(await queueStub(c, key).cancel(ticketId, player.playerId))) throw notFound("No such queue entry (already matched, cancelled or not yours).");
    return c.body(null, 204);
  });
