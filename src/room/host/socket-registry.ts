/**
 * The room's hibernatable sockets, in memory: each socket's connection id and the socket of each
 * connection id. Attachments are parsed once per socket per instance (when the room is rebuilt
 * after a wake, or when the socket is accepted) and written only when they change (accept, forget),
 * so no frame, tick or ping check reads or zod-parses an attachment, and no send looks a socket up
 * with `getWebSockets(tag)`.
 *
 * Only the id is kept: the core holds the connection itself (core/connections.ts), and a whole
 * ConnInfo per socket here was a second object, its boxed `connectedAt` and its property store per
 * socket that every full collection marks (issue 12: ~10 heap nodes per 4-player room).
 */
import type { ConnInfo } from "../core/connections";
import { readAttachment } from "./socket-attachment";

/** A socket that survived hibernation, with the connection its attachment names (for the core to restore). */
export interface RestoredSocket {
  readonly ws: WebSocket;
  readonly info: ConnInfo;
}

export class SocketRegistry {
  private readonly connOf = new Map<WebSocket, string>();
  private readonly socketOf = new Map<string, WebSocket>();
  /** Sockets known to carry no connection (refused or forgotten): never parsed again. */
  private readonly none = new WeakSet<WebSocket>();

  /** Rebuild from the runtime's sockets (once per instance, when the room wakes): the connections to restore. */
  rebuild(sockets: readonly WebSocket[]): RestoredSocket[] {
    this.connOf.clear();
    this.socketOf.clear();
    const restored: RestoredSocket[] = [];
    for (const ws of sockets) {
      const info = readAttachment(ws);
      this.remember(ws, info);
      if (info !== null) restored.push({ ws, info });
    }
    return restored;
  }

  /** A newly accepted socket: write its attachment (it survives hibernation) and remember it. */
  add(ws: WebSocket, info: ConnInfo): void {
    ws.serializeAttachment(info);
    this.remember(ws, info);
  }

  /** The socket's connection id, or null for a socket the room closed or refused. */
  connId(ws: WebSocket): string | null {
    const known = this.connOf.get(ws);
    if (known !== undefined) return known;
    if (this.none.has(ws)) return null;
    // A socket this instance has not seen (it was accepted before a wake and the room was not rebuilt yet).
    const info = readAttachment(ws);
    this.remember(ws, info);
    return info === null ? null : info.connId;
  }

  socket(connId: string): WebSocket | undefined {
    return this.socketOf.get(connId);
  }

  /** The room closed this socket: clear its attachment (a rebuilt room must not readmit it) and forget it. */
  forget(ws: WebSocket): void {
    if (this.connOf.has(ws) || !this.none.has(ws)) ws.serializeAttachment(null);
    this.drop(ws);
  }

  /** The socket is gone (closed by its client, or errored): forget it without writing anything. */
  drop(ws: WebSocket): void {
    const connId = this.connOf.get(ws);
    if (connId !== undefined && this.socketOf.get(connId) === ws) this.socketOf.delete(connId);
    this.connOf.delete(ws);
    this.none.add(ws);
  }

  private remember(ws: WebSocket, info: ConnInfo | null): void {
    if (info === null) {
      this.none.add(ws);
      return;
    }
    this.none.delete(ws);
    this.connOf.set(ws, info.connId);
    this.socketOf.set(info.connId, ws);
  }
}
