/**
 * `npm run bench:matchmaking`: quick play under load against the worker under miniflare. N players
 * (default 200) join one ranked Connect Four queue at once; each holds its queue socket, and on its
 * `matched` frame opens the room with the ticket it got. Measures, per player, the time from sending
 * `POST /api/queue` to the room's `welcome`, and the rate at which the one queue object matched
 * players (matched players / time from the first join to the last `matched` frame). Prints p50/p99
 * and saves bench/results/matchmaking-<time>.json and matchmaking-latest.{json,md}. Exits non-zero if
 * any player is not welcomed.
 *
 * Usage: npm run bench:matchmaking [-- --players 1000] [--rate <players per second; 0 = all at once>] [--join post|socket] [--profile] [--no-floor]
 *
 * A burst (the default rate) is preceded, in the same session, by workerd's floor for the same flow
 * (bench/matchmaking-floor.ts: the same players at once against a minimal queue and room with no
 * project code); its p99 and CPU per player are printed beside Edgeroom's. --no-floor skips it.
 *
 * --join: how a player joins. `post` (the default): POST /api/queue, then the entry's socket
 * (GET /api/queue/ws?ticket=…). `socket`: one upgrade, GET /api/queue/ws?game=… with the token in the
 * edgeroom.bearer subprotocol (one request per player fewer). "join" is the first request either way.
 *
 * Like the capacity benches, the worker's state (every Durable Object's SQLite file) lives on tmpfs
 * (/dev/shm; BENCH_STATE_DIR names another base, e.g. a disk): workerd creates and commits those files
 * on its one thread, and on this machine's shared disk a new object's file alone took 1 to 25 ms, which
 * a burst of 1,000 players (1,000 player records and 500 rooms created) turned into seconds of stall
 * that Cloudflare's storage does not have. The worker is served on its own socket (miniflare's
 * unsafeDirectSockets), without miniflare's entry worker relaying every request and frame;
 * BENCH_ENTRY_WORKER=1 puts it back (bench/peers/systems.ts does the same). The web client's assets are
 * left out, as bench/server.ts does for the capacity benches: with them, miniflare runs the asset
 * router in front of the worker, about 0.13 ms of workerd CPU per request (half of a small API
 * request's) that on Cloudflare the platform spends outside the worker; BENCH_ASSETS=1 keeps them.
 *
 * --profile: take a CPU profile of workerd's JavaScript while the players join (bench/cpu-profile.ts),
 * save it as bench/results/matchmaking-<time>.cpuprofile and print the functions with the most self
 * and total time. Sampling costs some CPU of its own: figures of a profiled run are not comparable.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { join } from "node:path";
import { loadavg, tmpdir } from "node:os";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { decodeServerFrame, encodeFrame } from "../src/protocol/codec";
import type { QueueMessage } from "../src/protocol/matchmaking-api";
import { Api, type Guest } from "../test/support/api";
import { projectWorker } from "../test/support/worker-bundle";
import { HARNESS_LIMITS, startWorker } from "../test/support/worker-server";
import { freePort } from "../test/support/wrangler-dev";
import { workerdCpuSeconds } from "./proc";
import { connectProfiler, selfTimes, totalTimes, type Profiler } from "./cpu-profile";
import { runMatchmakingFloor, type MatchmakingFloor } from "./matchmaking-floor";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 2 || v % 2 !== 0) throw new Error(`--${name} must be an even integer ≥ 2`);
  return v;
}

const PLAYERS = arg("players", 1000);
const JOIN = (() => {
  const i = process.argv.indexOf("--join");
  const v = i >= 0 ? process.argv[i + 1] : "post";
  if (v !== "post" && v !== "socket") throw new Error("--join must be post or socket");
  return v;
})();
/** Arrivals per second; 0 (the default) = every player at once, a burst the whole stack drains. */
const PROFILE = process.argv.includes("--profile");
const RATE = (() => {
  const i = process.argv.indexOf("--rate");
  const v = i >= 0 ? Number(process.argv[i + 1]) : 0;
  if (!Number.isFinite(v) || v < 0) throw new Error("--rate must be a number ≥ 0 (players per second; 0 = all at once)");
  return v;
})();

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

