/**
 * The project's own JS heap per room, apart from the platform's RSS: run as
 * `node --expose-gc --import tsx bench/capacity/heap.ts <rooms> [raceSeconds]`,
 * it builds that many 4-player runner rooms on the in-process stepper
 * (src/testing: the same RoomCore the Durable Object hosts), connects the four
 * players, plays them with the capacity bench's bots `raceSeconds` (default 2)
 * into the race (a room's heap grows as the race goes: applied inputs' log
 * entries ride in the record until a batch row takes them), keeps only the
 * RoomCore instances (the stepper's inbox, saved copy and action list are
 * test scaffolding a Durable Object does not hold), and prints one JSON line:
 * process.memoryUsage().heapUsed after full GCs, before and after, ÷ rooms.
 * Not counted: the host's per-socket attachments, workerd's WebSocket objects
 * and SQLite page cache, the isolate's code (shared by every room of an
 * isolate). workerd's own RSS per room is reported by the ramp levels.
 *
 * `--ack`: the bots also acknowledge critical updates (`matchStarted`) as the SDK does at once; without it
 * every seat keeps that update unacknowledged all race (as in the figures before 2026-12-07 08:15 UTC).
 *
 * `--snapshot=<file>` also writes a V8 heap snapshot of the kept rooms (each as `{ core }`, the shape
 * bench/heap-snapshot.ts attributes by field: `npx tsx bench/heap-snapshot.ts <file> 6`).
 */
import { writeHeapSnapshot } from "node:v8";
import { games } from "../../src/app/games";
import { carriedCount } from "../../src/room/core/carried-log";
import { quantize, type RunnerState } from "../../src/games/runner";
import type { RoomCore } from "../../src/room/core/room-core";
import { RoomStepper } from "../../src/testing/room-stepper";
import { decide, newBotMemory } from "../reactive";

const gc = (globalThis as { gc?: () => void }).gc;

function heap(): number {
  if (!gc) throw new Error("run with node --expose-gc");
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

function buildRoom(seed: number, raceSeconds: number, ack: boolean): RoomCore {
  const r = new RoomStepper({ game: "runner", seats: 4, options: { durationSeconds: 90 } }, { games, seed });
  for (let i = 0; i < 4; i++) r.connect(`c${i}`, `p${i}`);
  const ids = [0, 0, 0, 0];
  const mems = [newBotMemory(), newBotMemory(), newBotMemory(), newBotMemory()];
  // Countdown (3 s) and `raceSeconds` of racing, in 50 ms snapshot intervals: the capacity bench's bots
  // (bench/reactive.ts: planned inputs and probes, never falling), so the race lasts as long as asked.
  for (let t = 0; t < (3 + raceSeconds) * 20; t++) {
    if (r.core.record.status === "playing") {
      const q = quantize(r.core.record.game as RunnerState);
      for (let seat = 0; seat < 4; seat++) {
        const mem = mems[seat];
        const d = mem ? decide(q, seat, mem) : null;
        if (d?.kind !== "inputs") continue;
        for (const p of d.inputs) {
          ids[seat] = (ids[seat] ?? 0) + 1;
          r.send(`c${seat}`, { t: "input", id: ids[seat] as number, data: p.input });
        }
      }
    }
    if (ack) {
      for (let seat = 0; seat < 4; seat++) {
        const seq = r.core.record.seats[seat]?.unacked[0]?.seq;
        if (seq !== undefined) r.send(`c${seat}`, { t: "ackCritical", seq });
      }
    }
    r.advance(50);
  }
  return r.core;
}

function main(): void {
  const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const snapshot = process.argv.find((a) => a.startsWith("--snapshot="))?.slice("--snapshot=".length);
  const rooms = Math.max(1, Number(args[0] ?? 200));
  const raceSeconds = Math.max(0, Number(args[1] ?? 2));
  const ack = process.argv.includes("--ack");
  // Warm the code paths (lazy compilation, shared caches) before the baseline.
  const warm = [buildRoom(1, raceSeconds, ack), buildRoom(2, raceSeconds, ack)];
  const before = heap();
  const cores: RoomCore[] = [];
  for (let i = 0; i < rooms; i++) cores.push(buildRoom(1000 + i, raceSeconds, ack));
  const after = heap();
  const racing = cores.filter((c) => c.record.status === "playing").length;
  const pendingLog = cores.reduce((n, c) => n + carriedCount(c.record.pendingLog), 0) / rooms;
  if (snapshot) {
    const hosts = cores.map((core) => ({ core }));
    writeHeapSnapshot(snapshot);
    // Read after the snapshot, so the wrappers are alive in it.
    if (hosts.length !== rooms) throw new Error("rooms lost");
  }
  console.log(JSON.stringify({ rooms, raceSeconds, ack, racing, pendingLogEntries: Math.round(pendingLog), heapBeforeBytes: before, heapAfterBytes: after, bytesPerRoom: Math.round((after - before) / rooms), warm: warm.length }));
}

main();
