/**
 * A/B at one fixed level: Edgeroom built from each of several git revisions, at ROOMS rooms for one long
 * window each, alternating (A B, B A, …), with the capacity bench's own machinery (load generator fleet,
 * pinning, the 20 Hz criterion: bench/capacity/system-ramp.ts with start = max = ROOMS). A ramp moves by
 * whole 25 % levels and single ramps differ by a level on this VM; the share of gaps past 75 ms at a fixed
 * level is continuous, so a lever worth a fraction of a level shows here first (run an A/A pair to see the
 * spread). Quiet machine only.
 *
 * Usage: REVS=main,my-branch ROOMS=150 WINDOW=30 REPS=3 npx tsx bench/level-ab.ts
 * Prints one line per run and a summary per revision (mean and each run's share over 75 / ≥ 95 ms, and the
 * share of the rooms' loop ticks that ran 25 ms or more late by their own clock, `loopTicksLate`; NaN for a
 * revision before 2026-12-07 14:00).
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { loadCapacityConfig } from "./capacity/config";
import { Fleet } from "./capacity/fleet";
import { rampSystem } from "./capacity/system-ramp";

const REPO = resolve(import.meta.dirname, "..");
const revNames = (process.env["REVS"] ?? "HEAD,HEAD").split(",");
const revs = revNames.map((r) => execFileSync("git", ["rev-parse", r], { cwd: REPO, encoding: "utf8" }).trim());
const rooms = Number(process.env["ROOMS"] ?? 150);
const windowSeconds = Number(process.env["WINDOW"] ?? 30);
const reps = Number(process.env["REPS"] ?? 3);
const cfg = loadCapacityConfig([], {});

execFileSync("taskset", ["-a", "-p", "-c", "0", String(process.pid)], { stdio: "ignore" });
const fleet = Fleet.start(cfg.loadgens, "0");
const results = new Map<string, { over75: number; over95: number; p99: number; cores: number; us: number; late: number }[]>();
try {
  for (let rep = 0; rep < reps; rep += 1) {
    const order = revNames.map((name, i) => ({ name: `${name}#${i}`, rev: revs[i] ?? "HEAD" }));
    for (const { name, rev } of rep % 2 === 0 ? order : order.reverse()) {
      const deadline = performance.now() + (windowSeconds * 2 + 120) * 1000;
      const r = await rampSystem(
        "edgeroom",
        rep + 1,
        fleet,
        { startRooms: rooms, maxRooms: rooms, windowSeconds, warmupMs: cfg.warmupMs, stateBase: cfg.stateBase, serverCpus: "1", gitRev: rev, loadgenLimitCores: 0.9 },
        () => (deadline - performance.now()) / 1000,
        () => {},
        () => {},
      );
      const l = r.levels.find((x) => x.rooms === rooms);
      if (!l) {
        console.log(`${new Date().toISOString()} ${name} rep ${rep + 1}: no level at ${rooms} rooms (stop ${r.stop})`);
        continue;
      }
      const row = { over75: l.gapsOver75Ms ?? NaN, over95: l.gapsOver95Ms ?? NaN, p99: l.verdict.gapP99Ms, cores: l.server.cores, us: l.server.usPerRoomTickNet, late: l.counted?.lateLoopShare ?? NaN };
      results.set(name, [...(results.get(name) ?? []), row]);
      console.log(`${new Date().toISOString()} ${name} (${rev.slice(0, 9)}) rep ${rep + 1}: ${rooms} rooms, gaps > 75 / ≥ 95 ms ${(row.over75 * 100).toFixed(2)} / ${(row.over95 * 100).toFixed(2)} %, gap p99 ${row.p99} ms, server loop ticks ≥ 25 ms late ${(row.late * 100).toFixed(2)} %, server ${row.cores} cores, ${row.us} µs/room-tick, other processes ${l.otherCores} cores, loadgen ${l.loadgenCores} cores, ended ${l.endedRooms}, bots failed in ${l.failedRooms}${l.firstWindow ? " (failed its window)" : ""}`);
    }
  }
} finally {
  await fleet.stop();
}
for (const [name, rows] of results) {
  const mean = (f: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
  console.log(`${name}: mean gaps > 75 ms ${(mean((r) => r.over75) * 100).toFixed(2)} % (${rows.map((r) => (r.over75 * 100).toFixed(2)).join(", ")}), ≥ 95 ms ${(mean((r) => r.over95) * 100).toFixed(2)} %, server ticks ≥ 25 ms late ${(mean((r) => r.late) * 100).toFixed(2)} % (${rows.map((r) => (r.late * 100).toFixed(2)).join(", ")}), µs/room-tick ${mean((r) => r.us).toFixed(1)}`);
}
