/**
 * Harness of the fault-injection suite (test/e2e/faults-*.test.ts): the worker
 * in workerd, started through miniflare's API (worker-server.ts), that can be
 * killed and restarted on the same persisted state, and SDK
 * clients that each reach it through their own seeded FaultProxy.
 *
 * - HTTP (guest, tickets, status, replay) goes straight to the current
 *   server: the clients use a placeholder base URL that `FaultStack.fetch`
 *   resolves at call time, so a restart on a new port needs nothing from them.
 * - WebSockets go through the client's proxy: the ticket URL names the
 *   server's host:port, which is rewritten to the proxy's (path and query
 *   kept). After a restart every proxy is retargeted; its port stays.
 * - Every client records what a test needs to check without sleeping: each
 *   state change, welcome and applied update (with performance.now() times),
 *   the text pings it sent, its token requests (which a test can hold).
 */
import WebSocket from "ws";
import { afterAll, beforeAll } from "vitest";
import { joinMatch, type AppliedUpdate, type BackoffOptions, type ClientEvents, type GameClient, type InputOutcome, type WelcomeEvent } from "../../src/client/internal";
import type { ConnectionState } from "../../src/client/internal";
import { Rng, mixSeed } from "../../src/games/rng";
import type { RoomSnapshot } from "../../src/protocol";
import { Api } from "./api";
import { FaultProxy, type ProxyConnection } from "./fault-proxy";
import { BlackholeFetch } from "./blackhole-fetch";
import { next as nextEvent, untilRoom } from "./sdk-play";
import { startWorker, type WorkerOptions, type WorkerServer } from "./worker-server";

/** The seed of a run: EDGEROOM_FAULT_SEED if set, else a fixed default (so `npm test` is reproducible). */
export function faultSeed(fallback = 20260501): number {
  const raw = process.env["EDGEROOM_FAULT_SEED"];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`EDGEROOM_FAULT_SEED must be a 32-bit unsigned integer, got ${raw}`);
  return n;
}

/** Base URL the SDK clients are given; FaultStack.fetch maps it to the server of the moment. */
export const STABLE_BASE = "http://edgeroom.fault.invalid";

export const now = (): number => performance.now();

/** The SDK backoff used by the suite unless a test says otherwise (a 2 s cap keeps outages and the suite bounded). */
export const SUITE_BACKOFF: Omit<BackoffOptions, "random"> = { baseMs: 250, capMs: 2000, stableAfterMs: 2000 };

export class FaultStack {
  server: WorkerServer;
  readonly api: Api;
  readonly proxies = new Set<FaultProxy>();
  /** performance.now() of every ticket request made by an SDK client (they precede every socket attempt). */
  readonly ticketRequests: number[] = [];
  private readonly pastOutput: string[] = [];
  private stopped = false;

  private constructor(server: WorkerServer, private readonly devOptions: WorkerOptions) {
    this.server = server;
    this.api = new Api((url, init) => globalThis.fetch(this.resolve(url), init), STABLE_BASE);
  }

  static async start(opts: WorkerOptions = {}): Promise<FaultStack> {
    return new FaultStack(await startWorker(opts), opts);
  }

  get base(): string {
    return this.server.base;
  }

  resolve(url: string): string {
    return url.startsWith(STABLE_BASE) ? this.server.base + url.slice(STABLE_BASE.length) : url;
  }

