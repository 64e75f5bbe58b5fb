/**
 * Liveness evidence from the runtime. Heartbeat pings are answered by the runtime itself (the auto
 * response, which never wakes the room), so the room learns of them only by reading each socket's
 * last auto-response time: at each liveness check, and for every socket when the room is rebuilt.
 */
import type { RoomCore } from "../core/room-core";
import type { SocketRegistry } from "./socket-registry";

/** Feed the runtime's heartbeat auto-response timestamps to the core's liveness check. */
export function observePings(ctx: DurableObjectState, sockets: SocketRegistry, core: RoomCore): void {
  for (const [ws, info] of sockets.entries()) {
    const pinged = ctx.getWebSocketAutoResponseTimestamp(ws);
    if (pinged) core.observeSeen(info.connId, pinged.getTime());
  }
}

/**
 * A rebuilt room re-registers every socket that survived: its last heartbeat auto-response, or the
 * connection time, is the liveness evidence that survives hibernation (frames also count, but only
 * while awake; the protocol requires pings).
 */
export function restoreSockets(ctx: DurableObjectState, sockets: SocketRegistry, core: RoomCore): void {
  sockets.rebuild(ctx.getWebSockets());
  for (const [ws, info] of sockets.entries()) {
    const pinged = ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
    core.restore(info, Math.max(pinged, info.connectedAt));
  }
}
