/**
 * GET /api/matches/:id/ws: the WebSocket upgrade. Every check runs here,
 * before the request reaches a room: upgrade header, genuine match id, origin
 * allowlist, join ticket (signature, pinned alg, expiry, audience = this
 * match), then the per-client attempt cap. The room gets a fresh request whose
 * only identity is the one set here.
 */
import { Hono } from "hono";
import { z } from "zod";
import { ApiErrorCode, PROTOCOL_VERSION } from "../../protocol/codes";
import { IDENTITY_HEADER, INTERNAL_HEADER_PREFIX, type RoomIdentity } from "../../shared/identity";
import { logEvent } from "../../shared/log";
import { clientAddress, genuineMatchId } from "../auth";
import { requireSecret } from "../config";
import type { AppEnv } from "../env";
import { ApiError, badRequest, unauthorized } from "../errors";
import { checkOrigin } from "../origin";
import { verifyTicket } from "../tokens";

const SocketQuery = z.object({
  ticket: z.string().min(1).max(2048).optional(),
  v: z.coerce.number().int().min(0).max(1_000_000).default(PROTOCOL_VERSION),
  /** Resume: the session from an earlier welcome and the last update seq applied. */
  session: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  lastSeq: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

export const socket = new Hono<AppEnv>().get("/api/matches/:id/ws", async (c) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, ApiErrorCode.UPGRADE_REQUIRED, "This endpoint only accepts WebSocket upgrades.");
  }
  const matchId = await genuineMatchId(c);
  checkOrigin(c);
  const query = SocketQuery.safeParse(c.req.query());
  if (!query.success) throw badRequest("Invalid query: expected ?ticket=<join ticket>&v=<protocol version>[&session=<session>&lastSeq=<n>].");
  if (!query.data.ticket) throw unauthorized("A join ticket is required (POST /api/matches/:id/ticket).");
  const ticket = await verifyTicket(requireSecret(c.env), query.data.ticket, matchId);
  if (!ticket.ok) {
    logEvent("warn", "upgrade_refused", { matchId, reason: ticket.reason });
    throw unauthorized(`Invalid join ticket (${ticket.reason}).`);
  }
  const t = ticket.value;
  const limiter = c.env.UPGRADE_LIMITER;
  if (limiter) {
    const { success } = await limiter.limit({ key: `${clientAddress(c)}|${t.playerId}` });
    if (!success) {
      logEvent("warn", "upgrade_refused", { matchId, playerId: t.playerId, reason: "rate limited" });
      throw new ApiError(429, ApiErrorCode.RATE_LIMITED, "Too many connection attempts; retry shortly.", { "Retry-After": "10" });
    }
  }
  const { session, lastSeq } = query.data;
  const resume = lastSeq === undefined ? null : { session: session ?? null, lastSeq };
  const identity: RoomIdentity = { playerId: t.playerId, name: t.name, role: t.role, jti: t.jti, exp: t.exp, version: query.data.v, resume };
  const headers = new Headers();
  for (const [k, v] of c.req.raw.headers) if (!k.toLowerCase().startsWith(INTERNAL_HEADER_PREFIX)) headers.set(k, v);
  headers.set(IDENTITY_HEADER, JSON.stringify(identity));
  const forwarded = new Request(`https://room.internal/${matchId}`, { method: "GET", headers });
  return c.env.ROOMS.get(c.env.ROOMS.idFromName(matchId)).fetch(forwarded);
});
