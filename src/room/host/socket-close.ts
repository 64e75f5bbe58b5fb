/** Closing and refusing sockets without throwing, and reading the identity header. */
export function closeQuietly(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed or closing.
  }
}

/** Reciprocate a client's close frame (required with hibernation); reserved codes cannot be sent back. */
export function answerClose(ws: WebSocket, code: number): void {
  closeQuietly(ws, code === 1005 || code === 1006 || code === 1015 ? 1000 : code, "closing");
}

export function safeJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Refuses an upgrade with a close code, without admitting the socket to the room.
 *
 * The one place a socket is accepted outside the Hibernation API, on purpose: the socket never joins the
 * room, never receives a game frame and lives for one close frame. workerd keeps the TCP connection of a
 * hibernatable socket open until the object hibernates, even after the close handshake (measured locally:
 * 10 s after `close()`), so a refused client would wait that long to see its terminal close code; a
 * plainly accepted socket is closed right after the handshake.
 */
export function refuseSocket(server: WebSocket, code: number, reason: string): void {
  server.accept();
  server.close(code, reason);
}