  /** The fetch given to SDK clients. */
  readonly fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string }) => {
    if (url.endsWith("/ticket")) this.ticketRequests.push(now());
    return globalThis.fetch(this.resolve(url), init);
  };

  /** A proxy to the current server; it is retargeted on every restart and stopped with the stack. */
  async proxy(seed: number): Promise<FaultProxy> {
    const proxy = await FaultProxy.start({ target: { host: "127.0.0.1", port: this.server.port }, seed });
    this.proxies.add(proxy);
    return proxy;
  }

  /** Everything every server of this stack printed so far. */
  output(): string {
    return [...this.pastOutput, this.server.output()].join("\n");
  }

  /**
   * Resolves once `output()` satisfies `pred`. The server's log lines travel through workerd's pipes
   * on their own schedule, so a line about a socket may arrive after the socket's close: wait for it.
   */
  untilOutput(pred: (out: string) => boolean): Promise<void> {
    return this.server.untilOutput(() => pred(this.output()));
  }

  /**
   * SIGKILL the server's process group now (synchronously: call it from an
   * event handler to kill "right after" something). Returns when it exited.
   */
  kill(): Promise<void> {
    return this.server.kill();
  }

  /** Start a new server on the same persisted state (on a new port) and point every proxy at it. */
  async restartAfter(stop: "kill" | "stop" | "already-dead"): Promise<{ readyAt: number; readyWall: number }> {
    if (stop === "kill") await this.server.kill();
    else if (stop === "stop") await this.server.stop();
    else await this.server.kill(); // no-op when it already exited; waits otherwise
    this.pastOutput.push(this.server.output());
    const next = await startWorker({ ...this.devOptions, persistDir: this.server.persistDir });
    this.server = next;
    for (const p of this.proxies) p.retarget({ host: "127.0.0.1", port: next.port });
    return { readyAt: now(), readyWall: Date.now() };
  }

  /** Reload the worker in place (a code reload, as `wrangler dev` does on a file change) and point every proxy at it. */
  async reload(): Promise<{ readyAt: number }> {
    await this.server.reload();
    for (const p of this.proxies) p.retarget({ host: "127.0.0.1", port: this.server.port });
    return { readyAt: now() };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all([...this.proxies].map((p) => p.stop()));
    await this.server.stop();
  }
}

// ---------------------------------------------------------------- SDK clients through a proxy

export type SeqEntry =
  | { readonly type: "update"; readonly seq: number; readonly source: "live" | "replay"; readonly t: number }
  | { readonly type: "welcome"; readonly seq: number; readonly plan: WelcomeEvent["plan"]["kind"]; readonly resume: WelcomeEvent["frame"]["resume"]["status"]; readonly t: number };

export interface FaultClientOptions {
  stack: FaultStack;
  label: string;
  token: string;
  matchId: string;
  role?: "player" | "spectator";
  seed: number;
  backoff?: Omit<BackoffOptions, "random">;
  /** Edit the socket URL after it was pointed at the proxy (e.g. to present another version or bad resume data). */
  editUrl?: (url: URL) => void;
  /** "http": the HTTP fallback (SSE + POST) through a BlackholeFetch instead of WebSockets through the proxy. */
  transport?: "websocket" | "http";
}

/** What a fault test file gets from `useFaultStack`: the running stack and a client opener. */
export interface FaultSuite {
  /** The stack of this file (started in its beforeAll). */
  readonly stack: FaultStack;
  /** Open an SDK client through its own proxy, seeded from the file's seed; closed after the file's tests. */
  open(label: string, token: string, matchId: string, seed: number, extra?: Partial<Omit<FaultClientOptions, "stack" | "label" | "token" | "matchId" | "seed">>): Promise<FaultClient>;
}

/**
 * One FaultStack for a test file: started (with its seed printed) before the file's tests; after them,
 * `beforeStop` runs, every client opened through the suite is closed, and the stack is stopped.
 */
export function useFaultStack(name: string, seed: number, beforeStop: () => void = () => {}): FaultSuite {
  let stack: FaultStack | undefined;
  const clients: FaultClient[] = [];
  beforeAll(async () => {
    console.log(`[${name}] seed ${seed} (set EDGEROOM_FAULT_SEED to reproduce another run)`);
    stack = await FaultStack.start();
  }, 90_000);
  afterAll(async () => {
    beforeStop();
    for (const c of clients) c.close();
    await stack?.stop();
  }, 60_000);
  const running = (): FaultStack => {
    if (!stack) throw new Error(`${name}: the fault stack is not running (useFaultStack's beforeAll has not run)`);
    return stack;
  };
  return {
    get stack() {
      return running();
    },
    async open(label, token, matchId, clientSeed, extra = {}) {
      const c = await FaultClient.open({ ...extra, stack: running(), label, token, matchId, seed: mixSeed(seed, clientSeed) });
      clients.push(c);
      return c;
    },
  };
}

