/**
 * The room's hibernatable sockets, in memory: each socket's ConnInfo and the socket of each
 * connection id. Attachments are parsed once per socket per instance (when the room is rebuilt
 * after a wake, or when the socket is accepted) and written only when they change (accept, forget),
 * so no frame, tick or ping check reads or zod-parses an attachment, and no send looks a socket up
 * with `getWebSockets(tag)`.
 */
import type { ConnInfo } from "../core/connections";
import { readAttachment } from "./socket-attachment";

export class SocketRegistry {
  private readonly infoOf = new Map<WebSocket, ConnInfo>();
  private readonly socketOf = new Map<string, WebSocket>();
  /** Sockets known to carry no connection (refused or forgotten): never parsed again. */
  private readonly none = new WeakSet<WebSocket>();

  /** Rebuild from the runtime's sockets (once per instance, when the room wakes). */
  rebuild(sockets: readonly WebSocket[]): void {
    this.infoOf.clear();
    this.socketOf.clear();
    for (const ws of sockets) this.remember(ws, readAttachment(ws));
  }

  /** A newly accepted socket: write its attachment (it survives hibernation) and remember it. */
  add(ws: WebSocket, info: ConnInfo): void {
    ws.serializeAttachment(info);
    this.remember(ws, info);
  }

  /** The socket's connection, or null for a socket the room closed or refused. */
  info(ws: WebSocket): ConnInfo | null {
    const known = this.infoOf.get(ws);
    if (known !== undefined) return known;
    if (this.none.has(ws)) return null;
    // A socket this instance has not seen (it was accepted before a wake and the room was not rebuilt yet).
    const info = readAttachment(ws);
    this.remember(ws, info);
    return info;
  }

  socket(connId: string): WebSocket | undefined {
    return this.socketOf.get(connId);
  }

  /** Every live socket with its connection (for the heartbeat timestamps). */
  entries(): IterableIterator<[WebSocket, ConnInfo]> {
    return this.infoOf.entries();
  }

  /** The room closed this socket: clear its attachment (a rebuilt room must not readmit it) and forget it. */
  forget(ws: WebSocket): void {
    if (this.infoOf.has(ws) || !this.none.has(ws)) ws.serializeAttachment(null);
    const info = this.infoOf.get(ws);
    if (info && this.socketOf.get(info.connId) === ws) this.socketOf.delete(info.connId);
    this.infoOf.delete(ws);
    this.none.add(ws);
  }

  /** The socket is gone (closed by its client, or errored): forget it without writing anything. */
  drop(ws: WebSocket): void {
    const info = this.infoOf.get(ws);
    if (info && this.socketOf.get(info.connId) === ws) this.socketOf.delete(info.connId);
    this.infoOf.delete(ws);
    this.none.add(ws);
  }

  private remember(ws: WebSocket, info: ConnInfo | null): void {
    if (info === null) {
      this.none.add(ws);
      return;
    }
    this.none.delete(ws);
    this.infoOf.set(ws, info);
    this.socketOf.set(info.connId, ws);
  }
}
