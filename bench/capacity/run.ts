/**
 * `npm run bench` / `npm run bench:peers`: capacity of 4-player runner rooms on
 * Edgeroom, Colyseus and PartyServer in one session, one system at a time in
 * alternating order, the server pinned to one core and 2–4 load-generator
 * processes to the other; then (bench only) Edgeroom's turn-based figures
 * (Connect Four ack and CPU, wake from hibernation, rebuild after a kill), the
 * room core's JS heap per room and the Connect Four AI. Bounded in time
 * (BENCH_QUICK=1: ≤ 3 min). Everything it starts is stopped at the end, on
 * errors and on Ctrl-C too. Method: bench/README.md.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { resolve } from "node:path";
import { machineInfo } from "../proc";
import { Progress } from "../progress";
import { round } from "../stats";
import type { SystemUnderTest } from "../peers/systems";
import { describeAiResult, playAiGames, type AiResult } from "./c4-ai";
import { loadCapacityConfig, rampOrder, USAGE } from "./config";
import { Fleet } from "./fleet";
import { runFloor, type FloorResult } from "./floor";
import { renderTableFile, saveResults, type CapacityResults } from "./report";
import { systemFigures, type HeapResult } from "./summary";
import { rampSystem, type RampResult } from "./system-ramp";
import { runTurnBased, type TurnBasedResult } from "./turn-based";

const REPO = resolve(import.meta.dirname, "..", "..");

const NOTES = [
  "Same simulation everywhere (src/games/runner; the peers host it through bench/peers/match.ts), same bot brain (bench/reactive.ts: the scripted runner's jumps and ducks computed from the state and sent up to 400 ms before their tick, so a bot never falls for lateness under 400 ms; a button-less probe per bot every 2 s gives the ack latency), 4 bots per room, the match starts when the 4th joins. Edgeroom's bots decode frames with the protocol module and rebuild snapshots with the SDK's SnapshotStream.",
  "Servers: Edgeroom and PartyServer under miniflare's API (local workerd, no wrangler dev proxy), Colyseus 0.16 on Node; each pinned to one core with taskset, the load-generator processes to the other.",
  "Every seat plays (a runner player who does not press is knocked out), but per room one bot decodes the states and decides for all four seats; the other three are passive (arrival and size only) and send their seat's inputs. The load is spread over several load-generator processes; a level is unusable when they used more than 0.9 of their core or one had an event-loop delay p99 above 20 ms; the bots failed at a level where a runner fell or a socket closed early in more than 10 % of the rooms (reported apart, stop \"bots\": a load failure, never the server's figure). Both stop the ramp with a lower bound; the normal stops are the server's: ≥ 90 % of its core, or the 20 Hz criterion.",
  "Ramp: live rooms are raised in steps of at most +25 % (through 50 rooms), new rooms added to the running ones; rooms near the end of their 90 s match are replaced. CPU = utime+stime of the server processes over the window, net of the idle rate measured after start.",
  "Rooms per core: when the ramp stopped on CPU (≥ 90 % of the core), the last clean level ÷ its net CPU; when it stopped on the 20 Hz criterion, the last clean level itself (the server could not turn more of its core into rooms); on the budget or the room cap, a lower bound.",
  "Counted operations: Edgeroom's operator metrics (rowsWritten, alarmWrites, messages, awakeMs per Durable Object instance), PartyServer's own counters (bench/peers/partyserver/worker.ts); pooled over clean levels only; priced as bench/peers/README.md says. Colyseus is a Node host, not billed per operation.",
  "Wake: Connect Four rooms where hibernation happens (WAITING for the 2nd player with the creator connected; FINISHED by a resignation with both connected) and rooms in play as the control the liveness watchdog keeps awake; sockets open and pinging (auto-answered without waking), idle together until workerd hibernates them; the first sync frame after it is timed; the room's bornAt (operator metrics) tells whether a new instance answered (only those count). Rebuild: the runtime is SIGKILLed and restarted on the same state; the first status request per room is timed. Both compare the public stateHash.",
  "Heap per room: the room core (RoomCore) of 4-player runner rooms on the in-process stepper, played by the capacity bench's bots, in Node with --expose-gc: heapUsed after GC with N racing rooms minus before, ÷ N, at 2, 30, 60 and 85 s of a 90 s race (a room's heap grows as the race goes: remembered input outcomes and log entries not yet batched); the figure is the largest. Runs before 2026-12-07 measured 2 s into the race only. The host's socket attachments and workerd's own objects are not in it; the platform's RSS per room is reported beside it.",
  "workerd floor (bench/capacity/floor.ts): minimal Durable Objects with the runner's traffic and nothing else (4 hibernatable sockets, a loop on 50 ms boundaries sending an 8-byte frame to each, a 12-byte frame from each client every 750 ms answered with a 6-byte ack; no game, storage or protocol), ramped with the same levels, window, criterion and pinning, its clients in the bench's own process on the load generators' core. What workerd spends on that traffic bounds any workerd room's CPU per room-tick and rooms per core from below and above.",
  "miniflare runs workerd locally; a shared 2-core VM is not the edge. Compare systems with each other in the same run.",
];

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(resolve(REPO, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

/** Seconds into a 90 s race at which the room core's heap is measured: a room's heap grows as its race goes on. */
const HEAP_RACE_SECONDS = [2, 30, 60, 85] as const;