/** Moments of one player's path, in ms from performance.now(). */
interface Timing {
  joinAt: number;
  postedAt: number;
  queueOpenAt: number;
  matchedAt: number;
  roomOpenAt: number;
  welcomedAt: number;
  matchId: string;
  playerId: string;
  room: WebSocket;
}

async function onePlayer(base: string, token: string, playerId: string, n: number, sockets: WebSocket[]): Promise<Timing> {
  const joinAt = performance.now();
  // An address per player: the per-address join cap is not what is measured.
  const address = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  let queueSocket: WebSocket;
  let postedAt = joinAt;
  if (JOIN === "socket") {
    const url = `${base.replace(/^http/, "ws")}/api/queue/ws?game=connect-four&aiAfterMs=off`;
    queueSocket = new WebSocket(url, ["edgeroom.queue", `edgeroom.bearer.${token}`], { headers: { "CF-Connecting-IP": address } });
  } else {
    const res = await fetch(`${base}/api/queue`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, "CF-Connecting-IP": address },
      body: JSON.stringify({ game: "connect-four", aiAfterMs: null }),
    });
    if (res.status !== 201) throw new Error(`queue: ${res.status} ${await res.text()}`);
    const { url } = (await res.json()) as { url: string };
    postedAt = performance.now();
    queueSocket = new WebSocket(url);
  }
  sockets.push(queueSocket);
  let queueOpenAt = NaN;
  queueSocket.on("open", () => (queueOpenAt = performance.now()));
  const matched = await new Promise<Extract<QueueMessage, { type: "matched" }>>((resolve, reject) => {
    queueSocket.on("message", (d) => {
      const m = JSON.parse(String(d)) as QueueMessage;
      if (m.type === "matched") resolve(m);
    });
    queueSocket.on("error", reject);
  });
  const matchedAt = performance.now();
  const room = new WebSocket(matched.url);
  sockets.push(room);
  let roomOpenAt = NaN;
  room.on("open", () => (roomOpenAt = performance.now()));
  await new Promise<void>((resolve, reject) => {
    room.on("message", (d: Buffer) => {
      const frame = decodeServerFrame(new Uint8Array(d));
      if (frame.ok && frame.value.t === "welcome") resolve();
    });
    room.on("error", reject);
  });
  return { joinAt, postedAt, queueOpenAt, matchedAt, roomOpenAt, welcomedAt: performance.now(), matchId: matched.matchId, playerId, room };
}

const phase = (ts: Timing[], f: (t: Timing) => number) => {
  const v = ts.map(f);
  return { p50: pct(v, 50), p99: pct(v, 99) };
};

/**
 * GET a JSON document on a connection of its own. The ratings are read after the burst, when the
 * connections fetch() kept alive from creating the guests have sat idle for seconds (with --join
 * socket nothing used them meanwhile): reusing one the server has just closed failed the whole run
 * with ECONNRESET in 2 of 7 runs.
 */
function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        try {
          resolve(JSON.parse(text));
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    req.on("error", reject);
  });
}

/** Every player's rated-match count in Connect Four (0 when never rated). */
async function matchesOf(base: string, playerIds: string[]): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < playerIds.length; i += 50) {
    const part = await Promise.all(
      playerIds.slice(i, i + 50).map(async (id) => {
        const body = (await getJson(`${base}/api/ratings/${id}`)) as { ratings: { game: string; matches: number }[] };
        return body.ratings.find((r) => r.game === "connect-four")?.matches ?? 0;
      }),
    );
    out.push(...part);
  }
  return out;
}

