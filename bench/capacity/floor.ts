/**
 * workerd's own floor for the runner's traffic, measured in the capacity bench's session: minimal
 * Durable Objects with no game, no storage and no protocol, each holding 4 hibernatable WebSockets
 * and, while they are open, a loop on fixed 50 ms boundaries (as Edgeroom's) that sends one 8-byte
 * frame (the size of Edgeroom's shared delta snapshot) to each socket; every client sends a 12-byte
 * frame every 750 ms (the bench bots' input rate), answered with a 6-byte ack. Ramped like the
 * systems (same levels, window, 20 Hz criterion and core pinning): its CPU per room-tick at 50 rooms
 * and its rooms per core bound what any workerd room with this traffic can reach on the machine.
 * The clients run in the calling process (pinned with the load generators), counting frames only.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Log, LogLevel, Miniflare } from "miniflare";
import WebSocket from "ws";
import { cpuMs, findServerTree, rssBytes } from "../proc";
import { round } from "../stats";
import { GAP_BIN_MS, GAP_BINS, TICKS_PER_STATE } from "./protocol";
import { capacity, judge, loadHealth, needsConfirmation, poolWindows, rampLevels, REFERENCE_ROOMS, SNAPSHOT_MS, stopAfter, worseHealth, type Capacity, type JudgedWindow, type LevelVerdict, type StopReason } from "./ramp";

const ELD_RESOLUTION_MS = 2;

export const FLOOR = { frameBytes: 8, ackBytes: 6, inputBytes: 12, inputEveryMs: 750, seats: 4 } as const;

/** Variations of the floor's room for the heap probes (bench/floor-heap.ts); the bench uses the defaults. */
export interface FloorScriptOptions {
  /** Module-level code before the class (helpers `frame` may call). */
  readonly prelude?: string;
  /** What each tick sends to every socket, as a JS expression (`null`: nothing); default the constant FRAME. */
  readonly frame?: string;
  /** Small short-lived objects allocated per tick, as a room's own garbage would be. */
  readonly junkPerTick?: number;
  /** Live heap kept by the isolate whatever the rooms (small objects, ~2 heap nodes each), as a bundle's modules would. */
  readonly liveFixedObjects?: number;
  /** Live heap each room keeps while it exists (small objects), as a room's own state would. */
  readonly liveObjectsPerRoom?: number;
  /** Every this many ticks a room writes a row (a 600-byte blob) to its SQLite storage, as a room saves its record. */
  readonly sqlEveryTicks?: number;
  /** Every this many ticks a room sets its alarm (one storage write), as a room's watchdog does. */
  readonly alarmEveryTicks?: number;
  /**
   * More ES modules next to the floor's (the prelude may import them: e.g. Edgeroom's whole bundle, to
   * see what its presence in the isolate costs), and the compatibility flags they need.
   */
  readonly modules?: readonly { readonly path: string; readonly contents: string }[];
  readonly compatibilityFlags?: readonly string[];
  readonly compatibilityDate?: string;
}

/** Source of a function `liveChain(n)` that builds n small linked objects (an object and a 3-slot array each). */
const LIVE_CHAIN = `
function liveChain(n) {
  let head = null;
  for (let i = 0; i < n; i++) head = { i, at: i * 1.5, tags: [i, i + 1, i + 2], next: head };
  return head;
}`;

