/**
 * Does live heap alone cost workerd rooms per core? The capacity bench's workerd floor (bench/capacity/
 * floor.ts: same traffic, ramp, window and 20 Hz criterion), run as is and with live objects added:
 * a number of small objects kept by the isolate (as a bundle's modules keep code, schemas and tables) and
 * a number per room (as a room's own state). Each object is a linked record with a 3-slot array and a
 * double field: about 4 heap nodes and ~110 bytes. Variants run alternating, REPS times each, server
 * pinned to CPU 1 (run this under `taskset -c 0`). Prints each run's levels and rooms per core.
 * Usage: VARIANTS=0:0,18000:0,0:110,18000:110 REPS=2 npx tsx bench/floor-live.ts
 * (a variant may add junk objects per tick, a SQLite row every N ticks and an alarm write every M ticks:
 * fixed:perRoom:junk:N:M, e.g. 15000:100:30:66:320)
 */
import { loadCapacityConfig } from "./capacity/config";
import { runFloor, type FloorScriptOptions } from "./capacity/floor";

// VARIANTS: comma-separated fixed:perRoom[:junkPerTick[:sqlEveryTicks[:alarmEveryTicks]]] (0:0 is the floor as the bench runs it).
const pairs = (process.env["VARIANTS"] ?? "0:0,18000:110").split(",").map((v) => v.split(":").map(Number));
const reps = Number(process.env["REPS"] ?? 2);
// The capacity bench's own window and state directory (its defaults, as `npm run bench` uses them).
const cfg = loadCapacityConfig([], {});
const seconds = Number(process.env["SECONDS"] ?? 150);
const variants: Record<string, FloorScriptOptions> = Object.fromEntries(
  pairs.map(([fixed = 0, perRoom = 0, junk = 0, sql = 0, alarm = 0]) => [
    `live ${fixed} + ${perRoom}/room, junk ${junk}/tick, sql every ${sql}, alarm every ${alarm}`,
    { liveFixedObjects: fixed, liveObjectsPerRoom: perRoom, junkPerTick: junk, sqlEveryTicks: sql, alarmEveryTicks: alarm },
  ]),
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
