/**
 * The HTTP fallback transport, for networks where WebSockets cannot be
 * established: server-sent events down, POST up, carrying the very same
 * msgpack frames (base64 in SSE `data:` lines) and the same guarantees.
 *
 * SSE streams are plain responses held open by the room, so unlike
 * hibernatable sockets they keep the object awake and die with the instance;
 * the client sees the stream end and reconnects with resume.
 */
export const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-store",
  "X-Accel-Buffering": "no",
} as const;

const encoder = new TextEncoder();

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** One SSE event. `event` names: open, frame (default), pong, close. */
export function sseEvent(event: string, data: string): Uint8Array {
  return encoder.encode(`event: ${event}\ndata: ${data}\n\n`);
}

/** 32 random bytes, base64url (43 characters). */
function newSendToken(): string {
  let s = "";
  for (const b of crypto.getRandomValues(new Uint8Array(32))) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Constant-time comparison of two strings of equal length (tokens are fixed-length). */
function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** An open fallback stream: its writer and the token its POSTs must carry. */
interface OpenStream {
  readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly token: string;
}

export class SseHub {
  /**
   * Made on the first stream: almost every room has none, and an empty Map is still two objects
   * that every full collection marks in every room (issue 12).
   */
  private streams: Map<string, OpenStream> | null = null;

  constructor(private readonly onGone: (connId: string) => void) {}

  /**
   * Open a stream for a connection. The first event tells the client its connection id and a send
   * token; POSTs must carry the token in a header (the id alone is in URLs, hence in logs).
   */
  open(connId: string): Response {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    const sendToken = newSendToken();
    this.streams ??= new Map();
    this.streams.set(connId, { writer, token: sendToken });
    writer.closed.then(
      () => this.drop(connId),
      () => this.drop(connId),
    );
    void writer.write(sseEvent("open", JSON.stringify({ conn: connId, sendToken })));
    return new Response(readable, { status: 200, headers: SSE_HEADERS });
  }

  /** A stream that refuses a connection: one close event, then the end. */
  static refused(code: number, reason: string): Response {
    return new Response(sseEvent("close", JSON.stringify({ code, reason })), { status: 200, headers: SSE_HEADERS });
  }

  has(connId: string): boolean {
    return this.streams !== null && this.streams.has(connId);
  }

  /** Whether `token` is this open connection's send token. */
  authorized(connId: string, token: string): boolean {
    const open = this.streams?.get(connId);
    return open !== undefined && sameToken(open.token, token);
  }

  send(connId: string, data: Uint8Array | string): boolean {
    // Every frame of every WebSocket connection asks here first; with no stream open (the usual case)
    // that is no hashing of the connection id (four snapshot frames per room-tick, issue 12).
    if (this.streams === null || this.streams.size === 0) return false;
    const open = this.streams.get(connId);
    if (!open) return false;
    const chunk = typeof data === "string" ? sseEvent(data === "pong" ? "pong" : "text", data) : sseEvent("frame", base64(data));
    open.writer.write(chunk).catch(() => this.drop(connId));
    return true;
  }

  close(connId: string, code: number, reason: string): boolean {
    if (this.streams === null || this.streams.size === 0) return false;
    const open = this.streams.get(connId);
    if (!open) return false;
    this.streams.delete(connId);
    const w = open.writer;
    void w
      .write(sseEvent("close", JSON.stringify({ code, reason })))
      .then(() => w.close())
      .catch(() => undefined);
    return true;
  }

  private drop(connId: string): void {
    if (this.streams === null || !this.streams.delete(connId)) return;
    this.onGone(connId);
  }
}
