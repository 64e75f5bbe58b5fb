/**
 * The HTTP fallback transport: server-sent events down, one POST per frame
 * up, carrying exactly the bytes a WebSocket would (docs/protocol.md §16).
 *
 * It plugs in behind the same `TransportFactory` interface as the WebSocket,
 * so everything above it (heartbeat, pacer, outbox re-send, resume, close
 * codes) is unchanged:
 *
 * - The stream is read with `fetch` and a streaming response body (Node 18+,
 *   every current browser), not EventSource, which cannot send headers,
 *   exposes no close event data and reconnects on its own.
 * - `open` is the socket's open; `frame` events are binary messages; `pong`
 *   answers a POSTed "ping"; a `close` event ends the connection with its
 *   code (terminal codes stop the client as they would over a WebSocket). A
 *   stream that ends without one is a 1006.
 * - Frames are POSTed strictly one at a time, each after the previous one was
 *   answered. The room processes a POST before answering it, so this keeps
 *   the order a WebSocket would: two POSTs in flight at once may overtake each
 *   other on separate HTTP connections, and an input processed before an
 *   earlier one would make the room treat the earlier one as a duplicate.
 *   Heartbeat pings carry no order and go at once, beside the queue.
 * - 410 means the room no longer knows the connection (it restarted, or the
 *   stream died): the transport closes with 1006 and the client reconnects
 *   with resume, like after a dropped socket. A POST that gets no answer
 *   within `sendTimeoutMs` does the same, so a stuck request cannot stall the
 *   queue forever behind a heartbeat that still looks healthy.
 */
import { encodeFrame } from "../protocol/codec";
import { ErrorCode } from "../protocol/codes";
import { MAX_CLIENT_FRAME_BYTES } from "../protocol/limits";
import { SEND_TOKEN_HEADER, SseParser, sseFrameBytes, type SseMessage } from "../protocol/sse";
import { httpEndpoints, type HttpEndpoints } from "./http-endpoints";
import { ABNORMAL, readClose, readOpen } from "./http-stream-events";
import { globalStreamingFetch, type StreamingFetch, type StreamingResponse } from "./streaming-fetch";
import { systemTimers, type TimerHandle, type Timers } from "./timers";
import type { Transport, TransportFactory, TransportHandlers } from "./transport";

export { httpEndpoints, type HttpEndpoints } from "./http-endpoints";
export { globalStreamingFetch, type StreamingFetch, type StreamingResponse } from "./streaming-fetch";

export interface HttpTransportOptions {
  /** Default `globalThis.fetch`. Must return a streaming `body` (Node 18+ and browsers do). */
  fetch?: StreamingFetch;
  /** Default: the platform's timers. */
  timers?: Timers;
  /** A POST unanswered after this long (ms) ends the connection with 1006. Default 10 000. */
  sendTimeoutMs?: number;
}

export const DEFAULT_SEND_TIMEOUT_MS = 10_000;

/** A TransportFactory over SSE + POST. It takes the ticket's WebSocket URL and derives both endpoints from it. */
export function httpTransport(options: HttpTransportOptions = {}): TransportFactory {
  const fetchImpl = options.fetch ?? globalStreamingFetch();
  if (!fetchImpl) throw new Error("httpTransport: no fetch available; pass options.fetch.");
  const timers = options.timers ?? systemTimers();
  const sendTimeoutMs = options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  if (!(sendTimeoutMs > 0)) throw new RangeError(`httpTransport: sendTimeoutMs must be positive; got ${sendTimeoutMs}.`);
  return (url, handlers) => {
    let endpoints: HttpEndpoints;
    try {
      endpoints = httpEndpoints(url);
    } catch (err) {
      // Reported like a WebSocket that could not be constructed: a failed open, asynchronously.
      let closed = false;
      const reason = err instanceof Error ? err.message : String(err);
      queueMicrotask(() => {
        if (!closed) handlers.onClose(ABNORMAL, reason);
      });
      return { kind: "http", send: () => undefined, close: () => void (closed = true) };
    }
    const conn = new HttpConnection(fetchImpl, timers, sendTimeoutMs, endpoints, handlers);
    conn.start();
    return conn;
  };
}

class HttpConnection implements Transport {
  readonly kind = "http";
  private done = false;
  private conn: string | null = null;
  /** From the open event; sent in a header with every POST, never in the URL. */
  private sendToken = "";
  /** Frames waiting for the POST before them to be answered. */
  private queue: Uint8Array<ArrayBuffer>[] = [];
  private posting = false;
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  private readonly aborts = new Set<AbortController>();
  private readonly timeouts = new Set<TimerHandle>();

  constructor(
    private readonly fetchImpl: StreamingFetch,
    private readonly timers: Timers,
    private readonly sendTimeoutMs: number,
    private readonly endpoints: HttpEndpoints,
    private readonly handlers: TransportHandlers,
  ) {}

  start(): void {
    void this.readStream();
  }

  send(data: Uint8Array | string): void {
    if (this.done || this.conn === null) return;
    if (typeof data === "string") {
      // The heartbeat: unordered, so it never waits behind frames (a stuck frame POST has its own timeout).
      void this.post(data, "text/plain; charset=utf-8");
      return;
    }
    // A copy (at most 1 KiB) on its own ArrayBuffer: a fetch body must not be a view into shared or reused memory.
    this.queue.push(new Uint8Array(data));
    void this.pump();
  }

  close(_code: number, _reason: string): void {
    // There is no close frame to send: dropping the stream is what tells the room we left.
    if (this.done) return;
    this.done = true;
    this.cleanup();
  }

