/**
 * The socket the client talks through, behind a three-callback interface.
 *
 * The client only ever uses a `TransportFactory`. Two are built in: the
 * WebSocket one here and the HTTP fallback (SSE down, POST up) in
 * http-transport.ts. `fallbackTransport` combines them: WebSockets until
 * `context.transportBlocked` says repeated attempts never got one open (see
 * connection-state.ts), then the fallback for good. That is what
 * `transport: "auto"` (the default) uses; a custom factory can still be
 * passed as `options.transport`.
 */

export type TransportData = ArrayBuffer | ArrayBufferView | string;

export interface TransportHandlers {
  onOpen(): void;
  onMessage(data: TransportData): void;
  /** Called exactly once, whether the socket failed to open, was closed by either side, or errored. */
  onClose(code: number, reason: string): void;
}

export type TransportKind = "websocket" | "http";

export interface Transport {
  /** What carries the frames. Custom transports that leave it out count as "websocket". */
  readonly kind?: TransportKind;
  send(data: Uint8Array | string): void;
  /** Close and detach: after this no handler is called again. */
  close(code: number, reason: string): void;
}

export interface TransportContext {
  /** Consecutive attempts failed to open any socket (the client emitted 'transportBlocked'). */
  readonly transportBlocked: boolean;
  readonly attempt: number;
}

export type TransportFactory = (url: string, handlers: TransportHandlers, context: TransportContext) => Transport;

/** The part of the WHATWG WebSocket API the client uses (browsers, Node's `ws`, undici, Deno, Bun). */
export interface WebSocketLike {
  binaryType: string;
  /** 0 connecting, 1 open, 2 closing, 3 closed (the WHATWG constants). */
  readonly readyState: number;
  send(data: Uint8Array | string): void;
  close(code?: number, reason?: string): void;
  // Listener methods (not on* properties): method parameters are checked bivariantly, so the
  // DOM's and `ws`'s richer event types both fit without casts.
  addEventListener(type: "open", listener: () => void): void;
  addEventListener(type: "message", listener: (ev: { readonly data: unknown }) => void): void;
  addEventListener(type: "close", listener: (ev: { readonly code: number; readonly reason: string }) => void): void;
  addEventListener(type: "error", listener: () => void): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

const WS_CLOSING = 2;

/** A TransportFactory over a WebSocket implementation (binary frames as ArrayBuffer). */
export function webSocketTransport(WebSocketImpl: WebSocketConstructor): TransportFactory {
  return (url, handlers) => {
    let done = false;
    const finish = (code: number, reason: string) => {
      if (done) return;
      done = true;
      handlers.onClose(code, reason);
    };
    let ws: WebSocketLike;
    try {
      ws = new WebSocketImpl(url);
    } catch (err) {
      // A malformed URL or a blocked scheme throws synchronously; report it as a failed open, asynchronously like a real close.
      const reason = err instanceof Error ? err.message : String(err);
      queueMicrotask(() => finish(1006, reason));
      return { kind: "websocket", send: () => undefined, close: () => void (done = true) };
    }
    ws.binaryType = "arraybuffer";
    // Listeners stay attached; the `done` flag is what detaches us (removeEventListener would need the same overloads again).
    ws.addEventListener("open", () => {
      if (!done) handlers.onOpen();
    });
    ws.addEventListener("message", (ev) => {
      if (done) return;
      const data = ev.data;
      if (typeof data === "string" || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) handlers.onMessage(data);
      // Anything else (a Blob, if binaryType was ignored) is reported as an undecodable frame.
      else handlers.onMessage(`<unsupported ${Object.prototype.toString.call(data)} frame>`);
    });
    ws.addEventListener("close", (ev) => finish(ev.code, ev.reason));
    // An error is always followed by close in the spec, but not in every implementation: finish now.
    ws.addEventListener("error", () => finish(1006, "WebSocket error"));
    return {
      kind: "websocket",
      send: (data) => {
        // Closing (the peer's close frame arrived, its close event has not run yet) or closed: the close
        // event is on its way and ends the link. Browsers only log "WebSocket is already in CLOSING or
        // CLOSED state" for such a send and drop the frame; unacknowledged inputs are resent on resume.
        if (done || ws.readyState >= WS_CLOSING) return;
        try {
          ws.send(data);
        } catch (err) {
          // A socket that refuses to send is unusable: end it like a failure, but not from inside the caller's send().
          const reason = `send failed: ${err instanceof Error ? err.message : String(err)}`;
          queueMicrotask(() => finish(1006, reason));
        }
      },
      close: (code, reason) => {
        if (done) return;
        done = true;
        try {
          ws.close(code, reason);
        } catch {
          // Not open yet or already closing: nothing left to do.
        }
      },
    };
  };
}

/**
 * `primary` until an attempt is made with `context.transportBlocked` (the
 * client saw `maxEstablishFailures` consecutive attempts that never opened),
 * then `fallback` for every later attempt. The choice is remembered here
 * because the client clears `transportBlocked` as soon as any transport
 * opens: without the memory, the attempt after a dropped fallback connection
 * would go back to the blocked primary and start counting failures again.
 */
export function fallbackTransport(primary: TransportFactory, fallback: TransportFactory): TransportFactory {
  let fellBack = false;
  return (url, handlers, context) => {
    if (context.transportBlocked) fellBack = true;
    return (fellBack ? fallback : primary)(url, handlers, context);
  };
}

/** `globalThis.WebSocket` when the platform has one (browsers, Node 22+, Deno, Bun). */
export function globalWebSocket(): WebSocketConstructor | null {
  const candidate: unknown = Reflect.get(globalThis, "WebSocket");
  // A runtime global has no static type; the check is that it is a constructor at all.
  return typeof candidate === "function" ? (candidate as WebSocketConstructor) : null;
}