export class FaultClient {
  readonly label: string;
  /** The player token the client mints its tickets with. */
  readonly token: string;
  readonly client: GameClient<unknown>;
  readonly proxy: FaultProxy;
  readonly sockets: WebSocket[] = [];
  /** performance.now() of each accepted proxy connection (= each socket attempt that reached the proxy). */
  readonly attempts: number[] = [];
  readonly seqLog: SeqEntry[] = [];
  readonly welcomes: WelcomeEvent[] = [];
  readonly states: Array<{ t: number; state: ConnectionState }> = [];
  /** performance.now() of every text "ping" the SDK sent. */
  readonly pings: number[] = [];
  /** performance.now() of every frame (text or binary) the SDK sent. */
  readonly sends: number[] = [];
  readonly outcomes: InputOutcome[] = [];
  /** Every 'ack' event, recorded synchronously as it is emitted. */
  readonly acks: Array<ClientEvents["ack"]> = [];
  tokenCalls = 0;
  /** The HTTP fallback's fetch (transport "http"), which can blackhole the current stream; null over WebSockets. */
  readonly http: BlackholeFetch | null;
  private gate: { promise: Promise<void>; release: () => void; reached: () => void } | null = null;
  private urlEditor: ((url: URL) => void) | undefined;

  private constructor(opts: FaultClientOptions, proxy: FaultProxy) {
    this.label = opts.label;
    this.token = opts.token;
    this.proxy = proxy;
    this.urlEditor = opts.editUrl;
    proxy.onConnection(() => this.attempts.push(now()));
    const self = this;
    const toProxy = (url: string): string => {
      const u = new URL(url);
      u.host = `127.0.0.1:${proxy.port}`;
      self.urlEditor?.(u);
      return u.toString();
    };
    class ProxiedWebSocket extends WebSocket {
      constructor(url: string) {
        super(toProxy(url));
        self.sockets.push(this);
        const send = this.send.bind(this) as (data: unknown, ...rest: unknown[]) => void;
        (this as { send: unknown }).send = (data: unknown, ...rest: unknown[]) => {
          const t = now();
          self.sends.push(t);
          if (data === "ping") self.pings.push(t);
          send(data, ...rest);
        };
      }
    }
    this.http =
      opts.transport === "http"
        ? new BlackholeFetch(
            (url) => opts.stack.resolve(url),
            (body) => {
              const t = now();
              self.sends.push(t);
              if (body === "ping") self.pings.push(t);
            },
          )
        : null;
    const rng = new Rng(mixSeed(opts.seed, 0xbac0ff));
    this.client = joinMatch({
      baseUrl: STABLE_BASE,
      matchId: opts.matchId,
      role: opts.role ?? "player",
      getToken: async () => {
        this.tokenCalls += 1;
        const gate = this.gate;
        if (gate) {
          gate.reached();
          await gate.promise;
        }
        return opts.token;
      },
      WebSocket: ProxiedWebSocket,
      ...(this.http ? { transport: "http" as const, httpFetch: this.http.fetch } : {}),
      fetch: opts.stack.fetch,
      onlineEvents: null,
      backoff: { ...SUITE_BACKOFF, ...opts.backoff, random: () => rng.float() },
    });
    this.client.on("state", (state) => this.states.push({ t: now(), state }));
    this.client.on("ack", (ack) => this.acks.push(ack));
    this.client.on("update", (u: AppliedUpdate) => this.seqLog.push({ type: "update", seq: u.seq, source: u.source, t: now() }));
    this.client.on("welcome", (w) => {
      this.welcomes.push(w);
      this.seqLog.push({ type: "welcome", seq: w.frame.seq, plan: w.plan.kind, resume: w.frame.resume.status, t: now() });
    });
  }

