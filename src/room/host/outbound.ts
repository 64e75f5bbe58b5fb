/**
 * Delivery of the core's output to connections, whatever their transport:
 * hibernatable WebSockets (found in the in-memory SocketRegistry, not by a
 * `getWebSockets(tag)` call per frame) or HTTP fallback streams. A connection
 * that is already gone is logged, never thrown about.
 */
import type { SocketRegistry } from "./socket-registry";
import type { SseHub } from "./sse-hub";

export class Outbound {
  constructor(
    private readonly sockets: SocketRegistry,
    private readonly sse: SseHub,
    private readonly warn: (event: string, fields: Record<string, unknown>) => void,
  ) {}

  send(conn: string, data: Uint8Array | string): void {
    if (this.sse.send(conn, data)) return;
    const ws = this.sockets.socket(conn);
    if (ws === undefined) return;
    try {
      ws.send(data);
    } catch (err) {
      this.warn("send_failed", { connId: conn, message: err instanceof Error ? err.message : String(err) });
    }
  }

  close(conn: string, code: number, reason: string): void {
    if (this.sse.close(conn, code, reason)) return;
    const ws = this.sockets.socket(conn);
    if (ws === undefined) return;
    // Forget the connection first: a client that ignores the close keeps the socket open, and the
    // attachment is what a rebuilt room (after hibernation) would readmit it from.
    this.sockets.forget(ws);
    try {
      ws.close(code, reason);
    } catch {
      // Already closing.
    }
  }
}
