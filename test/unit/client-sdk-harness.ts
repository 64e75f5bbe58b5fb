/**
 * A scripted fake server for GameClient<unknown> unit tests: fake fetch (ticket
 * endpoint), fake WebSocket class, a fake HTTP fallback (event streams the
 * test writes to, POSTs it answers), manual timers. Tests wait on events the
 * client emits, or on sockets, streams and POSTs it creates: never on
 * wall-clock time.
 */
import { decodeClientFrame, encodeFrame, type ClientFrame, type RoomSnapshot, type ServerFrame, type WelcomeFrame } from "../../src/protocol";
import { sseEvent } from "../../src/room/host/sse-hub";
import {
  joinMatch,
  manualTimers,
  webSocketTransport,
  type ClientEvents,
  type ClientOptions,
  type GameClient,
  type FetchLike,
  type StreamingFetch,
  type StreamingResponse,
  type TransportContext,
  type WebSocketLike,
} from "../../src/client/internal";

type Listener = (ev: never) => void;

export class FakeSocket implements WebSocketLike {
  binaryType = "blob";
  readyState = 0;
  readonly sent: (string | Uint8Array)[] = [];
  readonly sentWhileClosing: (string | Uint8Array)[] = [];
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
    // A browser logs an error and drops the frame; recording it lets tests see the client tried.
    if (this.readyState >= 2) this.sentWhileClosing.push(data);
    if (this.throwOnSend) throw new Error("socket is broken");
    this.sent.push(data);
  }
  close(code?: number, reason?: string): void {
    this.readyState = 2;
    this.closedByClient = { code, reason };
  }

  // ---- the server side
  open(): void {
    this.readyState = 1;
    this.fire("open", {});
  }
  deliver(frame: ServerFrame): void {
    const bytes = encodeFrame(frame);
    this.fire("message", { data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
  }
  deliverRaw(data: unknown): void {
    this.fire("message", { data });
  }
  /** The server's close frame arrived; the close event has not been dispatched yet. */
  serverClosing(): void {
    this.readyState = 2;
  }
  serverClose(code: number, reason = ""): void {
    this.readyState = 3;
    this.fire("close", { code, reason });
  }
  fail(): void {
    this.readyState = 3;
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

let connCounter = 0;

/** One POST the client made to /send. */
export interface FakePost {
  readonly url: string;
  readonly conn: string | null;
  /** The Edgeroom-Send-Token header of the POST. */
  readonly sendToken: string | null;
  readonly contentType: string;
  readonly body: Uint8Array | string;
  /** The client read the answer (after which a transport has cleared the POST's timeout). */
  readonly consumed: boolean;
  /** Answer it (only needed when the stream's `autoReply` is off). */
  reply(status: number): void;
}

/**
 * One event stream the client opened (GET /sse), seen from the server: write
 * events to it, optionally cut into arbitrary chunks, and look at the POSTs
 * made for its connection.
 */
export class FakeSseStream {
  readonly posts: FakePost[] = [];
  /** How written bytes are cut into the chunks the client reads. Default: one chunk per write. */
  chunking: (bytes: Uint8Array) => Uint8Array[] = (b) => [b];
  /** Answer POSTs at once with the next of `sendStatuses` (else 204). Off: each waits for `reply`. */
  autoReply = true;
  readonly sendStatuses: number[] = [];
  conn: string | null = null;
  cancelled = false;
  aborted = false;
  readonly response: StreamingResponse;
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  private ended = false;
  private postWaiters: (() => void)[] = [];
  private consumedPosts = 0;

  constructor(
    readonly url: string,
    signal: AbortSignal | undefined,
    readonly status = 200,
  ) {
    const body = new ReadableStream<Uint8Array>({
      start: (c) => void (this.controller = c),
      cancel: () => void (this.cancelled = true),
    });
    this.response = { status, body, text: async () => "" };
    signal?.addEventListener("abort", () => {
      this.aborted = true;
      this.fail(new Error("aborted"));
    });
  }

  // ---- the server side
  open(conn = `00000000-0000-4000-8000-${String(++connCounter).padStart(12, "0")}`): void {
    this.conn = conn;
    this.event("open", JSON.stringify({ conn, sendToken: sendTokenFor(conn) }));
  }
  deliver(frame: ServerFrame): void {
    this.event("frame", Buffer.from(encodeFrame(frame)).toString("base64"));
  }
  pong(): void {
    this.event("pong", "pong");
  }
  /** A `close` event, then the end of the stream. */
  closeWith(code: number, reason = ""): void {
    this.event("close", JSON.stringify({ code, reason }));
    this.end();
  }
  event(name: string, data: string): void {
    this.write(sseEvent(name, data));
  }
  write(bytes: Uint8Array): void {
    if (this.ended) return;
    for (const chunk of this.chunking(bytes)) this.controller?.enqueue(chunk);
  }
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.controller?.close();
  }
  fail(err: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.controller?.error(err);
  }

  // ---- what the client sent
  receive(url: string, contentType: string, body: Uint8Array | string, signal: AbortSignal | undefined, sendToken: string | null = null): Promise<StreamingResponse> {
    return new Promise((resolve, reject) => {
      let answered = false;
      const post = {
        url,
        conn: new URL(url).searchParams.get("conn"),
        sendToken,
        contentType,
        body,
        consumed: false,
        reply: (status: number) => {
          if (answered) return;
          answered = true;
          resolve({
            status,
            body: null,
            text: async () => {
              post.consumed = true;
              this.notify();
              return status === 410 ? "Unknown or closed connection; reconnect." : "";
            },
          });
        },
      };
      signal?.addEventListener("abort", () => {
        if (answered) return;
        answered = true;
        reject(new Error("aborted"));
      });
      this.posts.push(post);
      this.notify();
      if (this.autoReply) post.reply(this.sendStatuses.shift() ?? 204);
    });
  }
  /** Every POST so far was answered and its answer read. */
  idle(): boolean {
    return this.posts.every((p) => p.consumed);
  }
  private notify(): void {
    const waiters = this.postWaiters;
    this.postWaiters = [];
    for (const w of waiters) w();
  }
  /** Resolve once `pred` holds, checked now and after every POST and every answer read. */
  until(pred: (s: FakeSseStream) => boolean): Promise<void> {
    if (pred(this)) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (pred(this)) resolve();
        else this.postWaiters.push(check);
      };
      this.postWaiters.push(check);
    });
  }
  /** The next POST (those already made first). */
  nextPost(): Promise<FakePost> {
    const take = (): FakePost => {
      const p = this.posts[this.consumedPosts++];
      if (!p) throw new Error("no post");
      return p;
    };
    if (this.posts.length > this.consumedPosts) return Promise.resolve(take());
    return new Promise((resolve) => this.postWaiters.push(() => resolve(take())));
  }
  /** Binary frames the client POSTed, decoded. */
  frames(): ClientFrame[] {
    return this.posts.flatMap((p) => {
      if (typeof p.body === "string") return [];
      const r = decodeClientFrame(p.body);
      if (!r.ok) throw new Error(`client sent an invalid frame: ${r.message}`);
      return [r.value];
    });
  }
  inputs(): Extract<ClientFrame, { id: number }>[] {
    return this.frames().filter((f): f is Extract<ClientFrame, { id: number }> => "id" in f);
  }
  pings(): number {
    return this.posts.filter((p) => p.body === "ping").length;
  }
  param(name: string): string | null {
    return new URL(this.url).searchParams.get(name);
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
  client: GameClient<unknown>;
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
  /** Event streams the client opened over the HTTP fallback. */
  streams: FakeSseStream[];
  /** HTTP statuses the event stream endpoint answers with, in order (then 200). */
  streamStatuses: number[];
  /** Requests to the HTTP fallback that matched no stream (e.g. a POST for an unknown connection). */
  strayRequests: string[];
  /** The next event stream the client opens (already opened ones first). */
  nextStream(): Promise<FakeSseStream>;
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
  const streams: FakeSseStream[] = [];
  const streamStatuses: number[] = [];
  const strayRequests: string[] = [];
  let consumedStreams = 0;
  let streamWaiters: (() => void)[] = [];
  const httpFetch: StreamingFetch = async (url, init) => {
    const u = new URL(url);
    if (init.method === "GET" && u.pathname.endsWith("/sse")) {
      const s = new FakeSseStream(url, init.signal, streamStatuses.shift() ?? 200);
      streams.push(s);
      const waiters = streamWaiters;
      streamWaiters = [];
      for (const w of waiters) w();
      return s.response;
    }
    const conn = u.searchParams.get("conn");
    const target = streams.find((s) => s.conn !== null && s.conn === conn);
    if (init.method === "POST" && u.pathname.endsWith("/send") && target) {
      return target.receive(url, init.headers["Content-Type"] ?? "", init.body ?? "", init.signal, init.headers["Edgeroom-Send-Token"] ?? null);
    }
    strayRequests.push(`${init.method} ${url}`);
    return { status: 410, body: null, text: async () => "" };
  };
  const wrapped = webSocketTransport(WS);
  const client = joinMatch({
    baseUrl: "http://rooms.test",
    matchId: "m1",
    getToken: async () => "player-token",
    WebSocket: WS,
    fetch,
    httpFetch,
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
    streams,
    streamStatuses,
    strayRequests,
    nextStream() {
      const take = (): FakeSseStream => {
        const s = streams[consumedStreams++];
        if (!s) throw new Error("no stream");
        return s;
      };
      if (streams.length > consumedStreams) return Promise.resolve(take());
      return new Promise((resolve) => streamWaiters.push(() => resolve(take())));
    },
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

/** Open the next event stream and welcome it; resolves once the client applied the welcome. */
export async function connectHttp(h: Harness, w: WelcomeFrame, conn?: string): Promise<FakeSseStream> {
  const s = await h.nextStream();
  const welcomed = h.until("welcome");
  s.open(conn);
  s.deliver(w);
  await welcomed;
  return s;
}

/** Cut `bytes` at the given offsets (sorted, deduplicated, within range). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.slice(prev, p));
    prev = p;
  }
  return out;
}

export function oneByteChunks(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (b) => Uint8Array.of(b));
}

/** The send token the fake stream hands out for a connection (43 characters, like the room's). */
export function sendTokenFor(conn: string): string {
  return `tok${conn.replace(/-/g, "")}`.padEnd(43, "x").slice(0, 43);
}