async function main(): Promise<void> {
  // Every bot has its own address and the worker trusts CF-Connecting-IP (loopback only), so the
  // production join cap (QUEUE_LIMITER, 10 per 10 s per address) applies and is never what is measured.
  const inspectorPort = PROFILE ? await freePort() : undefined;
  const stateBase = process.env["BENCH_STATE_DIR"] || (existsSync("/dev/shm") ? "/dev/shm" : tmpdir());
  const persistDir = mkdtempSync(join(stateBase, "edgeroom-matchmaking-"));
  const direct = process.env["BENCH_ENTRY_WORKER"] !== "1";
  const assets = process.env["BENCH_ASSETS"] === "1";
  // The floor first, alone on the machine (its own workerd, gone before the project's starts).
  const floor: MatchmakingFloor | null = RATE === 0 && !process.argv.includes("--no-floor") && !PROFILE ? await runMatchmakingFloor(PLAYERS, stateBase) : null;
  const bundle = await projectWorker();
  const { assets: _assets, ...apiOnly } = bundle.workerOptions;
  const server = await startWorker({
    worker: assets ? bundle : { ...bundle, workerOptions: apiOnly },
    persistDir,
    direct,
    outputLimit: PROFILE ? 50_000_000 : 200_000,
    vars: { TRUST_CF_CONNECTING_IP: "true" },
    ratelimits: { ...HARNESS_LIMITS, QUEUE_LIMITER: { simple: { limit: 10, period: 10 } } },
    ...(inspectorPort !== undefined ? { inspectorPort } : {}),
  });
  const sockets: WebSocket[] = [];
  const started = performance.now();
  try {
    const api = new Api((input, init) => fetch(input, init), server.base);
    const guests: Guest[] = [];
    for (let i = 0; i < PLAYERS; i += 100) guests.push(...(await Promise.all(Array.from({ length: Math.min(100, PLAYERS - i) }, (_, j) => api.guest(`Bench ${i + j}`)))));
    const profiler: Profiler | null = inspectorPort !== undefined ? await connectProfiler(inspectorPort) : null;
    await profiler?.start();
    const cpu0 = process.cpuUsage();
    const workerd0 = workerdCpuSeconds(server.pid);
    const output0 = server.output().length;
    const t0 = performance.now();
    const timings = await Promise.all(
      guests.map(async (g, i) => {
        if (RATE > 0) await new Promise((r) => setTimeout(r, Math.max(0, t0 + (i * 1000) / RATE - performance.now())));
        return onePlayer(server.base, g.token, g.playerId, i, sockets);
      }),
    );
    const cpu = process.cpuUsage(cpu0);
    const burstMs = performance.now() - t0;
    const loadGenCpuShare = (cpu.user + cpu.system) / 1000 / burstMs;
    const workerdCpuMs = (workerdCpuSeconds(server.pid) - workerd0) * 1000;
    if (PROFILE) {
      // What workerd logged while the players joined, by event (each line is a console.log on its thread).
      const events = new Map<string, number>();
      for (const m of server.output().slice(output0).matchAll(/"event":"([^"]+)"/g)) events.set(m[1] ?? "", (events.get(m[1] ?? "") ?? 0) + 1);
      console.log(`Log lines while players joined: ${[...events].sort((a, b) => b[1] - a[1]).map(([e, n]) => `${e} ${n}`).join(", ")}`);
    }
    if (profiler) {
      const file = join(import.meta.dirname, "results", `matchmaking-${new Date().toISOString().replace(/:/g, "-")}.cpuprofile`);
      const profile = await profiler.stop(file);
      const self = selfTimes(profile);
      console.log(`CPU profile of workerd's isolate while players joined (${(self.totalMs / 1000).toFixed(1)} s sampled over ${((performance.now() - t0) / 1000).toFixed(1)} s), saved to ${file}`);
      console.log("Self time, ms (share):");
      for (const r of self.rows.slice(0, 40)) console.log(`  ${r.ms.toFixed(0).padStart(7)}  ${((100 * r.ms) / self.totalMs).toFixed(1).padStart(5)} %  ${r.fn}`);
      console.log("Total time (self and callees), ms:");
      for (const r of totalTimes(profile).slice(0, 60)) console.log(`  ${r.ms.toFixed(0).padStart(7)}  ${r.fn}`);
    }
    const toWelcome = timings.map((t) => t.welcomedAt - t.joinAt);
    const first = Math.min(...timings.map((t) => t.joinAt));
    const last = Math.max(...timings.map((t) => t.matchedAt));
    // Finish every match at once: the first welcomed of each pair resigns (both seats are taken, so it is playing).
    const byMatch = new Map<string, Timing[]>();
    for (const t of timings) byMatch.set(t.matchId, [...(byMatch.get(t.matchId) ?? []), t]);
    const pairs = [...byMatch.values()];
    if (pairs.length !== PLAYERS / 2 || pairs.some((p) => p.length !== 2)) throw new Error(`expected ${PLAYERS / 2} matches of 2, got ${pairs.length}`);
    for (const pair of pairs) pair.sort((a, b) => a.welcomedAt - b.welcomedAt)[0]?.room.send(encodeFrame({ t: "resign", id: 1 }));
    // The room reports each finished rated round to the ratings store (retrying until it hears back):
    // wait up to 60 s for every player to show one rated match, then check that nobody shows two.
    const ids = timings.map((t) => t.playerId);
    const until = performance.now() + 60_000;
    let counts = await matchesOf(server.base, ids);
    while (counts.some((c) => c < 1) && performance.now() < until) {
      await new Promise((r) => setTimeout(r, 500));
      counts = await matchesOf(server.base, ids);
    }
    const ratedOnce = counts.filter((c) => c === 1).length;
    const ratedTwice = counts.filter((c) => c > 1).length;
    const summary = {
      at: new Date().toISOString(),
      players: PLAYERS,
      arrivalsPerSecond: RATE === 0 ? "all at once" : RATE,
      // post: POST /api/queue then the entry's socket; socket: one upgrade (GET /api/queue/ws?game=…).
      join: JOIN,
      // CPU the load generator itself used while players joined, in cores: the rest of 2 is workerd's (and other helpers').
      loadGeneratorCores: loadGenCpuShare,
      // CPU workerd itself used while players joined (all its threads, from /proc), per player and in cores.
      workerdCpuMsPerPlayer: workerdCpuMs / PLAYERS,
      workerdCores: workerdCpuMs / burstMs,
      matches: PLAYERS / 2,
      joinToWelcomeMs: { p50: pct(toWelcome, 50), p99: pct(toWelcome, 99), max: Math.max(...toWelcome) },
      phasesMs: {
        post: phase(timings, (t) => t.postedAt - t.joinAt),
        queueSocketOpen: phase(timings, (t) => t.queueOpenAt - t.postedAt),
        waitUntilMatched: phase(timings, (t) => t.matchedAt - t.queueOpenAt),
        roomSocketOpen: phase(timings, (t) => t.roomOpenAt - t.matchedAt),
        welcome: phase(timings, (t) => t.welcomedAt - t.roomOpenAt),
      },
      matchedPerSecondOneQueue: PLAYERS / ((last - first) / 1000),
      ratings: { playersRatedExactlyOnce: ratedOnce, playersRatedMoreThanOnce: ratedTwice, percentOfMatchesRatedOnce: (100 * ratedOnce) / PLAYERS },
      p99GoalMs: 250,
      // workerd's own floor for the same flow and burst, measured just before (null: not run).
      floor,
      // A profiled run's figures include the sampling cost: not comparable, never saved as latest.
      profiled: PROFILE,
      benchSeconds: (performance.now() - started) / 1000,
      machine: "2 shared cores, Node 20, one load-generator process and workerd via miniflare on loopback",
      // Where the Durable Objects' SQLite files were, and whether miniflare's entry worker relayed the traffic.
      stateDir: stateBase,
      entryWorker: !direct,
      // Whether miniflare's asset router ran in front of the worker (BENCH_ASSETS=1).
      assetRouter: assets,
      // The machine is shared: the 1-minute load average at the end says how much else was running.
      loadAverage1m: loadavg()[0] ?? NaN,
    };
    const ph = summary.phasesMs;
    const row = (name: string, v: { p50: number; p99: number }) => `| ${name}, p50 / p99 | ${v.p50.toFixed(1)} / ${v.p99.toFixed(1)} ms |`;
    const md = [
      `# Matchmaking benchmark (${summary.at})`,
      "",
      `${PLAYERS} players joining one ranked Connect Four queue ${RATE === 0 ? "at once" : `at ${RATE} per second`}, ${JOIN === "socket" ? "each in one socket upgrade (GET /api/queue/ws?game=…)" : "each by POST /api/queue then the entry's socket"} (${summary.matches} matches, each finished by a resignation), load generator using ${loadGenCpuShare.toFixed(2)} cores and workerd ${summary.workerdCores.toFixed(2)} (${summary.workerdCpuMsPerPlayer.toFixed(1)} ms of CPU per player), ${summary.machine}; state on ${stateBase}, ${direct ? "worker on its own socket" : "through miniflare's entry worker"}${assets ? ", asset router in front" : ", no asset router"}; load average ${summary.loadAverage1m.toFixed(1)} at the end.`,
      "",
      "| Figure | Value |",
      "|---|---|",
      `| join (${JOIN === "socket" ? "queue socket upgrade" : "POST /api/queue"}) → room welcome, p50 / p99 / max | ${summary.joinToWelcomeMs.p50.toFixed(1)} / ${summary.joinToWelcomeMs.p99.toFixed(1)} / ${summary.joinToWelcomeMs.max.toFixed(1)} ms |`,
      ...(JOIN === "post" ? [row("POST /api/queue", ph.post)] : []),
      row(JOIN === "post" ? "queue socket open" : "queue socket open (join included)", ph.queueSocketOpen),
      row("waiting until matched", ph.waitUntilMatched),
      row("room socket open", ph.roomSocketOpen),
      row("room welcome", ph.welcome),
      `| players matched per second by one queue object | ${summary.matchedPerSecondOneQueue.toFixed(0)} |`,
      `| players whose one rated match was applied exactly once | ${ratedOnce} / ${PLAYERS} (${summary.ratings.percentOfMatchesRatedOnce.toFixed(1)} %), more than once: ${ratedTwice} |`,
      `| p99 goal (≤ 250 ms) | ${summary.joinToWelcomeMs.p99 <= 250 ? "met" : "missed"} |`,
      ...(floor
        ? [
            `| workerd's floor for the same burst: join → welcome, p50 / p99 / max | ${floor.joinToWelcomeMs.p50.toFixed(1)} / ${floor.joinToWelcomeMs.p99.toFixed(1)} / ${floor.joinToWelcomeMs.max.toFixed(1)} ms |`,
            `| workerd's floor: CPU per player; Edgeroom's above it | ${floor.workerdCpuMsPerPlayer.toFixed(2)} ms; ${(summary.workerdCpuMsPerPlayer - floor.workerdCpuMsPerPlayer).toFixed(2)} ms |`,
          ]
        : []),
      "",
      "Both figures are of the whole local stack (worker, queue, ratings store and rooms share one workerd",
      "process on 2 shared cores): they bound the queue object from below, they do not isolate it.",
      ...(floor ? ["", `The floor (measured first, in this session): ${floor.traffic}.`] : []),
      "",
    ].join("\n");
    console.log(md);
    const dir = join(import.meta.dirname, "results");
    mkdirSync(dir, { recursive: true });
    const stamp = summary.at.replace(/:/g, "-");
    writeFileSync(join(dir, `matchmaking-${stamp}.json`), JSON.stringify(summary, null, 2) + "\n");
    if (!PROFILE) {
      writeFileSync(join(dir, "matchmaking-latest.json"), JSON.stringify(summary, null, 2) + "\n");
      writeFileSync(join(dir, "matchmaking-latest.md"), md);
    }
    if (ratedOnce !== PLAYERS) throw new Error(`ratings: ${ratedOnce} of ${PLAYERS} players rated exactly once (${ratedTwice} more than once)`);
  } finally {
    for (const s of sockets) s.terminate();
    await server.stop();
    rmSync(persistDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
