/**
 * The hibernatable WebSocket events (a frame, a close, an error) between the runtime and the core.
 * RoomHost's overrides hand them here; what they may use of the host is `SocketEventsHost` (the socket
 * registry, the counters and three entry points), never the host itself.
 */
import { CloseCode } from "../../protocol";
import type { RoomCore } from "../core/room-core";
import type { OpsCounters } from "./ops-counters";
import { answerClose, closeQuietly } from "./socket-close";
import type { SocketRegistry } from "./socket-registry";

export interface SocketEventsHost {
  readonly sockets: SocketRegistry;
  readonly ops: OpsCounters;
  /** The core, rebuilt from storage on first use; null when no match exists here (the host's ensureInitialized). */
  room(): RoomCore | null;
  /** Execute what a frame made the core produce (the host's plain flush): a promise only when storage work is left. */
  flush(core: RoomCore): Promise<void> | undefined;
  /** A connection is gone: the core forgets it, and the host flushes. */
  gone(connId: string, code: number): void;
  log(level: "info" | "warn", event: string, fields: Record<string, unknown>): void;
}

/** One frame from a socket, for the core; frames of a socket the room no longer tracks are dropped unread. */
export function socketMessage(host: SocketEventsHost, ws: WebSocket, message: string | ArrayBuffer): Promise<void> | void {
  const connId = host.sockets.connId(ws);
  const core = connId !== null ? host.room() : null;
  if (connId !== null && !core) return closeQuietly(ws, CloseCode.MATCH_NOT_FOUND, "No such match.");
  if (connId === null || !core || !core.tracks(connId)) {
    // A socket the room already closed whose client ignores the close: drop the frame unread (no
    // decoding, storage or alarm work), forget the socket, and close again (a no-op once the close
    // frame is out; workerd offers no harder abort).
    host.ops.droppedFrames += 1;
    host.sockets.forget(ws);
    return closeQuietly(ws, CloseCode.POLICY_VIOLATION, "This connection was closed; frames are ignored.");
  }
  host.ops.messages += 1;
  core.message(connId, message, Date.now());
  // Not `async`: a promise per frame only when the flush has storage work (flush-steps.ts).
  return host.flush(core);
}

/** The client closed its socket: answer the close, and the core forgets the connection. */
export function socketClosed(host: SocketEventsHost, ws: WebSocket, code: number): void {
  answerClose(ws, code);
  // A socket the room had closed: its client finally answered. The dropped-frame total tells an
  // operator (and the tests) what ignoring the close cost.
  if (host.sockets.connId(ws) === null) host.log("info", "closed_socket_gone", { code, droppedFrames: host.ops.droppedFrames });
  socketGone(host, ws, code);
}

/** The socket failed: logged, and the connection is gone as after an abnormal close (1006). */
export function socketErrored(host: SocketEventsHost, ws: WebSocket, error: unknown): void {
  host.log("warn", "socket_error", { message: error instanceof Error ? error.message : String(error) });
  socketGone(host, ws, 1006);
}

function socketGone(host: SocketEventsHost, ws: WebSocket, code: number): void {
  // Initialise first: after hibernation the registry is rebuilt from the runtime's sockets, this one included.
  host.room();
  const connId = host.sockets.connId(ws);
  host.sockets.drop(ws);
  if (connId !== null) host.gone(connId, code);
}