function heapPerRoom(rooms: number): HeapResult {
  const points = HEAP_RACE_SECONDS.map((raceSeconds) => {
    const out = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", resolve(import.meta.dirname, "heap.ts"), String(rooms), String(raceSeconds)], { cwd: REPO, encoding: "utf8" });
    const parsed = JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as { bytesPerRoom: number };
    return { raceSeconds, bytesPerRoom: parsed.bytesPerRoom };
  });
  return { rooms, bytesPerRoom: Math.max(...points.map((p) => p.bytesPerRoom)), points };
}

async function main(): Promise<void> {
  if (process.argv.includes("--help") || process.argv.includes("-h")) return void console.log(USAGE);
  // `--from=<results.json>`: recompute the figures of a saved run with the current code and rewrite its files.
  const from = process.argv.find((a) => a.startsWith("--from="))?.slice("--from=".length);
  if (from) {
    const saved = JSON.parse(readFileSync(from, "utf8")) as CapacityResults;
    const again: CapacityResults = { ...saved, figures: saved.config.systems.map((s) => systemFigures(s, saved.ramps)), notes: NOTES };
    console.log(renderTableFile(again));
    return void console.error(`rewrote ${saveResults(resolve(REPO, "bench/results"), again)}`);
  }
  const cfg = loadCapacityConfig();
  const startedAt = new Date().toISOString();
  const began = performance.now();
  const deadline = began + cfg.totalSeconds * 1000;
  const progress = new Progress(cfg.peersOnly ? "peers" : "bench", cfg.totalSeconds);
  const log = (m: string) => progress.log(m);
  const gitRev = execFileSync("git", ["rev-parse", "HEAD"], { cwd: REPO, encoding: "utf8" }).trim();

  let pinning: CapacityResults["pinning"] = { server: null, loadgen: null };
  if (cfg.pin && cpus().length >= 2) {
    try {
      execFileSync("taskset", ["-a", "-p", "-c", "0", String(process.pid)], { stdio: "ignore" });
      pinning = { server: "1", loadgen: "0" };
    } catch (err) {
      log(`taskset failed (${err instanceof Error ? err.message : String(err)}): running unpinned`);
    }
  }
  const fleet = Fleet.start(cfg.loadgens, pinning.loadgen);
  let current: SystemUnderTest | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    log(`${sig}: stopping`);
    void Promise.allSettled([fleet.stop(), current?.stop()]).finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  // Time reserved for the phases after the ramps (turn-based with its idle wait, heap, AI games).
  // The turn-based phase sets up wake rooms in three states (wake.ts) besides the Connect Four games.
  const extrasSeconds = cfg.floorSeconds + (cfg.peersOnly ? 0 : 40 + cfg.idleSeconds + cfg.aiGames * 0.5 + 5);
  const order = rampOrder(cfg.systems, cfg.reps);
  log(`ramps: ${order.map((o) => o.system).join(" ")}; from ${cfg.startRooms} rooms, ${cfg.windowSeconds} s windows, ${cfg.loadgens} load generators; budget ${cfg.totalSeconds} s (${extrasSeconds} s kept for the other phases); git ${gitRev.slice(0, 12)}`);
  const ramps: RampResult[] = [];
  let turnBased: TurnBasedResult | null = null;
  let heap: HeapResult | null = null;
  let ai: AiResult | null = null;
  let floor: FloorResult | null = null;
  try {
    for (const [i, { system, rep }] of order.entries()) {
      const share = ((deadline - performance.now()) / 1000 - extrasSeconds) / (order.length - i);
      const rampDeadline = performance.now() + share * 1000;
      progress.start(`ramp ${i + 1}/${order.length}: ${system} (rep ${rep}), ${Math.round(share)} s`, share);
      ramps.push(
        await rampSystem(
          system,
          rep,
          fleet,
          { startRooms: cfg.startRooms, maxRooms: cfg.maxRooms, windowSeconds: cfg.windowSeconds, warmupMs: cfg.warmupMs, stateBase: cfg.stateBase, serverCpus: pinning.server, gitRev, loadgenLimitCores: 0.9 },
          () => (rampDeadline - performance.now()) / 1000,
          log,
          (sys) => (current = sys),
        ),
      );
      current = null;
      progress.done();
    }
    progress.start(`workerd floor: minimal rooms with the runner's traffic, ${cfg.floorSeconds} s`, cfg.floorSeconds);
    const floorDeadline = performance.now() + cfg.floorSeconds * 1000;
    floor = await runFloor({
      startRooms: cfg.startRooms,
      maxRooms: cfg.maxRooms,
      windowSeconds: cfg.windowSeconds,
      stateBase: cfg.stateBase,
      serverCpus: pinning.server,
      remaining: () => (floorDeadline - performance.now()) / 1000,
      log,
    });
    log(`  floor: ${floor.cpuUsPerRoomTick ?? "n/a"} µs per room-tick at 50 rooms; ${floor.capacity.roomsPerCore} rooms per core (${floor.capacity.bound}, stop ${floor.stop})`);
    progress.done();
    if (!cfg.peersOnly) {
      progress.start("Edgeroom turn-based: Connect Four ack and CPU, wake, rebuild", 40 + cfg.idleSeconds);
      turnBased = await runTurnBased(
        { rooms: cfg.c4Rooms, thinkMs: cfg.c4ThinkMs, wakeRooms: cfg.wakeRooms, idleSeconds: cfg.idleSeconds, stateBase: cfg.stateBase, serverCpus: pinning.server, gitRev },
        log,
      );
      progress.done();
      progress.start(`JS heap per room (${cfg.heapRooms} rooms, ${HEAP_RACE_SECONDS.length} points of a race)`, 30);
      heap = heapPerRoom(cfg.heapRooms);
      log(`  heap: ${(heap.points ?? []).map((p) => `${round(p.bytesPerRoom / 1024, 1)} KB at ${p.raceSeconds} s`).join(", ")} per room over ${heap.rooms} rooms`);
      progress.done();
      progress.start(`Connect Four hard vs medium, ${cfg.aiGames} games`, cfg.aiGames * 0.4);
      ai = playAiGames(cfg.aiGames);
      log(`  AI: ${describeAiResult(ai)}`);
      progress.done();
    }
  } finally {
    progress.done();
    await fleet.stop();
  }

  const results: CapacityResults = {
    version: 2,
    kind: cfg.peersOnly ? "peers" : "bench",
    quick: cfg.quick,
    startedAt,
    runtimeSeconds: round((performance.now() - began) / 1000, 1),
    command: `${cfg.quick ? "BENCH_QUICK=1 " : ""}npm run ${cfg.peersOnly ? "bench:peers" : "bench"}${process.argv.slice(2).filter((a) => a !== "--peers").length ? ` -- ${process.argv.slice(2).filter((a) => a !== "--peers").join(" ")}` : ""}`,
    machine: machineInfo(),
    gitRev,
    pinning,
    packages: Object.fromEntries(["@colyseus/core", "@colyseus/ws-transport", "@colyseus/schema", "colyseus.js", "partyserver", "miniflare", "wrangler"].map((p) => [p, packageVersion(p)])),
    config: cfg,
    ramps,
    figures: cfg.systems.map((s) => systemFigures(s, ramps)),
    turnBased,
    heap,
    ai,
    floor,
    notes: NOTES,
  };
  const path = saveResults(resolve(REPO, "bench/results"), results);
  console.log(renderTableFile(results));
  log(`saved ${path}`);
  progress.stop();
  if (ramps.every((r) => r.levels.length === 0)) process.exitCode = 1;
}

await main();