/** The worker module of the floor's rooms. */
export function floorScript(opts: FloorScriptOptions = {}): string {
  const junk = opts.junkPerTick ? `\n    let junk = null;\n    for (let i = 0; i < ${opts.junkPerTick}; i++) junk = { i, next: this.next, prev: junk };` : "";
  const sql = opts.sqlEveryTicks
    ? `\n    if (++this.ticks % ${opts.sqlEveryTicks} === 0) { this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS r (id INTEGER PRIMARY KEY, v BLOB)"); this.ctx.storage.sql.exec("INSERT OR REPLACE INTO r (id, v) VALUES (1, ?)", BLOB); }`
    : "";
  const alarm = opts.alarmEveryTicks ? `\n    if (++this.alarmTicks % ${opts.alarmEveryTicks} === 0) void this.ctx.storage.setAlarm(Date.now() + 60000);` : "";
  const live = (opts.liveFixedObjects ?? 0) > 0 || (opts.liveObjectsPerRoom ?? 0) > 0;
  return `
import { DurableObject } from "cloudflare:workers";
const FRAME = new Uint8Array(${FLOOR.frameBytes}).fill(7);
const ACK = new Uint8Array(${FLOOR.ackBytes}).fill(3);${opts.sqlEveryTicks ? "\nconst BLOB = new Uint8Array(600).fill(5).buffer;" : ""}
${opts.prelude ?? ""}${live ? `${LIVE_CHAIN}\nglobalThis.liveFixed = liveChain(${opts.liveFixedObjects ?? 0});` : ""}
export class Room extends DurableObject {
  timer = null;
  next = 0;${opts.sqlEveryTicks ? "\n  ticks = 0;" : ""}${opts.alarmEveryTicks ? "\n  alarmTicks = 0;" : ""}${live ? `\n  live = liveChain(${opts.liveObjectsPerRoom ?? 0});` : ""}
  fetch() {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    this.ensure();
    return new Response(null, { status: 101, webSocket: pair[0] });
  }
  ensure() {
    if (this.timer !== null) return;
    const now = Date.now();
    if (this.next <= now) this.next = now + ${SNAPSHOT_MS};
    this.timer = setTimeout(() => this.tick(), this.next - now);
  }
  tick() {
    this.timer = null;
    this.next += ${SNAPSHOT_MS};
    const sockets = this.ctx.getWebSockets();
    const frame = ${opts.frame ?? "FRAME"};${junk}${sql}${alarm}
    if (frame !== null) for (const ws of sockets) ws.send(frame);
    if (sockets.length > 0) this.ensure();
  }
  webSocketMessage(ws) { ws.send(ACK); }${opts.alarmEveryTicks ? "\n  alarm() {}" : ""}
  webSocketClose(ws, code) { ws.close(code); }
}
export default {
  fetch(request, env) {
    const room = new URL(request.url).searchParams.get("room") ?? "0";
    return env.ROOM.get(env.ROOM.idFromName(room)).fetch(request);
  },
};
`;
}

export interface FloorLevel {
  readonly rooms: number;
  readonly seconds: number;
  /** Over the window, or over it and its confirmation pooled when the window alone failed (ramp.ts). */
  readonly verdict: LevelVerdict;
  /** The first window's own verdict when a confirmation window was measured. */
  readonly firstWindow?: LevelVerdict;
  readonly server: { readonly cores: number; readonly coresNet: number; readonly usPerRoomTickNet: number; readonly rssMiB: number };
  readonly clientCores: number;
  readonly clientEldP99Ms: number;
  readonly unusable: string | null;
}

export interface FloorResult {
  readonly traffic: string;
  readonly idleCpuMsPerSecond: number;
  readonly levels: FloorLevel[];
  readonly stop: StopReason;
  readonly capacity: Capacity;
  /** At REFERENCE_ROOMS (null when that level was not reached). */
  readonly cpuUsPerRoomTick: number | null;
  readonly error?: string;
}

export interface FloorOptions {
  readonly startRooms: number;
  readonly maxRooms: number;
  readonly windowSeconds: number;
  readonly stateBase: string;
  /** Pin workerd to these CPUs (taskset), as the systems' servers are. */
  readonly serverCpus: string | null;
  /** Seconds left in this phase's budget. */
  readonly remaining: () => number;
  readonly log: (line: string) => void;
  /** Variations of the room (probes only: the bench uses the defaults). */
  readonly script?: FloorScriptOptions;
}


/** The clients' arrivals: counts frames of the loop's size, histograms the gaps between them while `counting`. */
class Streams {
  readonly hist = new Array<number>(GAP_BINS).fill(0);
  frames = 0;
  counting = false;

  /** A loop frame arrived on a socket whose previous one arrived at `last` (0: none); returns its time. */
  arrived(last: number): number {
    const now = performance.now();
    if (this.counting) {
      this.frames += 1;
      if (last > 0) {
        const bin = Math.min(GAP_BINS - 1, Math.floor((now - last) / GAP_BIN_MS));
        this.hist[bin] = (this.hist[bin] ?? 0) + 1;
      }
    }
    return now;
  }

