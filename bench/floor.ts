/**
 * `npx tsx bench/floor.ts`: workerd's own floor for the runner's traffic on this machine, alone (the
 * capacity bench, `npm run bench`, measures it in its session too; bench/capacity/floor.ts says what the
 * minimal rooms do). Pins workerd to CPU 1 and this process (the clients) to CPU 0 like the bench, ramps
 * from START_ROOMS (default 50) to MAX_ROOMS (default 800) in WINDOW_SECONDS windows (default 6) within
 * SECONDS (default 120), prints every level and writes bench/results/floor-latest.json.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { runFloor } from "./capacity/floor";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
let serverCpus: string | null = null;
if (cpus().length >= 2) {
  execFileSync("taskset", ["-a", "-p", "-c", "0", String(process.pid)], { stdio: "ignore" });
  serverCpus = "1";
}
const deadline = performance.now() + env("SECONDS", 120) * 1000;
const result = await runFloor({
  startRooms: env("START_ROOMS", 50),
  maxRooms: env("MAX_ROOMS", 800),
  windowSeconds: env("WINDOW_SECONDS", 6),
  stateBase: process.env.BENCH_STATE_DIR || "/dev/shm",
  serverCpus,
  remaining: () => (deadline - performance.now()) / 1000,
  log: (line) => console.log(line),
});
console.log(`floor: ${result.cpuUsPerRoomTick ?? "n/a"} µs per room-tick at 50 rooms; stop ${result.stop}; ${result.capacity.roomsPerCore} rooms per core (${result.capacity.bound})`);
const out = resolve(import.meta.dirname, "results");
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "floor-latest.json"), `${JSON.stringify({ at: new Date().toISOString(), serverCpus, ...result }, null, 1)}\n`);
