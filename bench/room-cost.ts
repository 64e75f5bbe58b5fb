/**
 * `npx tsx bench/room-cost.ts [--rooms 300]`: workerd CPU (from /proc) of a room's creation and of a
 * socket join with its welcome, on the same harness as bench/matchmaking.ts (miniflare, state on
 * /dev/shm, worker on its own socket, no asset router). Each phase runs `--rooms` operations 50 at a
 * time, then waits out the room's directory-report interval so the reports the phase caused are
 * counted too; an idle wait of the same length is measured and subtracted. Phases:
 *
 * - `request`: GET /api/matches/:id of an existing room (the worker, a warm room RPC): the floor an
 *   HTTP request costs here, to read the others against;
 * - `create`: POST /api/matches (a public Connect Four match: the worker, the new room object, its
 *   tables, first save, directory report, alarm);
 * - `join 1`, `join 2`: the room socket upgrade of the first and second player of each room, until
 *   the welcome (the second one starts the match); tickets are minted before the phase;
 * - `quick`: a room's whole start as quick play has it, per room: created, then both players'
 *   tickets and sockets at once (so the room's first directory report can carry both joins).
 *
 * `--profile create|join1|join2`: take a CPU profile of workerd's isolate over that phase
 * (bench/cpu-profile.ts), saved as bench/results/room-cost-<phase>-<time>.cpuprofile; the figures of
 * a profiled run include the sampling cost.
 *
 * Prints ms of workerd CPU per operation and saves bench/results/room-cost-<time>.json. Figures move
 * with the machine's load (2 shared cores): compare runs made close together.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadavg, tmpdir } from "node:os";
import WebSocket from "ws";
import { decodeServerFrame } from "../src/protocol/codec";
import { Api, type Guest } from "../test/support/api";
import { projectWorker } from "../test/support/worker-bundle";
import { HARNESS_LIMITS, startWorker } from "../test/support/worker-server";
import { freePort } from "../test/support/wrangler-dev";
import { workerdCpuSeconds } from "./proc";
import { connectProfiler, selfTimes } from "./cpu-profile";

const ROOMS = (() => {
  const i = process.argv.indexOf("--rooms");
  const v = i >= 0 ? Number(process.argv[i + 1]) : 300;
  if (!Number.isInteger(v) || v < 1) throw new Error("--rooms must be a positive integer");
  return v;
})();
const PROFILE = (() => {
  const i = process.argv.indexOf("--profile");
  return i >= 0 ? (process.argv[i + 1] ?? "") : null;
})();
const BATCH = 50;
/** Longer than the directory report's minimum interval (1 s), so each phase's reports land in it. */
const SETTLE_MS = 1_300;

