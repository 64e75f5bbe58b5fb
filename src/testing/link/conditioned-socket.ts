/**
 * The client end of one conditioned WebSocket: the part of the WHATWG API the
 * SDK uses, with every frame travelling through the link's delay in order (one
 * TCP stream never reorders), the handshake costing a round trip, and a drop
 * severing the stream the way a dead network path does.
 */
import type { WebSocketLike } from "../../client/transport";

type Listener = (ev: never) => void;

export type SocketState = "connecting" | "open" | "closing" | "closed";

/** What a socket needs of its link: scheduling in each direction, and the server side. */
export interface SocketLink {
  /** The socket was created: start the handshake. */
  opened(socket: ConditionedSocket): void;
  /** The client sent a frame. */
  sent(socket: ConditionedSocket, data: Uint8Array | string): void;
  /** The client closed the socket. */
  closedByClient(socket: ConditionedSocket, code: number, reason: string): void;
}

const READY_STATE: Record<SocketState, number> = { connecting: 0, open: 1, closing: 2, closed: 3 };

export class ConditionedSocket implements WebSocketLike {
  binaryType = "blob";
  state: SocketState = "connecting";
  /** The room's id for this connection, once the handshake reached it. */
  connId: string | null = null;
  /** The path died: nothing more travels in either direction (stragglers excepted, see the link). */
  severed = false;
  /** Times the last frame in each direction is delivered: later frames never overtake them. */
  upAt = 0;
  downAt = 0;
  private readonly listeners = new Map<string, ((ev: unknown) => void)[]>();

  get readyState(): number {
    return READY_STATE[this.state];
  }

  constructor(
    readonly url: string,
    private readonly link: SocketLink,
  ) {
    link.opened(this);
  }

  addEventListener(type: string, fn: Listener): void {
    const list = this.listeners.get(type) ?? [];
    // Listener parameter types differ per event name; every caller receives the event it registered for.
    list.push(fn as (ev: unknown) => void);
    this.listeners.set(type, list);
  }

  send(data: Uint8Array | string): void {
    // As in browsers: sending before the open event is a programming error, after close a no-op.
    if (this.state === "connecting") throw new Error("InvalidStateError: the socket is still connecting");
    if (this.state !== "open" || this.severed) return;
    this.link.sent(this, typeof data === "string" ? data : data.slice());
  }

  close(code = 1000, reason = ""): void {
    if (this.state === "closing" || this.state === "closed") return;
    this.state = "closing";
    this.link.closedByClient(this, code, reason);
  }

  /** Server side: the handshake completed. */
  fireOpen(): void {
    if (this.state !== "connecting") return;
    this.state = "open";
    this.fire("open", {});
  }

  /** Server side: a binary frame (as ArrayBuffer, the SDK asks for binaryType "arraybuffer") or a text frame. */
  fireMessage(data: Uint8Array | string): void {
    if (this.state !== "open") return;
    this.fire("message", { data: typeof data === "string" ? data : data.slice().buffer });
  }

  fireClose(code: number, reason: string, error = false): void {
    if (this.state === "closed") return;
    this.state = "closed";
    if (error) this.fire("error", {});
    this.fire("close", { code, reason });
  }

  param(name: string): string | null {
    return new URL(this.url).searchParams.get(name);
  }

  private fire(type: string, ev: unknown): void {
    for (const fn of this.listeners.get(type) ?? []) fn(ev);
  }
}