  // ------------------------------------------------------------ downstream

  private async readStream(): Promise<void> {
    const abort = this.abortable();
    let res: StreamingResponse;
    try {
      res = await this.fetchImpl(this.endpoints.stream, { method: "GET", headers: { Accept: "text/event-stream" }, ...signal(abort) });
    } catch (err) {
      this.finish(ABNORMAL, `event stream request failed: ${errorText(err)}`);
      return;
    }
    const body = res.body;
    if (this.done) {
      void body?.cancel().catch(() => undefined);
      return;
    }
    if (res.status !== 200 || !body) {
      // Refused before the room (401 ticket, 403 origin, 429 attempts): like a WebSocket upgrade refused with HTTP, a 1006.
      const detail = await res.text().catch(() => "");
      this.finish(ABNORMAL, `event stream refused: HTTP ${res.status}${detail ? ` ${detail.slice(0, 80)}` : ""}`);
      return;
    }
    const reader = body.getReader();
    this.reader = reader;
    const parser = new SseParser();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (this.done) return;
        if (done) break;
        for (const message of parser.push(value)) {
          this.onEvent(message);
          if (this.done) return;
        }
      }
    } catch (err) {
      this.finish(ABNORMAL, `event stream failed: ${errorText(err)}`);
      return;
    }
    this.finish(ABNORMAL, "event stream ended without a close event");
  }

  private onEvent(m: SseMessage): void {
    switch (m.event) {
      case "open": {
        if (this.conn !== null) return;
        const open = readOpen(m.data);
        if (open === null) {
          this.finish(ABNORMAL, "event stream sent an unreadable open event");
          return;
        }
        this.conn = open.conn;
        this.sendToken = open.sendToken;
        this.handlers.onOpen();
        return;
      }
      case "frame":
        // Invalid base64 is passed on as empty bytes, which the client reports as an undecodable frame.
        this.handlers.onMessage(sseFrameBytes(m.data) ?? new Uint8Array(0));
        return;
      case "pong":
      case "text":
        this.handlers.onMessage(m.data);
        return;
      case "close": {
        const info = readClose(m.data);
        this.finish(info.code, info.reason);
        return;
      }
      default:
        // Unknown events are ignored, as EventSource does: room for later additions.
        return;
    }
  }

  // ------------------------------------------------------------ upstream

  /** POST queued frames one at a time, in order. */
  private async pump(): Promise<void> {
    if (this.posting) return;
    this.posting = true;
    try {
      for (let next = this.queue.shift(); next && !this.done; next = this.queue.shift()) {
        if (!(await this.post(next, "application/msgpack"))) return;
      }
    } finally {
      this.posting = false;
    }
  }

  /** One POST; false when it ended the connection. */
  private async post(body: Uint8Array<ArrayBuffer> | string, contentType: string): Promise<boolean> {
    const conn = this.conn;
    if (this.done || conn === null) return false;
    const abort = this.abortable();
    const timeout = this.timers.setTimeout(() => {
      this.timeouts.delete(timeout);
      abort?.abort();
      this.finish(ABNORMAL, `send not answered within ${this.sendTimeoutMs} ms`);
    }, this.sendTimeoutMs);
    this.timeouts.add(timeout);
    const answered = () => {
      this.timers.clearTimeout(timeout);
      this.timeouts.delete(timeout);
    };
    let status: number;
    try {
      const res = await this.fetchImpl(this.endpoints.send(conn), { method: "POST", headers: { "Content-Type": contentType, [SEND_TOKEN_HEADER]: this.sendToken }, body, ...signal(abort) });
      answered();
      status = res.status;
      // Read the (empty or short) body so the HTTP connection is released for the next request.
      await res.text().catch(() => "");
    } catch (err) {
      this.finish(ABNORMAL, `send failed: ${errorText(err)}`);
      return false;
    } finally {
      answered();
      if (abort) this.aborts.delete(abort);
    }
    if (this.done) return false;
    if (status >= 200 && status < 300) return true;
    if (status === 410) {
      this.finish(ABNORMAL, "the room no longer knows this connection (HTTP 410)");
      return false;
    }
    if (status === 413 && typeof body !== "string") {
      // The worker refuses an oversized frame before the room sees it; report it as the room would over a WebSocket.
      this.handlers.onMessage(
        encodeFrame({ t: "error", code: ErrorCode.FRAME_TOO_LARGE, message: `Frame of ${body.byteLength} bytes exceeds the ${MAX_CLIENT_FRAME_BYTES}-byte limit.`, id: null }),
      );
      return true;
    }
    this.finish(ABNORMAL, `send refused: HTTP ${status}`);
    return false;
  }

  // ------------------------------------------------------------ lifecycle

  private finish(code: number, reason: string): void {
    if (this.done) return;
    this.done = true;
    this.cleanup();
    this.handlers.onClose(code, reason);
  }

  private cleanup(): void {
    this.queue = [];
    for (const t of this.timeouts) this.timers.clearTimeout(t);
    this.timeouts.clear();
    const reader = this.reader;
    this.reader = null;
    if (reader) void reader.cancel().catch(() => undefined);
    for (const a of this.aborts) a.abort();
    this.aborts.clear();
  }

  private abortable(): AbortController | null {
    if (typeof AbortController !== "function") return null;
    const a = new AbortController();
    this.aborts.add(a);
    return a;
  }
}

function signal(abort: AbortController | null): { signal?: AbortSignal } {
  return abort ? { signal: abort.signal } : {};
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