async function batched<T>(n: number, one: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += BATCH) out.push(...(await Promise.all(Array.from({ length: Math.min(BATCH, n - i) }, (_, j) => one(i + j)))));
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const stateBase = process.env["BENCH_STATE_DIR"] || (existsSync("/dev/shm") ? "/dev/shm" : tmpdir());
  const persistDir = mkdtempSync(join(stateBase, "edgeroom-room-cost-"));
  const bundle = await projectWorker();
  const { assets: _assets, ...apiOnly } = bundle.workerOptions;
  const inspectorPort = PROFILE !== null ? await freePort() : undefined;
  const server = await startWorker({
    worker: { ...bundle, workerOptions: apiOnly },
    persistDir,
    direct: true,
    // The whole log is kept: each phase counts the lines it caused.
    outputLimit: 50_000_000,
    ratelimits: HARNESS_LIMITS,
    ...(inspectorPort !== undefined ? { inspectorPort } : {}),
  });
  const sockets: WebSocket[] = [];
  const timers: ReturnType<typeof setInterval>[] = [];
  try {
    const api = new Api((input, init) => fetch(input, init), server.base);
    const guests: Guest[] = await batched(ROOMS * 2, (i) => api.guest(`Cost ${i}`));
    const measure = async (name: string, run: () => Promise<unknown>): Promise<number> => {
      const profiler = inspectorPort !== undefined && PROFILE === name.replace(" ", "") ? await connectProfiler(inspectorPort) : null;
      await profiler?.start();
      const c0 = workerdCpuSeconds(server.pid);
      const output0 = server.output().length;
      await run();
      await sleep(SETTLE_MS);
      const ms = (workerdCpuSeconds(server.pid) - c0) * 1000;
      // What workerd logged in the phase, by event: a check that each phase did what it says.
      const events = new Map<string, number>();
      for (const m of server.output().slice(output0).matchAll(/"event":"([^"]+)"/g)) events.set(m[1] ?? "", (events.get(m[1] ?? "") ?? 0) + 1);
      console.log(`${name} log lines: ${[...events].map(([e, n]) => `${e} ${n}`).join(", ")}`);
      if (profiler) {
        const file = join(import.meta.dirname, "results", `room-cost-${PROFILE}-${new Date().toISOString().replace(/:/g, "-")}.cpuprofile`);
        const self = selfTimes(await profiler.stop(file));
        console.log(`profile saved to ${file}`);
        for (const r of self.rows.slice(0, 30)) console.log(`  ${r.ms.toFixed(0).padStart(7)}  ${r.fn}`);
      }
      console.log(`${name}: ${ms.toFixed(0)} ms of workerd CPU`);
      return ms;
    };
    // Warm-up: the first requests compile code paths; not counted.
    const warm = await batched(BATCH, (i) => api.createMatch(guests[i]?.token ?? "", { game: "connect-four" }));
    await sleep(SETTLE_MS);
    const idle = await measure("idle", async () => {});
    let matchIds: string[] = [];
    const create = await measure("create", async () => {
      matchIds = await batched(ROOMS, (i) => api.createMatch(guests[i]?.token ?? "", { game: "connect-four" }));
    });
    const request = await measure("request", () =>
      batched(ROOMS, async (i) => {
        const res = await api.status(matchIds[i] ?? warm[0] ?? "");
        if (res.status !== 200) throw new Error(`status: ${res.status}`);
        await res.arrayBuffer();
      }),
    );
    // Both players' tickets first, so the phases run back to back.
    const ticketUrls = async (seat: 0 | 1) => batched(ROOMS, async (i) => (await api.ticket(guests[seat === 0 ? i : ROOMS + i]?.token ?? "", matchIds[i] ?? "")).url);
    const urls0 = await ticketUrls(0);
    const urls1 = await ticketUrls(1);
    const openUntilWelcome = (url: string) => {
      const ws = new WebSocket(url);
      sockets.push(ws);
      return new Promise<void>((resolve, reject) => {
        ws.on("message", (d: Buffer) => {
          const frame = decodeServerFrame(new Uint8Array(d));
          if (!frame.ok || frame.value.t !== "welcome") return;
          // The heartbeat the room asks for (answered by the runtime's auto-response), so no socket times out mid-run.
          const every = frame.value.heartbeat.pingIntervalMs;
          timers.push(setInterval(() => ws.send("ping"), every));
          resolve();
        });
        ws.on("error", reject);
        ws.on("close", (code) => reject(new Error(`closed ${code} before the welcome`)));
      });
    };
    const joinPhase = async (name: string, urls: string[]): Promise<number> => measure(name, () => batched(ROOMS, (i) => openUntilWelcome(urls[i] ?? "")));
    const join1 = await joinPhase("join 1", urls0);
    const join2 = await joinPhase("join 2", urls1);
    const quick = await measure("quick", () =>
      batched(ROOMS, async (i) => {
        const a = guests[i];
        const b = guests[ROOMS + i];
        if (!a || !b) throw new Error("missing guest");
        const matchId = await api.createMatch(a.token, { game: "connect-four" });
        await Promise.all([a, b].map(async (g) => openUntilWelcome((await api.ticket(g.token, matchId)).url)));
      }),
    );
    const per = (ms: number) => Math.round(((ms - idle) / ROOMS) * 1000) / 1000;
    const summary = {
      at: new Date().toISOString(),
      rooms: ROOMS,
      loadAverage1m: loadavg()[0] ?? NaN,
      idleMsPerPhase: Math.round(idle),
      workerdCpuMsPer: { request: per(request), create: per(create), join1: per(join1), join2: per(join2), quick: per(quick) },
    };
    console.log(JSON.stringify(summary, null, 2));
    writeFileSync(join(import.meta.dirname, "results", `room-cost-${summary.at.replace(/:/g, "-")}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    for (const t of timers) clearInterval(t);
    for (const ws of sockets) ws.terminate();
    await server.stop();
    rmSync(persistDir, { recursive: true, force: true });
  }
}

await main();
