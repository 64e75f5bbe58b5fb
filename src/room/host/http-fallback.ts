/** The HTTP fallback transport (SSE down, POST up): opening a connection's event stream, and taking one client frame per POST. */
import { CloseCode, SEND_TOKEN_HEADER } from "../../protocol";
import type { RoomIdentity } from "../../shared/identity";
import { SseHub } from "./sse-hub";
import type { RoomCore } from "../core/room-core";

/** What the fallback uses of the Durable Object, which keeps storage (the ticket check) to itself. */
export interface FallbackHost {
  /** HTTP fallback streams (in memory: they cannot hibernate and die with the instance). */
  readonly sse: SseHub;
  /** The core, rebuilt on first use; null when no match was ever created here. */
  room(): RoomCore | null;
  /** Spend the identity's single-use join ticket; false when it was already used. */
  useTicket(id: RoomIdentity): boolean;
  /** Execute what the core produced (persist, send, close, log, alarm). */
  flush(core: RoomCore): Promise<void> | undefined;
}

export async function httpStream(host: FallbackHost, id: RoomIdentity): Promise<Response> {
  const core = host.room();
  if (!core) return SseHub.refused(CloseCode.MATCH_NOT_FOUND, "No such match.");
  if (!host.useTicket(id)) {
    return SseHub.refused(CloseCode.AUTH_FAILED, "This join ticket was already used.");
  }
  const connId = crypto.randomUUID();
  const newSession = crypto.randomUUID().replace(/-/g, "");
  const response = host.sse.open(connId);
  const decision = core.connect({ connId, playerId: id.playerId, name: id.name, role: id.role, version: id.version, newSession, resume: id.resume }, Date.now());
  if (!decision.accepted) host.sse.close(connId, decision.code, decision.reason);
  await host.flush(core);
  return response;
}

/** One client frame over POST; the body is the same bytes a WebSocket frame would carry (or the text "ping"). */
export async function httpSend(host: FallbackHost, request: Request): Promise<Response> {
  const connId = new URL(request.url).searchParams.get("conn") ?? "";
  const core = host.room();
  if (!core || !host.sse.has(connId)) return new Response("Unknown or closed connection; reconnect.", { status: 410 });
  // The worker checked the header's shape; only the room knows the value. Nothing is read or changed on a mismatch.
  if (!host.sse.authorized(connId, request.headers.get(SEND_TOKEN_HEADER) ?? "")) {
    return Response.json({ error: { code: "UNAUTHORIZED", message: "Wrong send token for this connection." } }, { status: 401 });
  }
  const body = await request.arrayBuffer();
  const isText = (request.headers.get("Content-Type") ?? "").startsWith("text/");
  core.message(connId, isText ? new TextDecoder().decode(body) : body, Date.now());
  await host.flush(core);
  return new Response(null, { status: 204 });
}