  static async open(opts: FaultClientOptions): Promise<FaultClient> {
    // One proxy per client: a fault then hits exactly this client, and its socket attempts are countable.
    const proxy = await opts.stack.proxy(mixSeed(opts.seed, 0x9e0));
    return new FaultClient(opts, proxy);
  }

  setUrlEditor(edit: ((url: URL) => void) | undefined): void {
    this.urlEditor = edit;
  }

  get seat(): number {
    const seat = this.client.welcome?.you.seat;
    if (seat === null || seat === undefined) throw new Error(`${this.label}: no seat`);
    return seat;
  }

  get room(): RoomSnapshot {
    const room = this.client.room;
    if (!room) throw new Error(`${this.label}: no room yet`);
    return room;
  }

  /** Connections of this client's proxy a fault can act on (at most one while the SDK is connected). */
  liveConnection(): ProxyConnection {
    const live = this.proxy.live();
    if (live.length !== 1) throw new Error(`${this.label}: expected one live proxied connection, found ${live.length}`);
    return live[0]!;
  }

  /** Blackhole the live link, whatever carries it; `reset` ends it for real afterwards. */
  blackhole(): { reset: () => void } {
    if (this.http) {
      this.http.blackhole();
      const http = this.http;
      return { reset: () => http.reset() };
    }
    const conn = this.liveConnection();
    conn.blackhole();
    return { reset: () => conn.reset() };
  }

  /**
   * Hold the next token requests (so the next connection attempts) until
   * released. `reached` resolves once an attempt is actually waiting.
   */
  hold(): { reached: Promise<void>; release: () => void } {
    let release = () => {};
    let reached = () => {};
    const reachedP = new Promise<void>((r) => (reached = r));
    const promise = new Promise<void>((r) => (release = r));
    this.gate = { promise, release, reached };
    return {
      reached: reachedP,
      release: () => {
        this.gate = null;
        release();
      },
    };
  }

  send(data: unknown): Promise<InputOutcome> {
    return this.client.send(data).then((o) => {
      this.outcomes.push(o);
      return o;
    });
  }

  next<K extends keyof ClientEvents>(event: K, pred: (payload: ClientEvents[K]) => boolean = () => true): Promise<ClientEvents[K]> {
    return nextEvent(this.client, event, pred);
  }

  /** performance.now() of the next transition to "open" (a welcomed connection). */
  nextOpen(): Promise<number> {
    return this.next("state", (s) => s.status === "open").then(() => now());
  }

  /** Resolves when the state is `status` (now or later). */
  whenStatus(status: ConnectionState["status"]): Promise<ConnectionState> {
    if (this.client.state.status === status) return Promise.resolve(this.client.state);
    return this.next("state", (s) => s.status === status);
  }

  /** Resolve once the client's latest room satisfies `pred` (checked now and after every welcome/update). */
  untilRoom(pred: (room: RoomSnapshot) => boolean): Promise<RoomSnapshot> {
    return untilRoom(this.client, pred);
  }

  close(): void {
    this.client.close();
  }
}

// ---------------------------------------------------------------- checks and figures

export interface SeqAudit {
  /** Updates applied (live + replayed). */
  applied: number;
  /** An update that was not last + 1 (or a replayed welcome that did not land on its seq). */
  gaps: number;
  /** An update at or below the last applied seq, or a seq applied twice across the run. */
  duplicates: number;
  fresh: number;
  replayed: number;
  snapshots: number;
  problems: string[];
}

/**
 * Check a client's applied seqs: strictly +1 from each welcome, except a
 * "snapshot" (or a fresh start after a refused resume), which restarts from
 * the welcome's seq. Every seq may be applied at most once over the whole run.
 */
