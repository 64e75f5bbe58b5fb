/** Platform defaults looked up on `globalThis` at runtime, never imported, so the SDK runs in browsers and Node alike. */
import type { OnlineEventSource, TransportMode } from "./client-types";
import { globalStreamingFetch, httpTransport, type StreamingFetch } from "./http-transport";
import type { FetchLike } from "./ticket";
import type { Timers } from "./timers";
import { fallbackTransport, globalWebSocket, webSocketTransport, type TransportFactory, type TransportKind, type WebSocketConstructor } from "./transport";

export interface TransportChoice {
  readonly factory: TransportFactory;
  /** What the first attempt will use. */
  readonly initial: TransportKind;
}

const NO_WEBSOCKET = "EdgeroomClient: no WebSocket available; pass options.WebSocket (in Node 20: the `ws` package).";
const NO_FETCH = "EdgeroomClient: no fetch available for the HTTP transport; pass options.httpFetch.";

/** The transport to use for `options.transport` (default "auto"). Throws when what it needs is missing. */
export function resolveTransport(
  mode: TransportMode | TransportFactory | undefined,
  WebSocketImpl: WebSocketConstructor | undefined,
  httpFetch: StreamingFetch | undefined,
  timers: Timers,
): TransportChoice {
  if (typeof mode === "function") return { factory: mode, initial: "websocket" };
  const ws = WebSocketImpl ?? globalWebSocket();
  const fetch = httpFetch ?? globalStreamingFetch();
  const http = (f: StreamingFetch) => httpTransport({ fetch: f, timers });
  switch (mode ?? "auto") {
    case "websocket":
      if (!ws) throw new Error(NO_WEBSOCKET);
      return { factory: webSocketTransport(ws), initial: "websocket" };
    case "http":
      if (!fetch) throw new Error(NO_FETCH);
      return { factory: http(fetch), initial: "http" };
    case "auto":
      if (ws && fetch) return { factory: fallbackTransport(webSocketTransport(ws), http(fetch)), initial: "websocket" };
      if (ws) return { factory: webSocketTransport(ws), initial: "websocket" };
      if (fetch) return { factory: http(fetch), initial: "http" };
      throw new Error(NO_WEBSOCKET);
    default:
      throw new RangeError(`EdgeroomClient: options.transport must be "auto", "websocket", "http" or a TransportFactory; got ${String(mode)}.`);
  }
}

export function resolveFetch(fetch: FetchLike | undefined): FetchLike {
  const f = fetch ?? globalFetch();
  if (!f) throw new Error("EdgeroomClient: no fetch available; pass options.fetch.");
  return f;
}

export function globalFetch(): FetchLike | null {
  return typeof globalThis.fetch === "function" ? (url, init) => globalThis.fetch(url, init) : null;
}

/** In browsers the global object is `window`, which fires 'online'; elsewhere there is usually none. */
export function globalOnlineSource(): OnlineEventSource | null {
  const add: unknown = Reflect.get(globalThis, "addEventListener");
  const remove: unknown = Reflect.get(globalThis, "removeEventListener");
  if (typeof add !== "function") return null;
  return {
    addEventListener: (type, listener) => void Reflect.apply(add, globalThis, [type, listener]),
    removeEventListener: typeof remove === "function" ? (type, listener) => void Reflect.apply(remove, globalThis, [type, listener]) : undefined,
  };
}
