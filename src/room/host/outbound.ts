/**
 * Delivery of the core's output to connections, whatever their transport:
 * hibernatable WebSockets (found by their `conn:<id>` tag) or HTTP fallback
 * streams. A connection that is already gone is logged, never thrown about.
 */
import type { SseHub } from "./sse-hub";

export class Outbound {
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly sse: SseHub,
    private readonly warn: (event: string, fields: Record<string, unknown>) => void,
  ) {}

  send(conn: string, data: Uint8Array | string): void {
    if (this.sse.send(conn, data)) return;
    for (const ws of this.ctx.getWebSockets(`conn:${conn}`)) {
      try {
        ws.send(data);
      } catch (err) {
        this.warn("send_failed", { connId: conn, message: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  close(conn: string, code: number, reason: string): void {
    if (this.sse.close(conn, code, reason)) return;
    for (const ws of this.ctx.getWebSockets(`conn:${conn}`)) {
      // Forget the connection first: a client that ignores the close keeps the socket open, and the
      // attachment is what a rebuilt room (after hibernation) would readmit it from.
      ws.serializeAttachment(null);
      try {
        ws.close(code, reason);
      } catch {
        // Already closing.
      }
    }
  }
}
