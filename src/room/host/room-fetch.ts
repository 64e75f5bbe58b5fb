/**
 * The room's `fetch`: the HTTP fallback's two paths (http-fallback.ts) or a WebSocket upgrade. The
 * worker forwards only requests it authenticated, with the ticket's identity in a header; the room
 * spends the single-use ticket, lets the core decide, and only an admitted socket joins the
 * hibernatable set. A refused upgrade still completes, so the client sees the documented close code.
 */
import { CloseCode } from "../../protocol";
import { IDENTITY_HEADER, RoomIdentity } from "../../shared/identity";
import type { ConnInfo } from "../core/connections";
import { httpSend, httpStream, type FallbackHost } from "./http-fallback";
import { refuseSocket, safeJson } from "./socket-close";

/** What an upgrade uses of the Durable Object besides the fallback's parts. */
export interface UpgradeHost extends FallbackHost {
  /** Accept the socket into the hibernatable set (only the host calls `acceptWebSocket`) and remember it. */
  admitSocket(server: WebSocket, info: ConnInfo): void;
  warn(event: string, fields: Record<string, unknown>): void;
}

export async function roomFetch(host: UpgradeHost, request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (path === "/send") return httpSend(host, request);
  const identity = RoomIdentity.safeParse(safeJson(request.headers.get(IDENTITY_HEADER)));
  if (!identity.success) return new Response("Missing or invalid identity.", { status: 400 });
  if (path === "/sse") return httpStream(host, identity.data);
  if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
    return new Response("Expected a WebSocket upgrade.", { status: 426 });
  }
  const id = identity.data;
  const { 0: client, 1: server } = new WebSocketPair();
  const core = host.room();
  if (!core) {
    refuseSocket(server, CloseCode.MATCH_NOT_FOUND, "No such match.");
  } else if (!host.useTicket(id)) {
    host.warn("join_refused", { playerId: id.playerId, reason: "ticket reused" });
    refuseSocket(server, CloseCode.AUTH_FAILED, "This join ticket was already used.");
  } else {
    const connId = crypto.randomUUID();
    const newSession = crypto.randomUUID().replace(/-/g, "");
    const decision = core.connect({ connId, playerId: id.playerId, name: id.name, role: id.role, version: id.version, newSession, resume: id.resume }, Date.now());
    if (decision.accepted) host.admitSocket(server, decision.info);
    await host.flush(core);
    if (!decision.accepted) refuseSocket(server, decision.code, decision.reason);
  }
  return new Response(null, { status: 101, webSocket: client });
}
