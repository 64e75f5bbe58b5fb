/** Platform defaults looked up on `globalThis` at runtime, never imported, so the SDK runs in browsers and Node alike. */
import type { OnlineEventSource } from "./client-types";
import type { FetchLike } from "./ticket";
import { globalWebSocket, webSocketTransport, type TransportFactory, type WebSocketConstructor } from "./transport";

/** The transport to use: an explicit factory, else a WebSocket class (given or global). Throws when there is none. */
export function resolveTransport(transport: TransportFactory | undefined, WebSocketImpl: WebSocketConstructor | undefined): TransportFactory {
  if (transport) return transport;
  const ws = WebSocketImpl ?? globalWebSocket();
  if (!ws) throw new Error("EdgeroomClient: no WebSocket available; pass options.WebSocket (in Node 20: the `ws` package).");
  return webSocketTransport(ws);
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
