/**
 * Does live heap alone cost workerd rooms per core? The capacity bench's workerd floor (bench/capacity/
 * floor.ts: same traffic, ramp, window and 20 Hz criterion), run as is and with live objects added:
 * a number of small objects kept by the isolate (as a bundle's modules keep code, schemas and tables) and
 * a number per room (as a room's own state). Each object is a linked record with a 3-slot array and a
 * double field: about 4 heap nodes and ~110 bytes. Variants run alternating, REPS times each, server
 * pinned to CPU 1 (run this under `taskset -c 0`). Prints each run's levels and rooms per core.
 * Usage: VARIANTS=0:0,18000:0,0:110,18000:110 REPS=2 npx tsx bench/floor-live.ts
 * (a variant may add junk objects per tick, a SQLite row every N ticks and an alarm write every M ticks:
 * fixed:perRoom:junk:N:M, e.g. 15000:100:30:66:320). A variant ending in `+flags` runs with Edgeroom's
 * compatibility date and flags (wrangler.toml); one ending in `+edgeroom` also imports Edgeroom's whole
 * worker bundle (as the tests build it) into the floor's isolate, evaluated and kept, serving nothing:
 * what the bundle's presence alone costs. E.g. VARIANTS=0:0+flags,0:0+edgeroom
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { unstable_readConfig } from "wrangler";
import { bundleWorker, REPO } from "../test/support/worker-bundle";
import { loadCapacityConfig } from "./capacity/config";
import { runFloor, type FloorScriptOptions } from "./capacity/floor";

// VARIANTS: comma-separated fixed:perRoom[:junkPerTick[:sqlEveryTicks[:alarmEveryTicks]]] (0:0 is the floor as the bench runs it).
const specs = (process.env["VARIANTS"] ?? "0:0,18000:110").split(",");
const wrangler = unstable_readConfig({ config: join(REPO, "wrangler.toml") });
const edgeroomFlags = { compatibilityDate: wrangler.compatibility_date ?? "2025-09-01", compatibilityFlags: wrangler.compatibility_flags };
const needsBundle = specs.some((v) => v.endsWith("+edgeroom"));
const bundle = needsBundle ? readFileSync((await bundleWorker()).scriptPath, "utf8") : "";
const reps = Number(process.env["REPS"] ?? 2);
// The capacity bench's own window and state directory (its defaults, as `npm run bench` uses them).
const cfg = loadCapacityConfig([], {});
const seconds = Number(process.env["SECONDS"] ?? 150);
const variants: Record<string, FloorScriptOptions> = Object.fromEntries(
  specs.map((spec) => {
    const [numbers = "", extra = ""] = spec.split("+");
    const [fixed = 0, perRoom = 0, junk = 0, sql = 0, alarm = 0] = numbers.split(":").map(Number);
    const base: FloorScriptOptions = { liveFixedObjects: fixed, liveObjectsPerRoom: perRoom, junkPerTick: junk, sqlEveryTicks: sql, alarmEveryTicks: alarm };
    const withExtra: FloorScriptOptions =
      extra === "edgeroom"
        ? { ...base, ...edgeroomFlags, modules: [{ path: "edgeroom.js", contents: bundle }], prelude: `import * as edgeroom from "./edgeroom.js";\nglobalThis.edgeroomModule = edgeroom;` }
        : extra === "flags"
          ? { ...base, ...edgeroomFlags }
          : base;
    return [`live ${fixed} + ${perRoom}/room, junk ${junk}/tick, sql every ${sql}, alarm every ${alarm}${extra ? ` +${extra}` : ""}`, withExtra];
  }),
);

for (let rep = 0; rep < reps; rep += 1) {
  for (const [name, script] of Object.entries(variants)) {
    const deadline = performance.now() + seconds * 1000;
    const r = await runFloor({
      startRooms: 50,
      maxRooms: 800,
      windowSeconds: cfg.windowSeconds,
      stateBase: cfg.stateBase,
      serverCpus: "1",
      remaining: () => (deadline - performance.now()) / 1000,
      log: () => {},
      script,
    });
    const levels = r.levels.map((l) => `${l.rooms}:${l.verdict.holds20Hz ? "ok" : "FAIL"}${l.firstWindow ? `[2 windows, first ${l.firstWindow.gapP99Ms} ms]` : ""}(p99 gap ${l.verdict.gapP99Ms} ms, ${l.server.cores.toFixed(2)} core)`).join(" ");
    console.log(`${new Date().toISOString()} rep ${rep} ${name}: ${r.capacity.roomsPerCore} rooms per core (${r.capacity.bound}, stop ${r.stop}); ${r.cpuUsPerRoomTick} µs/room-tick; ${levels}${r.error ? ` ERROR ${r.error}` : ""}`);
  }
}