export function auditSeqs(log: readonly SeqEntry[]): SeqAudit {
  const a: SeqAudit = { applied: 0, gaps: 0, duplicates: 0, fresh: 0, replayed: 0, snapshots: 0, problems: [] };
  // `last` never moves backwards, so "at or below last" also catches a seq applied twice across connections.
  let last: number | null = null;
  for (const e of log) {
    if (e.type === "welcome") {
      if (e.plan === "fresh") a.fresh++;
      else if (e.plan === "snapshot") a.snapshots++;
      else a.replayed++;
      if (e.plan === "replayed" && last !== e.seq) {
        a.gaps++;
        a.problems.push(`replayed welcome at ${e.seq} but the last applied seq is ${last}`);
      }
      if (last !== null && e.seq < last) {
        a.duplicates++;
        a.problems.push(`welcome (${e.plan}) at ${e.seq} is behind the last applied seq ${last}`);
      }
      last = last === null ? e.seq : Math.max(last, e.seq);
      continue;
    }
    a.applied++;
    if (last === null) {
      a.gaps++;
      a.problems.push(`update ${e.seq} before any welcome`);
      last = e.seq;
    } else if (e.seq <= last) {
      a.duplicates++;
      a.problems.push(`update ${e.seq} after ${last}`);
    } else {
      if (e.seq !== last + 1) {
        a.gaps++;
        a.problems.push(`update ${e.seq} after ${last}`);
      }
      last = e.seq;
    }
  }
  return a;
}

/** Nearest-rank percentile of a sample (null when empty). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** Largest number of timestamps (ms) inside any window of `windowMs` (sliding). */
export function peakPerWindow(times: readonly number[], windowMs = 1000): number {
  const sorted = [...times].sort((x, y) => x - y);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]! - sorted[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

export const ms = (v: number | null): string => (v === null ? "n/a" : `${Math.round(v)} ms`);

/** Print a two-column table of figures; also returns it. */
export function printTable(title: string, rows: ReadonlyArray<readonly [string, string | number]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  const text = [`\n=== ${title} ===`, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join("\n");
  console.log(text);
  return text;
}

/**
 * Reject with `what` unless `promise` settles within `boundMs`: a liveness
 * bound (the protocol promises something happens within it), not a timing
 * measurement. The timer never keeps the process alive.
 */
export function within<T>(promise: Promise<T>, boundMs: number, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not within ${boundMs} ms: ${typeof what === "function" ? what() : what}`)), boundMs);
    timer.unref();
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

/**
 * Lines of the server's output that look like an exception, an error stack or
 * an error-level log of ours. (Wrangler's own update check, which fails
 * offline with "getaddrinfo ENOTFOUND", is not the worker's and not matched.)
 */
export function uncaughtErrors(output: string): string[] {
  return output
    .split("\n")
    .filter((l) => !REFUSAL_NOISE.test(l))
    .filter((l) => /Uncaught|Unhandled|TypeError|ReferenceError|RangeError|SyntaxError|ZodError|^\s+at .+:\d+:\d+\)?$|"level":"error"|✘ \[ERROR\]/.test(l));
}

/**
 * Local workerd logs "Uncaught Error: Network connection lost." once for every plainly accepted WebSocket
 * that is closed by the server, even in a six-line worker that does nothing but `accept()` and `close()`
 * (docs/reliability.md §4.1). The room refuses upgrades that way on purpose, so these lines are not room
 * errors; they are counted separately and must not outnumber the refusals.
 */
const REFUSAL_NOISE = /Uncaught Error: Network connection lost\./;

export function refusalNoise(output: string): number {
  return output.split("\n").filter((l) => REFUSAL_NOISE.test(l)).length;
}

// ---------------------------------------------------------------- Connect Four views

export interface C4ViewLike {
  board: number[][];
  turn: number | null;
  firstSeat: number;
  moves: number;
  over: boolean;
}

export function c4View(room: RoomSnapshot): C4ViewLike {
  const v = room.view;
  if (typeof v !== "object" || v === null || !("board" in v) || !("moves" in v)) throw new Error("not a Connect Four view");
  return v as C4ViewLike;
}

export function legalColumnsOf(room: RoomSnapshot): number[] {
  const top = c4View(room).board[5] ?? [];
  return [0, 1, 2, 3, 4, 5, 6].filter((c) => top[c] === 0);
}
