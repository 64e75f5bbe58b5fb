/**
 * The project's own JS heap per room, apart from the platform's RSS: run as
 * `node --expose-gc --import tsx bench/capacity/heap.ts <rooms>`, it builds
 * that many 4-player runner rooms on the in-process stepper (src/testing:
 * the same RoomCore the Durable Object hosts), connects the four players,
 * plays them with the game's scripted runner into the race, keeps only the
 * RoomCore instances (the stepper's inbox, saved copy and action list are
 * test scaffolding a Durable Object does not hold), and prints one JSON line:
 * process.memoryUsage().heapUsed after full GCs, before and after, ÷ rooms.
 * Not counted: the host's per-socket attachments, workerd's WebSocket objects
 * and SQLite page cache, the isolate's code (shared by every room of an
 * isolate). workerd's own RSS per room is reported by the ramp levels.
 */
import { games } from "../../src/app/games";
import { scriptedInput, type RunnerState } from "../../src/games/runner";
import type { RoomCore } from "../../src/room/core/room-core";
import { RoomStepper } from "../../src/testing/room-stepper";

const gc = (globalThis as { gc?: () => void }).gc;

function heap(): number {
  if (!gc) throw new Error("run with node --expose-gc");
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

function buildRoom(seed: number): RoomCore {
  const r = new RoomStepper({ game: "runner", seats: 4, options: { durationSeconds: 90 } }, { games, seed });
  for (let i = 0; i < 4; i++) r.connect(`c${i}`, `p${i}`);
  const ids = [0, 0, 0, 0];
  // Countdown (3 s) and 2 s of racing, in 50 ms snapshot intervals, the scripted players pressing.
  for (let t = 0; t < 100; t++) {
    const state = r.core.record.game as RunnerState;
    if (r.core.record.status === "playing") {
      for (let seat = 0; seat < 4; seat++) {
        const input = scriptedInput(state, seat);
        if (!input) continue;
        ids[seat] = (ids[seat] ?? 0) + 1;
        r.send(`c${seat}`, { t: "input", id: ids[seat] as number, data: input });
      }
    }
    r.advance(50);
  }
  return r.core;
}

function main(): void {
  const rooms = Math.max(1, Number(process.argv[2] ?? 200));
  // Warm the code paths (lazy compilation, shared caches) before the baseline.
  const warm = [buildRoom(1), buildRoom(2)];
  const before = heap();
  const cores: RoomCore[] = [];
  for (let i = 0; i < rooms; i++) cores.push(buildRoom(1000 + i));
  const after = heap();
  const racing = cores.filter((c) => c.record.status === "playing").length;
  console.log(JSON.stringify({ rooms, racing, heapBeforeBytes: before, heapAfterBytes: after, bytesPerRoom: Math.round((after - before) / rooms), warm: warm.length }));
}

main();
