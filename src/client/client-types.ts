/** Options, events and input outcomes of the Edgeroom client: its typed public surface. */
import type { GameEventSchema, RoomSnapshot, SnapFrame, WelcomeFrame } from "../protocol/schemas";
import type * as z from "zod";
import type { BackoffOptions } from "./backoff";
import type { ClockSyncOptions } from "./clock";
import type { ConnectionState } from "./connection-state";
import type { WelcomePlan } from "./ordering";
import type { OutboxCommand } from "./outbox";
import type { KeyValueStore } from "./store";
import type { StreamingFetch } from "./http-transport";
import type { FetchLike } from "./ticket";
import type { Timers } from "./timers";
import type { TransportFactory, TransportKind, WebSocketConstructor } from "./transport";

export type GameEvent = z.infer<typeof GameEventSchema>;

/** Something with `addEventListener("online", …)`: `window` in browsers. */
/** See `ClientOptions.transport`. */
export type TransportMode = "auto" | "websocket" | "http";

export interface OnlineEventSource {
  addEventListener(type: "online", listener: () => void): void;
  removeEventListener?(type: "online", listener: () => void): void;
}

export interface ClientOptions {
  /** Origin of the Edgeroom API, e.g. "https://rooms.example.com". */
  baseUrl: string;
  matchId: string;
  /** Async credential provider, called before every connection attempt (tickets are single-use). */
  getToken: () => Promise<string>;
  /** Default "player". */
  role?: "player" | "spectator";
  /** WebSocket implementation. Default `globalThis.WebSocket`; in Node 20 pass `ws`'s WebSocket. */
  WebSocket?: WebSocketConstructor;
  /**
   * How frames travel. Default "auto": WebSockets, switching for good to the
   * HTTP fallback (server-sent events down, POST up) after
   * `maxEstablishFailures` consecutive attempts never got a WebSocket open
   * (the 'fallback' event says so), or from the start when the platform has
   * no WebSocket. "websocket" / "http": only that one. A TransportFactory
   * replaces both (extension point).
   */
  transport?: TransportMode | TransportFactory;
  /** Default `globalThis.fetch`. Used for join tickets. */
  fetch?: FetchLike;
  /** Fetch for the HTTP fallback transport; must stream response bodies. Default `globalThis.fetch`. */
  httpFetch?: StreamingFetch;
  /** Persists the outbox (e.g. `localStorageStore()`). Default none: pending inputs live in memory only. */
  store?: KeyValueStore | null;
  /** Store key. Default `edgeroom:outbox:<matchId>:<role>`. */
  storeKey?: string;
  /** Default: the platform's setTimeout/clearTimeout/Date.now. */
  timers?: Timers;
  backoff?: BackoffOptions;
  /** Consecutive attempts that never opened a socket before 'transportBlocked'. Default 5. */
  maxEstablishFailures?: number;
  /** A socket not open after this long (ms) counts as a failed attempt. Default 10 000. */
  connectTimeoutMs?: number;
  /** Heartbeat: declare the link dead this long (ms, ≤ 5000) after an unanswered ping. Default: the room's welcome.heartbeat.pongTimeoutMs (2 000), or 5000 with rooms that announce none. */
  deadAfterMs?: number;
  /** Most unsettled inputs at once (1…32). Default 32. */
  outboxCapacity?: number;
  /** Retry at once when this fires 'online'. Default `globalThis` if it has addEventListener (browsers); null disables. */
  onlineEvents?: OnlineEventSource | null;
  /** Clock syncs sent right after each welcome (default 3) and the interval between later ones (default 15 000 ms). */
  clockSync?: ClockSyncOptions;
}

/** One update applied in order. */
export interface AppliedUpdate {
  readonly seq: number;
  readonly events: readonly GameEvent[];
  readonly critical: boolean;
  /** "live" from an update frame; "replay" from a resumed welcome's journal. */
  readonly source: "live" | "replay";
  /**
   * The room after this update. Replayed updates have no snapshot of their
   * own (the journal keeps only events): null for all but the last one,
   * which carries `welcome.room`.
   */
  readonly room: RoomSnapshot | null;
}

