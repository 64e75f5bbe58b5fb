/**
 * `npx tsx bench/room-tick.ts`: CPU of the room core per room-tick, in process (no workerd, no
 * sockets): ROOMS four-player runner rooms (default 50), each driven as the host drives it: client
 * input frames go in as msgpack bytes through `message`, the loop calls `advance` every 50 ms of a
 * virtual clock, and every drained frame is encoded as the host's flush would (bytes passed through,
 * other frames msgpack-encoded). The bots (scripted, as in the bench) decide outside the timed part.
 * Reports µs of room work per room-tick (60 Hz simulation ticks) and per loop iteration (20 Hz), and
 * snapshot bytes per client per second; writes bench/results/room-tick-latest.{json,md}. With
 * ROOM_TICK_BASELINE=<json of an earlier run> it prints that run beside this one (before/after).
 * Bounded: SECONDS of race per room (default 30), REPEATS runs (default 3), the median is reported.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { games } from "../src/app/games";
import { scriptedInput, step, type RunnerInput, type RunnerState } from "../src/games/runner";
import { GameRegistry } from "../src/games/registry";
import { encodeFrame } from "../src/protocol";
import type { RoomCore } from "../src/room/core/room-core";
import { RUNNER_SEATS, runnerCore } from "./runner-core";

const ROOMS = Number(process.env.ROOMS ?? 50);
const SECONDS = Number(process.env.SECONDS ?? 30);
const REPEATS = Number(process.env.REPEATS ?? 3);
const SEATS = RUNNER_SEATS;

interface Run {
  readonly usPerRoomTick: number;
  readonly usPerRoomLoop: number;
  readonly snapBytesPerClientPerSecond: number;
  readonly ticks: number;
}

function makeRoom(registry: GameRegistry, seed: number, now: number): RoomCore {
  const game = registry.find("runner");
  if (!game) throw new Error("runner is not registered");
  return runnerCore(game, seed, now, Math.min(90, SECONDS + 5));
}

function isSnap(frame: unknown): boolean {
  if (frame instanceof Uint8Array) return frame[0] === 0xc1;
  return typeof frame === "object" && frame !== null && "t" in frame && frame.t === "snap";
}

function runOnce(): Run {
  const registry = new GameRegistry(games);
  let now = 1_700_000_000_000;
  const rooms = Array.from({ length: ROOMS }, (_, i) => makeRoom(registry, 1000 + i, now));
  const ids = rooms.map(() => [0, 0, 0, 0]);
  let roomMs = 0;
  let snapBytes = 0;
  const startTicks = rooms.map((r) => (r.record.game as RunnerState).tick);
  const iterations = Math.round((SECONDS * 1000) / 50);
  for (let it = 0; it < iterations; it++) {
    now += 50;
    rooms.forEach((core, k) => {
      if (core.record.status !== "playing") return;
      // The bots decide outside the timed part (like clients on other machines).
      let state = core.record.game as RunnerState;
      const frames: { conn: string; bytes: ArrayBuffer }[] = [];
      for (let t = 0; t < 3; t++) {
        const inputs: { seat: number; input: RunnerInput }[] = [];
        for (let seat = 0; seat < SEATS; seat++) {
          const input = scriptedInput(state, seat);
          if (!input) continue;
          const seatIds = ids[k] ?? [0, 0, 0, 0];
          seatIds[seat] = (seatIds[seat] ?? 0) + 1;
          frames.push({ conn: `c${seat}`, bytes: encodeFrame({ t: "input", id: seatIds[seat] ?? 1, data: input }).slice().buffer });
          inputs.push({ seat, input });
        }
        state = step(state, inputs).state;
      }
      const began = process.cpuUsage();
      for (const f of frames) {
        core.message(f.conn, f.bytes, now);
        for (const frame of core.drain().frames) if (!(frame instanceof Uint8Array)) encodeFrame(frame);
      }
      core.advance(now);
      for (const frame of core.drain().frames) {
        const bytes = frame instanceof Uint8Array ? frame : encodeFrame(frame);
        if (isSnap(frame)) snapBytes += bytes.byteLength;
      }
      const used = process.cpuUsage(began);
      roomMs += (used.user + used.system) / 1000;
    });
  }
  const ticks = rooms.reduce((sum, r, i) => sum + (r.record.game as RunnerState).tick - (startTicks[i] ?? 0), 0);
  const loops = ticks / 3;
  return {
    usPerRoomTick: (roomMs * 1000) / ticks,
    usPerRoomLoop: (roomMs * 1000) / loops,
    snapBytesPerClientPerSecond: snapBytes / (ROOMS * SEATS) / ((ticks / ROOMS) / 60),
    ticks,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

const runs: Run[] = [];
for (let i = 0; i < REPEATS; i++) runs.push(runOnce());
const result = {
  at: new Date().toISOString(),
  rooms: ROOMS,
  seatsPerRoom: SEATS,
  secondsPerRoom: SECONDS,
  repeats: REPEATS,
  cpu: cpus()[0]?.model ?? "unknown",
  usPerRoomTick: median(runs.map((r) => r.usPerRoomTick)),
  usPerRoomLoop: median(runs.map((r) => r.usPerRoomLoop)),
  snapBytesPerClientPerSecond: median(runs.map((r) => r.snapBytesPerClientPerSecond)),
  runs,
};
const baselinePath = process.env.ROOM_TICK_BASELINE;
const baseline = baselinePath && existsSync(baselinePath) ? (JSON.parse(readFileSync(baselinePath, "utf8")) as typeof result) : null;
const f = (x: number, d = 1) => x.toFixed(d);
const lines = [
  `# Room core CPU per room-tick (in process, ${ROOMS} rooms × ${SEATS} scripted players, ${SECONDS} s of race each, median of ${REPEATS})`,
  "",
  `Measured ${result.at} on ${result.cpu}. Room work only: input frames decoded and admitted, owed steps run, snapshots and other frames encoded as the host's flush would; no workerd, sockets, storage or bots' decisions. A room-tick is one 60 Hz simulation tick; a loop is one 50 ms iteration (3 ticks, one snapshot).`,
  "",
  "| figure | " + (baseline ? "before | " : "") + "now |",
  "|---|" + (baseline ? "---|" : "") + "---|",
  `| µs per room-tick | ${baseline ? `${f(baseline.usPerRoomTick)} | ` : ""}${f(result.usPerRoomTick)} |`,
  `| µs per room loop (50 ms) | ${baseline ? `${f(baseline.usPerRoomLoop)} | ` : ""}${f(result.usPerRoomLoop)} |`,
  `| snapshot bytes per client per second | ${baseline ? `${f(baseline.snapBytesPerClientPerSecond)} | ` : ""}${f(result.snapBytesPerClientPerSecond)} |`,
  "",
  "Timing figures are the process's CPU time (user + system, `process.cpuUsage`) around the room work only, so a busy shared machine delays them less than wall time would; sizes are exact for the scripted race.",
];
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/room-tick-latest.json", JSON.stringify({ ...result, baseline }, null, 2) + "\n");
writeFileSync("bench/results/room-tick-latest.md", lines.join("\n") + "\n");
console.log(lines.join("\n"));
