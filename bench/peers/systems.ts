/**
 * The three systems under test behind one adapter: start the server (pinned
 * to its core with taskset, loopback only, from a snapshot of the sources),
 * open N four-player rooms with their bots, read counted billable operations
 * (the two workerd systems), stop everything.
 *
 * - edgeroom: the project's worker under miniflare (src/ and wrangler.toml
 *   from the git revision being measured; see bench/server.ts), Edgeroom's protocol and bots (bench/bot.ts),
 *   counters from the operator endpoint GET /api/matches/:id/metrics.
 * - colyseus: `node --import tsx bench/peers/colyseus/server.ts`, colyseus.js bots.
 * - partyserver: bench/peers/partyserver/wrangler.jsonc under miniflare,
 *   plain `ws` bots, counters from `?metrics=1` on the room.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { Client } from "colyseus.js";
import { Api } from "../../test/support/api";
import { freePort } from "../../test/support/wrangler-dev";
import type { BotSamples } from "../analyze";
import { Bot } from "../bot";
import { findServerTree } from "../proc";
import { GuestPool, openRooms as openEdgeroomRooms, pool, SEATS } from "../rooms";
import { snapshotProject, startBenchServer, stopGroup, type BenchServer } from "../server";
import { ColyseusBot, PartyBot } from "./bots";

export const SYSTEMS = ["edgeroom", "colyseus", "partyserver"] as const;

/**
 * The two workerd systems are served on their worker's own socket (miniflare's unsafeDirectSockets):
 * otherwise miniflare's entry worker sits in front and relays every request and WebSocket frame through
 * a second worker, a local-only cost neither Cloudflare nor the Colyseus peer has.
 * BENCH_ENTRY_WORKER=1 puts it back (to measure what it costs).
 */
const DIRECT = process.env["BENCH_ENTRY_WORKER"] !== "1";
export type SystemName = (typeof SYSTEMS)[number];

/** What the load generator needs from any bot. */
export interface AnyBot extends BotSamples {
  readonly counters: { inputs: number; pings: number; bytesOut: number };
  readonly open: boolean;
  readonly matchOver: boolean;
  readonly closeCode: number | null;
  close(): void;
  terminate(): void;
}

export interface PeerRoom {
  /** Match id (Edgeroom), room id (Colyseus), room name (PartyServer). */
  readonly id: string;
  readonly bots: AnyBot[];
}

/** Billable-operation counters of one room, as the server counts them. */
export interface OpCounters {
  readonly messages: number;
  readonly storageWrites: number;
  readonly rowsWritten: number;
  readonly alarmWrites: number;
  readonly alarmRuns: number;
  readonly awakeMs: number;
  readonly steps: number;
  readonly droppedSteps: number;
  /** Edgeroom's real-time loop ticks and those 25 ms or more past their boundary (0 where a system has none). */
  readonly loopTicks: number;
  readonly loopTicksLate: number;
}

export interface SystemUnderTest {
  readonly name: SystemName;
  /** http://127.0.0.1:port of the server (the capacity bench's load generators connect there). */
  readonly base: string;
  /** Processes whose CPU and RSS are the server's (workerd, or the Colyseus Node process). */
  serverPids(): number[];
  /** Open `count` rooms of 4 bots; `seedBase` makes the peers' seeds reproducible. */
  openRooms(count: number, matchSeconds: number, seedBase: number, track: (b: AnyBot) => void): Promise<PeerRoom[]>;
  /** Counted billable operations per room id (workerd systems only). */
  counters?(rooms: readonly PeerRoom[]): Promise<Map<string, OpCounters>>;
  /** How the server was started, for the results. */
  readonly description: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** tmpfs by default: where snapshots and the workerd systems' SQLite files live. */
  readonly stateBase: string;
  /** taskset CPU list of the server, e.g. "1"; null to leave it unpinned. */
  readonly cpus: string | null;
  /** Git revision of src/ that the servers run. */
  readonly gitRev: string;
}