export interface WelcomeEvent {
  readonly frame: WelcomeFrame;
  /**
   * "fresh": first connection (start from frame.room). "replayed": resumed;
   * the missed updates were emitted as 'update' events just before this.
   * "snapshot": resumed but the gap could not be replayed: reset from frame.room.
   */
  readonly plan: WelcomePlan;
}

export interface CriticalEvent {
  readonly seq: number;
  readonly events: readonly GameEvent[];
}

/** How an input ended. `send()` always resolves with one of these; it never rejects. */
export type InputOutcome =
  /**
   * Turn-based: applied (`seq` names its update). Real-time: admitted, scheduled for `tick`; applied iff the
   * round reaches it, durable once `snap.dur` covers the id (the 'durable' event), and if the round ends first
   * a 'gameError' event ROUND_ENDED follows for the same id.
   */
  | { readonly ok: true; readonly kind: "ack"; readonly id: number; readonly seq: number | null; readonly tick?: number; readonly dup: boolean; readonly command: OutboxCommand }
  | { readonly ok: false; readonly kind: "gameError"; readonly id: number; readonly code: string; readonly message: string; readonly dup: boolean; readonly command: OutboxCommand }
  /**
   * The room could not read the frame (an `error` frame naming this id), or the client found before
   * sending that it would not (too large, too deep, not a valid frame: `id` null, nothing was sent).
   * Nothing changed.
   */
  | { readonly ok: false; readonly kind: "invalid"; readonly id: number | null; readonly code: string; readonly message: string; readonly command: OutboxCommand }
  /** Not queued: too many inputs await the server. Nothing was sent. */
  | { readonly ok: false; readonly kind: "outboxFull"; readonly id: null; readonly code: "OUTBOX_FULL"; readonly message: string; readonly command: OutboxCommand }
  /** The client closed for good before the room settled it; it may or may not have been applied. */
  | { readonly ok: false; readonly kind: "closed"; readonly id: number | null; readonly code: "CLIENT_CLOSED"; readonly message: string; readonly command: OutboxCommand };

export type ClientError =
  /** An `error` frame from the room (bad frame, rate limit). */
  | { readonly kind: "server"; readonly code: string; readonly message: string; readonly id: number | null }
  /** A frame that did not decode; it was dropped and counted. */
  | { readonly kind: "decode"; readonly code: string; readonly message: string }
  /** Minting a ticket failed (retried unless terminal; see the 'state' event). */
  | { readonly kind: "ticket"; readonly status: number | null; readonly message: string }
  /** The outbox store failed or held invalid data; the client carries on in memory. */
  | { readonly kind: "store"; readonly message: string };

export interface ClientEvents {
  state: ConnectionState;
  welcome: WelcomeEvent;
  update: AppliedUpdate;
  ack: Extract<InputOutcome, { kind: "ack" }>;
  gameError: Extract<InputOutcome, { kind: "gameError" }>;
  /** Real-time games: admitted inputs a `snap.dur` showed applied and durable, dropped from the outbox. */
  durable: { readonly through: number; readonly ids: readonly number[] };
  error: ClientError;
  critical: CriticalEvent;
  /**
   * A real-time snapshot (`snap`, docs/protocol.md §14), after this connection's welcome. Every
   * connection's stream starts over with a keyframe (`key: true`) following its `welcome` event;
   * feed them to `SnapshotStream` (client/realtime) to rebuild the full state from deltas.
   */
  snap: SnapFrame;
  /** Consecutive attempts (`failures`) never got a transport open. Fires again if it happens again later. */
  transportBlocked: { readonly failures: number };
  /**
   * WebSockets are blocked on this network: after `failures` consecutive
   * attempts never opened one, the client switched to the HTTP fallback and
   * stays on it (`client.transport` is "http", `client.webSocketsBlocked`
   * true). Fires once, from the attempt that first uses the fallback.
   */
  fallback: FallbackEvent;
}

export interface FallbackEvent {
  readonly from: TransportKind;
  readonly to: TransportKind;
  readonly failures: number;
}

export interface ClientStats {
  /** Frames that failed to decode (reported via 'error'). */
  undecodableFrames: number;
  /** Updates dropped because their seq was already applied. */
  duplicateUpdates: number;
  /** Gaps detected (each triggered a resync). */
  gaps: number;
  /** Socket connections attempted. */
  connections: number;
  /** Settles (ack/gameError) for ids not pending, e.g. a second dup ack. */
  straySettles: number;
}