  reset(): void {
    this.hist.fill(0);
    this.frames = 0;
  }
}

async function open(base: string, room: number, streams: Streams): Promise<WebSocket> {
  const ws = new WebSocket(`${base}/?room=${room}`, { perMessageDeflate: false });
  let last = 0;
  ws.on("message", (data: Buffer) => {
    if (data.length === FLOOR.frameBytes) last = streams.arrived(last);
  });
  await new Promise<void>((ok, fail) => {
    ws.once("open", () => ok());
    ws.once("error", fail);
  });
  return ws;
}

/**
 * Every client sends an input every FLOOR.inputEveryMs, spread evenly: one timer sends the next slice of
 * clients each 50 ms (a timer per client starved the client process's event loop from ~290 rooms on).
 */
function startInputs(clients: readonly WebSocket[]): () => void {
  const payload = Buffer.alloc(FLOOR.inputBytes, 1);
  const slices = FLOOR.inputEveryMs / SNAPSHOT_MS;
  let slice = 0;
  const timer = setInterval(() => {
    for (let i = slice; i < clients.length; i += slices) clients[i]?.send(payload);
    slice = (slice + 1) % slices;
  }, SNAPSHOT_MS);
  return () => clearInterval(timer);
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

export async function runFloor(opts: FloorOptions): Promise<FloorResult> {
  const dir = mkdtempSync(join(opts.stateBase, "edgeroom-floor-"));
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: "index.mjs", contents: floorScript(opts.script) }, ...(opts.script?.modules ?? []).map((m) => ({ type: "ESModule" as const, ...m }))],
    compatibilityDate: opts.script?.compatibilityDate ?? "2025-09-01",
    ...(opts.script?.compatibilityFlags ? { compatibilityFlags: [...opts.script.compatibilityFlags] } : {}),
    durableObjects: { ROOM: { className: "Room", useSQLite: true } },
    durableObjectsPersist: join(dir, "do"),
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
    log: new Log(LogLevel.WARN),
  });
  const clients: WebSocket[] = [];
  let stopInputs = () => {};
  const levels: FloorLevel[] = [];
  let stop: StopReason = null;
  let idle = 0;
  let error: string | undefined;
  try {
    await mf.ready;
    const base = (await mf.unsafeGetDirectURL()).origin.replace(/^http/, "ws");
    const pids = findServerTree(process.pid).workerd;
    if (pids.length === 0) throw new Error("no workerd process found for the floor");
    if (opts.serverCpus) for (const pid of pids) execFileSync("taskset", ["-a", "-p", "-c", opts.serverCpus, String(pid)], { stdio: "ignore" });
    const c0 = cpuMs(pids);
    const t0 = performance.now();
    await sleep(2000);
    idle = (cpuMs(pids) - c0) / ((performance.now() - t0) / 1000);
    const streams = new Streams();
    // As the load generators measure it (loadgen.ts): 2 ms resolution, subtracted from the percentile.
    const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
    stopInputs = startInputs(clients);
    let rooms = 0;
    /** One window at the current level: the clients' arrivals, workerd's CPU, the client process's own load. */
    const measure = async (level: number) => {
      streams.reset();
      eld.reset();
      eld.enable();
      const own0 = process.cpuUsage();
      const cpu0 = cpuMs(pids);
      const w0 = performance.now();
      streams.counting = true;
      await sleep(opts.windowSeconds * 1000);
      streams.counting = false;
      const seconds = (performance.now() - w0) / 1000;
      const cpu = cpuMs(pids) - cpu0;
      const own = process.cpuUsage(own0);
      eld.disable();
      const window: JudgedWindow = {
        seconds,
        rooms: level,
        bots: clients.length,
        snapshots: streams.frames,
        gapHistogram: [...streams.hist],
        // No simulation runs: each loop turn a client sees stands for the TICKS_PER_STATE ticks of a runner's.
        roomTicks: (streams.frames / FLOOR.seats) * TICKS_PER_STATE,
      };
      const clientCores = (own.user + own.system) / 1e6 / seconds;
      return { window, seconds, cpu, clientCores, clientEldP99Ms: Math.max(0, eld.percentile(99) / 1e6 - ELD_RESOLUTION_MS) };
    };
    // Its figures are the reference level's CPU and how far it holds 20 Hz: no need to start below 50 rooms.
    for (const target of rampLevels(Math.max(opts.startRooms, REFERENCE_ROOMS), opts.maxRooms)) {
      if (opts.remaining() < opts.windowSeconds + 3) {
        stop = "budget";
        break;
      }
      for (; rooms < target; rooms += 1) for (let s = 0; s < FLOOR.seats; s += 1) clients.push(await open(base, rooms, streams));
      await sleep(1000);
      const first = await measure(rooms);
      const firstVerdict = judge(first.window);
      let health = loadHealth({ loadgenCores: first.clientCores, loadgenLimitCores: 0.9, eldP99Ms: first.clientEldP99Ms, failedRooms: 0, rooms });
      let verdict = firstVerdict;
      if (needsConfirmation(firstVerdict, health)) {
        // As the systems' ramps do (ramp.ts): the figures stay the first window's, the verdict pools both.
        const again = await measure(rooms);
        const health2 = loadHealth({ loadgenCores: again.clientCores, loadgenLimitCores: 0.9, eldP99Ms: again.clientEldP99Ms, failedRooms: 0, rooms });
        health = worseHealth(health, health2);
        verdict = judge(poolWindows([first.window, again.window]));
      }
      const { seconds, cpu, clientCores, clientEldP99Ms } = first;
      const cores = cpu / 1000 / seconds;
      const coresNet = Math.max(0, (cpu - idle * seconds) / 1000 / seconds);
      const level: FloorLevel = {
        rooms,
        seconds: round(seconds, 2),
        verdict,
        ...(verdict !== firstVerdict ? { firstWindow: firstVerdict } : {}),
        server: {
          cores: round(cores, 3),
          coresNet: round(coresNet, 3),
          usPerRoomTickNet: round(((cpu - idle * seconds) * 1000) / Math.max(1, rooms * seconds * (1000 / SNAPSHOT_MS) * TICKS_PER_STATE), 2),
          rssMiB: round(rssBytes(pids) / 2 ** 20, 1),
        },
        clientCores: round(clientCores, 3),
        clientEldP99Ms: round(clientEldP99Ms, 1),
        unusable: health.unusable,
      };
      levels.push(level);
      opts.log(`  floor ${rooms} rooms: ${verdict !== firstVerdict ? `over 2 windows (the first alone gap p99 ${firstVerdict.gapP99Ms} ms), ` : ""}gap p99 ${verdict.gapP99Ms} ms, delivered ${round(verdict.delivered * 100, 1)} %, server ${level.server.coresNet} cores net, ${level.server.usPerRoomTickNet} µs/room-tick; client ${level.clientCores} cores${health.unusable ? ` (unusable: ${health.unusable})` : ""}`);
      stop = stopAfter({ rooms, holds20Hz: verdict.holds20Hz, serverCores: cores, serverCoresNet: coresNet, unusable: health.unusable !== null, botsFailed: false });
      if (stop) break;
    }
    if (stop === null) stop = "max-rooms";
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
    stop = "error";
    opts.log(`  floor failed: ${error}`);
  } finally {
    stopInputs();
    for (const ws of clients) ws.terminate();
    await mf.dispose().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
  const points = levels.map((l) => ({ rooms: l.rooms, holds20Hz: l.verdict.holds20Hz, serverCores: l.server.cores, serverCoresNet: l.server.coresNet, unusable: l.unusable !== null, botsFailed: false }));
  return {
    traffic: `per room: 4 hibernatable sockets, a loop on 50 ms boundaries sending one ${FLOOR.frameBytes}-byte frame to each, a ${FLOOR.inputBytes}-byte frame from each client every ${FLOOR.inputEveryMs} ms answered with a ${FLOOR.ackBytes}-byte ack; no game, no storage`,
    idleCpuMsPerSecond: round(idle, 2),
    levels,
    stop,
    capacity: capacity(points, stop),
    cpuUsPerRoomTick: levels.find((l) => l.rooms === REFERENCE_ROOMS)?.server.usPerRoomTickNet ?? null,
    ...(error ? { error } : {}),
  };
}
