/**
 * `npm run bench:peers`: the runner (4 players, 60 Hz simulation, 20 Hz state)
 * on Edgeroom, Colyseus and PartyServer, one after the other in alternating
 * order (A B C, C B A, …), with the same load generator and bot brain, the
 * server and the load generator pinned to different cores (taskset), on
 * loopback, bounded in time. Writes bench/results/peers-<time>.json,
 * peers-latest.{json,md,svg}. Everything it starts is stopped at the end, on
 * errors and on Ctrl-C too.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { resolve } from "node:path";
import { cpuMs, machineInfo, rssBytes } from "../proc";
import { sleep } from "../rooms";
import { Progress } from "../progress";
import { round } from "../stats";
import { estimateRunSeconds, loadPeersConfig, planReps, runOrder, USAGE } from "./config";
import { estimateLevelSeconds, failedLevel, NOISY_OTHER_CORES, runLevel, waitForQuiet, type LevelResult } from "./level";
import { renderTable, savePeersResults, type PeersResults } from "./report";
import { compare, type RunResult } from "./summary";
import { startSystem, type AnyBot, type SystemUnderTest } from "./systems";

const REPO = resolve(import.meta.dirname, "..", "..");

const NOTES = [
  "Same simulation everywhere: Colyseus and PartyServer import src/games/runner (rules, input schema, windows, `step`) through bench/peers/match.ts; Edgeroom runs it in its room. Same bot brain (bench/reactive.ts: the game's scripted runner on the quantised state) and match shape (4 bots per room, match starts when the 4th joins).",
  "Seeds: the peers take one per room from a fixed sequence (the same for both); Edgeroom derives each round's seed from the match secret and cannot be told one. Courses differ between Edgeroom and the peers but follow the same generator.",
  "Acknowledgements: every system acks an input when the step that applies it runs. Edgeroom runs its owed steps once per 50 ms snapshot interval (timer loop, alarms only as a watchdog), so about 50 ms of its ack latency is by design; the peers run a step every 16.7 ms and ack at once.",
  "Sizes are WebSocket message payloads: Edgeroom msgpack delta snapshots, Colyseus Schema patches (ROOM_STATE_PATCH), PartyServer JSON text of the full game state. Add 2 bytes of WebSocket header per message and TCP/IP overhead for the wire.",
  "Lateness: arrival − (first state of the window + (tick − its tick) × 1000/60 ms), per client, pooled. For Colyseus and PartyServer the 20 Hz send timer is not aligned with the 60 Hz step timer, so a state may be up to one tick (16.7 ms) staler when sent than Edgeroom's, which is sent right after its steps; this shows in their lateness and jitter even with no load.",
  "Skipped ticks: Σ(Δtick − 3) where consecutive states are more than 3 ticks apart; with decoupled timers (Colyseus, PartyServer) Δtick alternates 2/3/4 without anything being lost, so 'gaps > 75 ms' (a state missing its 50 ms slot) is the comparable figure.",
  "CPU: utime+stime of the server processes (workerd for Edgeroom and PartyServer, the Node process for Colyseus) over the window ÷ room-ticks, minus the idle rate measured after start. Memory: (RSS at the largest measured level − RSS after start) ÷ rooms.",
  "Rooms per core: the server is pinned to one core, so the largest level that holds 20 Hz (every client's fitted state period within 2% of 50 ms and p99 delivery-schedule lateness under the limit), with every lower level, is rooms per core, at the resolution of the levels run; lower median over repetitions. The same with Edgeroom's tick-lateness criterion is reported too.",
  "Cost is modelled for the two workerd systems only, from operations the servers counted; Colyseus runs on a VM/container whose price depends on the host, not per operation.",
  "wrangler dev runs workerd locally: CPU, memory and timings differ from Cloudflare's edge. Node's and workerd's timers differ too. The load generator is one Node process; levels where it used more than 80% of its core or its event-loop delay p99 exceeded 20 ms are discarded.",
];

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(resolve(REPO, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

async function main(): Promise<void> {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log(USAGE);
    return;
  }
  const from = process.argv.find((a) => a.startsWith("--from="))?.slice("--from=".length);
  if (from) return resummarise(from);
  const cfg = loadPeersConfig();
  const startedAt = new Date().toISOString();
  const began = performance.now();
  const deadline = began + cfg.totalSeconds * 1000;
  const secondsLeft = () => (deadline - performance.now()) / 1000;
  const progress = new Progress("peers", cfg.totalSeconds);
  const log = (msg: string) => progress.log(msg);

  // Pinning: the load generator (this process, every thread) on CPU 0, each server on CPU 1.
  let pinning: PeersResults["pinning"] = { loadgen: null, server: null };
  if (cfg.pin && cpus().length >= 2) {
    try {
      execFileSync("taskset", ["-a", "-p", "-c", "0", String(process.pid)], { stdio: "ignore" });
      pinning = { loadgen: "0", server: "1" };
    } catch (err) {
      log(`taskset failed (${err instanceof Error ? err.message : String(err)}): running unpinned`);
    }
  }
  const gitRev = execFileSync("git", ["rev-parse", "HEAD"], { cwd: REPO, encoding: "utf8" }).trim();
  const reps = planReps(cfg);
  const order = runOrder(cfg.systems, reps);
  log(`${reps} repetition(s): ${order.map((o) => o.system).join(" ")}; levels ${cfg.levels.join(", ")}; ${cfg.windowSeconds} s windows; budget ${cfg.totalSeconds} s; git ${gitRev.slice(0, 12)}`);

  const bots = new Set<AnyBot>();
  let current: SystemUnderTest | null = null;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    for (const b of bots) b.terminate();
    if (current) await current.stop().catch(() => undefined);
    current = null;
  };
  const onSignal = (sig: NodeJS.Signals) => {
    log(`${sig}: stopping`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const runs: RunResult[] = [];
  const skipped: string[] = [];
  const levelCfg = { windowSeconds: cfg.windowSeconds, baselineWindowSeconds: cfg.baselineWindowSeconds, warmupMs: cfg.warmupMs, lateLimitMs: cfg.lateLimitMs, loadgenLimit: cfg.loadgenLimit, eldLimitMs: cfg.eldLimitMs };
  try {
    for (const [index, { system, rep }] of order.entries()) {
      // Leave each remaining run a fair share: a run that cannot fit its smallest levels is not started.
      const minimal = estimateRunSeconds(cfg.levels.slice(0, 1), cfg.windowSeconds, cfg.warmupMs);
      if (secondsLeft() < minimal) {
        skipped.push(`${system} rep ${rep}: time budget`);
        continue;
      }
      progress.start(`run ${index + 1}/${order.length}: ${system} (rep ${rep}): starting the server`);
      const levels: LevelResult[] = [];
      let idle = 0;
      let rss0 = 0;
      let runError: string | null = null;
      let description = "";
      try {
        current = await startSystem(system, { stateBase: cfg.stateBase, cpus: pinning.server, gitRev });
        description = current.description;
        progress.start(`run ${index + 1}/${order.length}: ${system}: measuring idle CPU`, 3);
        await sleep(1000);
        const pids = current.serverPids();
        const c0 = cpuMs(pids);
        const t0 = performance.now();
        await sleep(2000);
        idle = round((cpuMs(pids) - c0) / ((performance.now() - t0) / 1000), 2);
        rss0 = rssBytes(pids);
        log(`  pids ${pids.join(",")}: idle ${idle} ms CPU/s, RSS ${round(rss0 / 2 ** 20, 1)} MiB`);
        const runsLeft = order.length - index;
        for (const [levelIndex, rooms] of cfg.levels.entries()) {
          const need = estimateLevelSeconds(rooms, levelCfg);
          // Keep time for the other runs' smallest levels.
          const reserve = (runsLeft - 1) * minimal;
          if (secondsLeft() - reserve < need) {
            skipped.push(`${system} rep ${rep}, ${rooms} rooms: time budget`);
            continue;
          }
          const previous = levels[levels.length - 1];
          // Above 200 rooms (the last reported point) stop at the first failure.
          if (rooms > 200 && previous && (!previous.pass || previous.error)) {
            skipped.push(`${system} rep ${rep}, ${rooms} rooms: the ${previous.rooms}-room level failed`);
            continue;
          }
          // The machine may be shared: give other work up to 10 s to calm down (never beyond the budget).
          const spare = secondsLeft() - reserve - need;
          const other = spare > 1 ? await waitForQuiet(current.serverPids(), Math.min(10_000, spare * 1000)) : 0;
          progress.start(
            `run ${index + 1}/${order.length}: ${system}, level ${levelIndex + 1}/${cfg.levels.length}: ${rooms} room(s)${other >= NOISY_OTHER_CORES ? ` (other processes are using ${round(other, 2)} cores; measuring anyway)` : ""}`,
            need,
          );
          let level: LevelResult;
          try {
            level = await runLevel(current, rooms, rep, rooms * 1000 + rep, idle, levelCfg, (b) => bots.add(b));
          } catch (err) {
            level = failedLevel(system, rep, rooms, err instanceof Error ? err.message.slice(0, 300) : String(err));
          }
          progress.done();
          for (const b of bots) if (!b.open) bots.delete(b);
          levels.push(level);
          const f = level.figures;
          log(
            level.error
              ? `    error: ${level.error}`
              : `    ${level.pass ? "holds" : "FAILS"} 20 Hz (schedule p99 ${level.schedule.p99Ms} ms, period ${level.schedule.maxPeriodMs} ms), tick late p99 ${f.latenessMs.p99} ms, jitter p99 ${f.jitterMs.p99} ms, ack p50/p99 ${f.ackMs.p50}/${f.ackMs.p99} ms (${f.unacked}/${f.inputs} unacked), ${f.bytes.perClientPerTick} B/client/tick, server ${level.server.cores} cores ${level.server.usPerRoomTickNet} µs/room-tick, loadgen ${level.loadgen.cpuCores} cores ELD p99/p99.9/max ${level.loadgen.eventLoopDelayP99Ms}/${level.loadgen.eventLoopDelayP999Ms}/${level.loadgen.eventLoopDelayMaxMs} ms, other ${level.machine.otherCores} cores${level.counted ? `, counted ${JSON.stringify(level.counted)}` : ""}`,
          );
        }
      } catch (err) {
        runError = err instanceof Error ? err.message.slice(0, 500) : String(err);
        log(`  ${system} failed: ${runError}`);
      } finally {
        for (const b of bots) b.terminate();
        bots.clear();
        if (current) await current.stop().catch(() => undefined);
        current = null;
      }
      runs.push({ system, rep, description, idleCpuMsPerSecond: idle, rss0Bytes: rss0, levels, error: runError });
    }
  } finally {
    progress.done();
    await cleanup();
  }

  const comparison = compare(runs, cfg.systems);
  const results: PeersResults = {
    version: 1,
    startedAt,
    finishedAt: new Date().toISOString(),
    runtimeSeconds: round((performance.now() - began) / 1000, 1),
    machine: machineInfo(),
    gitRev,
    pinning,
    config: { ...cfg, resultsDir: "bench/results", repsRun: reps },
    packages: Object.fromEntries(["@colyseus/core", "@colyseus/ws-transport", "@colyseus/schema", "colyseus.js", "partyserver", "wrangler"].map((p) => [p, packageVersion(p)])),
    runs,
    comparison,
    skipped,
    notes: NOTES,
  };
  console.log(renderTable(comparison));
  const path = savePeersResults(cfg.resultsDir, results);
  log(`saved ${path} and peers-latest.{json,md,svg}`);
  progress.stop();
  if (runs.every((r) => r.levels.length === 0)) process.exitCode = 1;
}

/** `--from=<results.json>`: recompute the comparison of a saved run with the current summary code and rewrite peers-latest.*. */
function resummarise(path: string): void {
  const saved = JSON.parse(readFileSync(path, "utf8")) as PeersResults;
  const results: PeersResults = { ...saved, comparison: compare(saved.runs, saved.config.systems), notes: NOTES };
  console.log(renderTable(results.comparison));
  const out = savePeersResults(resolve(REPO, "bench/results"), results);
  console.error(`rewrote ${out} and peers-latest.{json,md,svg}`);
}

await main();
