/**
 * Joining a room: GET /api/matches/:id/ws (WebSocket upgrade) and its HTTP
 * fallback, GET /api/matches/:id/sse (server-sent events) with POST
 * /api/matches/:id/send for the client's frames. Every check runs here,
 * before the request reaches a room: genuine match id, origin allowlist, join
 * ticket (signature, pinned alg, expiry, audience = this match), then the
 * per-client attempt cap. The room gets a fresh request whose only identity
 * is the one set here.
 */
import { Hono, type Context } from "hono";
import { JoinQuery, SEND_TOKEN_HEADER, SendQuery, SendToken } from "../../protocol/http-api";
import { ApiErrorCode, MAX_CLIENT_FRAME_BYTES } from "../../protocol";
import { IDENTITY_HEADER, INTERNAL_HEADER_PREFIX, type RoomIdentity } from "../../shared/identity";
import { logEvent } from "../../shared/log";
import { genuineMatchId } from "../auth";
import { enforceLimit } from "../rate-limit";
import { requireSecret } from "../config";
import type { AppEnv } from "../env";
import { ApiError, badRequest, unauthorized } from "../errors";
import { checkOrigin } from "../origin";
import { verifyTicket } from "../tokens";

/** Run every join check and build the request the room will see. */
async function admit(c: Context<AppEnv>, matchId: string, kind: "ws" | "sse"): Promise<Request> {
  checkOrigin(c);
  const query = JoinQuery.safeParse(c.req.query());
  if (!query.success) throw badRequest("Invalid query: expected ?ticket=<join ticket>&v=<protocol version>[&session=<session>&lastSeq=<n>].");
  if (!query.data.ticket) throw unauthorized("A join ticket is required (POST /api/matches/:id/ticket).");
  const ticket = await verifyTicket(requireSecret(c.env), query.data.ticket, matchId);
  if (!ticket.ok) {
    logEvent("warn", "upgrade_refused", { matchId, transport: kind, reason: ticket.reason });
    throw unauthorized(`Invalid join ticket (${ticket.reason}).`);
  }
  const t = ticket.value;
  // Keyed by address alone: fresh guest identities are free, so a per-player key would not cap anything.
  await enforceLimit(c, "UPGRADE_LIMITER", { matchId, transport: kind, playerId: t.playerId });
  const { session, lastSeq } = query.data;
  const resume = lastSeq === undefined ? null : { session: session ?? null, lastSeq };
  const identity: RoomIdentity = { playerId: t.playerId, name: t.name, role: t.role, jti: t.jti, exp: t.exp, version: query.data.v, resume };
  return new Request(`https://room.internal/${kind}`, { method: "GET", headers: internalHeaders(c, identity) });
}

/** The client's headers minus every internal one it may have sent, plus the verified identity. */
function internalHeaders(c: Context<AppEnv>, identity: RoomIdentity | null): Headers {
  const headers = new Headers();
  for (const [k, v] of c.req.raw.headers) {
    const name = k.toLowerCase();
    // Sec-WebSocket-Extensions is dropped so the runtime never negotiates permessage-deflate with the
    // room's socket: an inflated message is only capped after inflation, when the memory is spent.
    if (!name.startsWith(INTERNAL_HEADER_PREFIX) && name !== "sec-websocket-extensions") headers.set(k, v);
  }
  if (identity) headers.set(IDENTITY_HEADER, JSON.stringify(identity));
  return headers;
}

const room = (c: Context<AppEnv>, matchId: string) => c.env.ROOMS.get(c.env.ROOMS.idFromName(matchId));

export const socket = new Hono<AppEnv>()
  .get("/api/matches/:id/ws", async (c) => {
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError(426, ApiErrorCode.UPGRADE_REQUIRED, "This endpoint only accepts WebSocket upgrades (or use /sse).");
    }
    const matchId = await genuineMatchId(c);
    return room(c, matchId).fetch(await admit(c, matchId, "ws"));
  })
  .get("/api/matches/:id/sse", async (c) => {
    const matchId = await genuineMatchId(c);
    return room(c, matchId).fetch(await admit(c, matchId, "sse"));
  })
  .post("/api/matches/:id/send", async (c) => {
    const matchId = await genuineMatchId(c);
    checkOrigin(c);
    const q = SendQuery.safeParse(c.req.query());
    if (!q.success) throw badRequest("Invalid query: expected ?conn=<connection id>.");
    if (!SendToken.safeParse(c.req.header(SEND_TOKEN_HEADER)).success) {
      throw unauthorized(`Send the connection's send token (from the stream's open event) in the ${SEND_TOKEN_HEADER} header.`);
    }
    const body = await c.req.arrayBuffer();
    // Checked here too so an oversized body never reaches the room; the room answers with the same error frame rule.
    if (body.byteLength > MAX_CLIENT_FRAME_BYTES) {
      throw new ApiError(413, ApiErrorCode.PAYLOAD_TOO_LARGE, `Frame of ${body.byteLength} bytes exceeds the ${MAX_CLIENT_FRAME_BYTES}-byte limit.`);
    }
    const headers = internalHeaders(c, null);
    const url = `https://room.internal/send?conn=${q.data.conn}`;
    return room(c, matchId).fetch(new Request(url, { method: "POST", headers, body }));
  });
