/**
 * A scripted fake server for EdgeroomClient unit tests: fake fetch (ticket
 * endpoint), fake WebSocket class, manual timers. Tests wait on events the
 * client emits or on sockets it creates: never on wall-clock time.
 */
import { decodeClientFrame, encodeFrame, type ClientFrame, type RoomSnapshot, type ServerFrame, type WelcomeFrame } from "../../src/protocol";
import { joinMatch, manualTimers, webSocketTransport, type ClientEvents, type ClientOptions, type EdgeroomClient, type FetchLike, type TransportContext, type WebSocketLike } from "../../src/client";

type Listener = (ev: never) => void;

export class FakeSocket implements WebSocketLike {
  binaryType = "blob";
  readonly sent: (string | Uint8Array)[] = [];
  closedByClient: { code: number | undefined; reason: string | undefined } | null = null;
  private readonly listeners = new Map<string, ((ev: unknown) => void)[]>();

  constructor(readonly url: string) {}

  addEventListener(type: string, fn: Listener): void {
    const list = this.listeners.get(type) ?? [];
    list.push(fn as (ev: unknown) => void);
    this.listeners.set(type, list);
  }
  /** Make `send` throw, as a socket in a broken state may. */
  throwOnSend = false;

  send(data: Uint8Array | string): void {
    if (this.throwOnSend) throw new Error("socket is broken");
    this.sent.push(data);
  }
  close(code?: number, reason?: string): void {
    this.closedByClient = { code, reason };
  }

  // ---- the server side
  open(): void {
    this.fire("open", {});
  }
  deliver(frame: ServerFrame): void {
    const bytes = encodeFrame(frame);
    this.fire("message", { data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
  }
  deliverRaw(data: unknown): void {
    this.fire("message", { data });
  }
  serverClose(code: number, reason = ""): void {
    this.fire("close", { code, reason });
  }
  fail(): void {
    this.fire("error", {});
    this.fire("close", { code: 1006, reason: "" });
  }
  /** Binary frames the client sent, decoded. */
  frames(): ClientFrame[] {
    return this.sent.flatMap((d) => {
      if (typeof d === "string") return [];
      const r = decodeClientFrame(d);
      if (!r.ok) throw new Error(`client sent an invalid frame: ${r.message}`);
      return [r.value];
    });
  }
  inputs(): Extract<ClientFrame, { id: number }>[] {
    return this.frames().filter((f): f is Extract<ClientFrame, { id: number }> => "id" in f);
  }
  param(name: string): string | null {
    return new URL(this.url).searchParams.get(name);
  }

  private fire(type: string, ev: unknown): void {
    for (const fn of this.listeners.get(type) ?? []) fn(ev);
  }
}

export function room(over: Partial<RoomSnapshot> = {}): RoomSnapshot {
  return { matchId: "m1", game: "connect-four", mode: "pvp", status: "playing", round: 1, seats: [], turn: 0, turnDeadline: null, result: null, commitment: null, view: {}, ...over };
}

export function welcome(over: Partial<WelcomeFrame> = {}): WelcomeFrame {
  return {
    t: "welcome",
    v: 1,
    seq: 0,
    serverTime: 1_000_000,
    matchId: "m1",
    you: { playerId: "p1", name: "Alice", seat: 0, role: "player" },
    lastInputId: 0,
    heartbeat: { pingIntervalMs: 5000, timeoutMs: 15_000 },
    limits: { maxFrameBytes: 1024, burst: 30, perSecond: 10 },
    session: "s1",
    resume: { status: "none", fromSeq: null },
    replay: [],
    critical: [],
    stateHash: "00000000",
    room: room(),
    ...over,
  };
}

export interface Harness {
  client: EdgeroomClient;
  timers: ReturnType<typeof manualTimers>;
  sockets: FakeSocket[];
  requests: { url: string; headers: Record<string, string>; body: string }[];
  /** HTTP statuses the ticket endpoint answers with, in order (then 200). */
  ticketStatuses: number[];
  online: { fire(): void };
  /** The context every transport was created with (only with `recordContexts`). */
  contexts: TransportContext[];
  /** The next socket the client opens (already created ones first). */
  nextSocket(): Promise<FakeSocket>;
  /** Resolve with the first event of `name` (from now on) matching `pred`. */
  until<K extends keyof ClientEvents>(name: K, pred?: (payload: ClientEvents[K]) => boolean): Promise<ClientEvents[K]>;
  /** Record every event of `name`. */
  record<K extends keyof ClientEvents>(name: K): ClientEvents[K][];
}

export function harness(over: Partial<ClientOptions> = {}, recordContexts = false): Harness {
  const timers = manualTimers(1_000_000);
  const sockets: FakeSocket[] = [];
  const requests: Harness["requests"] = [];
  const ticketStatuses: number[] = [];
  let consumed = 0;
  let socketWaiters: (() => void)[] = [];
  let onlineListener: (() => void) | null = null;

  const fetch: FetchLike = async (url, init) => {
    requests.push({ url, headers: init.headers, body: init.body });
    const status = ticketStatuses.shift() ?? 200;
    const n = requests.length;
    return {
      status,
      json: async () => (status === 200 ? { ticket: `t${n}`, expiresAt: 0, url: `ws://rooms.test/api/matches/m1/ws?ticket=t${n}&v=1` } : { error: { code: "X", message: `status ${status}` } }),
      text: async () => "",
    };
  };
  class WS extends FakeSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
      const waiters = socketWaiters;
      socketWaiters = [];
      for (const w of waiters) w();
    }
  }
  const contexts: TransportContext[] = [];
  const wrapped = webSocketTransport(WS);
  const client = joinMatch({
    baseUrl: "http://rooms.test",
    matchId: "m1",
    getToken: async () => "player-token",
    WebSocket: WS,
    fetch,
    timers,
    backoff: { random: () => 0 },
    onlineEvents: { addEventListener: (_type, fn) => void (onlineListener = fn), removeEventListener: () => void (onlineListener = null) },
    // Through the transport extension point, recording what each attempt is told.
    ...(recordContexts
      ? {
          transport: (url: string, handlers: Parameters<typeof wrapped>[1], context: TransportContext) => {
            contexts.push(context);
            return wrapped(url, handlers, context);
          },
        }
      : {}),
    ...over,
  });
  const h: Harness = {
    client,
    timers,
    sockets,
    requests,
    ticketStatuses,
    online: { fire: () => onlineListener?.() },
    contexts,
    nextSocket() {
      const take = (): FakeSocket => {
        const s = sockets[consumed++];
        if (!s) throw new Error("no socket");
        return s;
      };
      if (sockets.length > consumed) return Promise.resolve(take());
      return new Promise((resolve) => socketWaiters.push(() => resolve(take())));
    },
    until(name, pred = () => true) {
      return new Promise((resolve) => {
        const off = client.on(name, (payload) => {
          if (!pred(payload)) return;
          off();
          resolve(payload);
        });
      });
    },
    record(name) {
      const seen: ClientEvents[typeof name][] = [];
      client.on(name, (p) => seen.push(p));
      return seen;
    },
  };
  return h;
}

/** Open the next socket and welcome it. */
export async function connectWith(h: Harness, w: WelcomeFrame): Promise<FakeSocket> {
  const s = await h.nextSocket();
  s.open();
  s.deliver(w);
  return s;
}