const REPO = resolve(import.meta.dirname, "..", "..");

/** The peers' course seed of room `i` at a level: the same for Colyseus and PartyServer. */
export function seedFor(seedBase: number, i: number): number {
  return (Math.imul(seedBase + 1, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0;
}

export async function startSystem(name: SystemName, opts: StartOptions): Promise<SystemUnderTest> {
  switch (name) {
    case "edgeroom":
      return startEdgeroom(opts);
    case "colyseus":
      return startColyseus(opts);
    case "partyserver":
      return startPartyServer(opts);
  }
}

function workerdPids(dev: BenchServer): () => number[] {
  let cached: number[] = [];
  return () => {
    const now = findServerTree(dev.pid).workerd;
    if (now.length > 0) cached = now;
    return cached;
  };
}

async function startEdgeroom(opts: StartOptions): Promise<SystemUnderTest> {
  const operatorToken = randomBytes(24).toString("hex");
  const dev = await startBenchServer(opts.stateBase, 90_000, {
    gitRev: opts.gitRev,
    cpus: opts.cpus ?? undefined,
    direct: DIRECT,
    vars: { AUTH_SECRET: "bench-secret-0123456789abcdef0123456789abcdef", ALLOW_GUESTS: "true", OPERATOR_TOKEN: operatorToken },
  });
  const api = new Api((url, init) => fetch(url, init), dev.base);
  const guests = new GuestPool(api);
  await guests.take(4);
  return {
    name: "edgeroom",
    base: dev.base,
    description: `miniflare (local workerd, no wrangler proxy${DIRECT ? ", worker's own socket: no miniflare entry worker" : ""}) running src/ at ${opts.gitRev.slice(0, 12)}${opts.cpus ? `, taskset -c ${opts.cpus}` : ""}`,
    serverPids: workerdPids(dev),
    async openRooms(count, matchSeconds, _seedBase, track) {
      const g = await guests.take(count * SEATS);
      const rooms = await openEdgeroomRooms(api, g, count, { durationSeconds: matchSeconds }, (b: Bot) => track(b));
      return rooms.map((r) => ({ id: r.matchId, bots: r.bots }));
    },
    async counters(rooms) {
      const out = new Map<string, OpCounters>();
      await pool(rooms, 16, async (r) => {
        const res = await fetch(`${dev.base}/api/matches/${r.id}/metrics`, { headers: { Authorization: `Bearer ${operatorToken}` } });
        if (res.status !== 200) throw new Error(`metrics ${r.id}: HTTP ${res.status} ${await res.text()}`);
        const c = ((await res.json()) as { counters: Record<string, number> }).counters;
        out.set(r.id, normalise(c));
      });
      return out;
    },
    stop: () => dev.stop(),
  };
}

function normalise(c: Record<string, number>): OpCounters {
  const n = (k: string) => (typeof c[k] === "number" && Number.isFinite(c[k]) ? (c[k] as number) : 0);
  return {
    messages: n("messages"),
    storageWrites: n("storageWrites"),
    // PartyServer's counter counts storage calls; each put/delete of one key writes one row.
    rowsWritten: "rowsWritten" in c ? n("rowsWritten") : n("storageWrites"),
    alarmWrites: n("alarmWrites"),
    alarmRuns: n("alarmRuns"),
    awakeMs: n("awakeMs"),
    steps: n("steps"),
    droppedSteps: n("droppedSteps"),
    loopTicks: n("loopTicks"),
    loopTicksLate: n("loopTicksLate"),
  };
}

async function startColyseus(opts: StartOptions): Promise<SystemUnderTest> {
  const root = snapshotProject(REPO, opts.stateBase, ["bench"], opts.gitRev);
  const port = await freePort();
  // BENCH_COLYSEUS_NODE_FLAGS: extra Node/V8 flags for the Colyseus server only (e.g. "--no-incremental-marking",
  // workerd's collection policy, to see what Node's incremental marking is worth to it).
  const flags = (process.env["BENCH_COLYSEUS_NODE_FLAGS"] ?? "").split(" ").filter((f) => f !== "");
  const args = [...flags, "--import", "tsx", join(root, "bench/peers/colyseus/server.ts"), String(port)];
  const [cmd, cmdArgs] = opts.cpus ? ["taskset", ["-c", opts.cpus, process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(cmd, cmdArgs, { cwd: root, env: { ...process.env, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  const ready = new Promise<void>((resolveReady, reject) => {
    const onData = (d: Buffer) => {
      out = (out + String(d)).slice(-20_000);
      if (out.includes(`colyseus listening ${port}`)) resolveReady();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`colyseus server exited (${code}): ${out.slice(-2000)}`)));
    setTimeout(() => reject(new Error(`colyseus server not ready in 30 s: ${out.slice(-2000)}`)), 30_000).unref();
  });
  const stop = async () => {
    await stopGroup(child as ChildProcess);
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await ready;
  } catch (err) {
    await stop();
    throw err;
  }
  const client = new Client(`http://127.0.0.1:${port}`);
  return {
    name: "colyseus",
    base: `http://127.0.0.1:${port}`,
    description: `@colyseus/core on Node ${process.version} (node ${[...flags, ""].join(" ")}--import tsx, NODE_ENV=production)${opts.cpus ? `, taskset -c ${opts.cpus}` : ""}`,
    serverPids: () => (child.pid === undefined ? [] : [child.pid]),
    async openRooms(count, matchSeconds, seedBase, track) {
      return pool(
        Array.from({ length: count }, (_, i) => i),
        8,
        async (i) => {
          const first = await ColyseusBot.create(client, { seed: seedFor(seedBase, i), durationSeconds: matchSeconds });
          track(first);
          const others = await Promise.all(
            Array.from({ length: SEATS - 1 }, async () => {
              const b = await ColyseusBot.join(client, first.roomId);
              track(b);
              return b;
            }),
          );
          return { id: first.roomId, bots: [first, ...others] };
        },
      );
    },
    stop,
  };
}

async function startPartyServer(opts: StartOptions): Promise<SystemUnderTest> {
  const dev = await startBenchServer(opts.stateBase, 90_000, {
    gitRev: opts.gitRev,
    cpus: opts.cpus ?? undefined,
    config: "bench/peers/partyserver/wrangler.jsonc",
    extraDirs: ["bench"],
    direct: DIRECT,
    vars: {},
  });
  const ws = dev.base.replace(/^http/, "ws");
  const run = randomBytes(4).toString("hex");
  return {
    name: "partyserver",
    base: dev.base,
    description: `miniflare (local workerd, no wrangler proxy${DIRECT ? ", worker's own socket: no miniflare entry worker" : ""}) running bench/peers/partyserver/wrangler.jsonc, partyserver, hibernate: true${opts.cpus ? `, taskset -c ${opts.cpus}` : ""}`,
    serverPids: workerdPids(dev),
    async openRooms(count, matchSeconds, seedBase, track) {
      return pool(
        Array.from({ length: count }, (_, i) => i),
        8,
        async (i) => {
          const name = `r-${run}-${seedBase}-${i}`;
          const url = `${ws}/parties/runner-server/${name}?seed=${seedFor(seedBase, i)}&duration=${matchSeconds}`;
          const bots = await Promise.all(
            Array.from({ length: SEATS }, async () => {
              const b = await PartyBot.connect(url);
              track(b);
              return b;
            }),
          );
          return { id: name, bots };
        },
      );
    },
    async counters(rooms) {
      const out = new Map<string, OpCounters>();
      await pool(rooms, 16, async (r) => {
        const res = await fetch(`${dev.base}/parties/runner-server/${r.id}?metrics=1`);
        if (res.status !== 200) throw new Error(`metrics ${r.id}: HTTP ${res.status}`);
        out.set(r.id, normalise((await res.json()) as Record<string, number>));
      });
      return out;
    },
    stop: () => dev.stop(),
  };
}
