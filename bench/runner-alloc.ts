/**
 * Bytes the runner allocates per simulated tick (`realtime.step`) and per snapshot (`quantize`), in
 * this process's V8 (issue 12: the room loop's garbage; bench/results/tick-jitter-2026-12-06.md). A
 * four-player race with the scripted bot on every seat is played once to record each tick's inputs,
 * then replayed from the start of racing with nothing else running: heap used before and after a
 * chunk of ticks, with a young generation big enough that no collection runs inside a chunk (a chunk
 * that saw one is measured again). Deterministic, unlike sampling the whole server
 * (bench/profile-stalls.ts ALLOC=all), so before/after comparisons of the game alone are exact.
 *
 * Usage: node --expose-gc --min-semi-space-size=64 --max-semi-space-size=64 --import tsx bench/runner-alloc.ts
 * Writes bench/results/runner-alloc-latest.md.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { getHeapSpaceStatistics, getHeapStatistics } from "node:v8";
import { COUNTDOWN_TICKS, runner, scriptedInput, type RunnerInput, type RunnerState } from "../src/games/runner";
import type { TickInput } from "../src/games/types";

const SEATS = 4;
const SEED = 4242;
/** Ticks per measurement: large, so V8's allocation-buffer granularity (a few KB) is noise below 1 B per tick. */
const CHUNK = 6000;
const ROUNDS = 7;
const rt = runner.realtime;
const gc = (globalThis as { gc?: () => void }).gc;
if (rt === undefined || gc === undefined) throw new Error("runner-alloc: run with node --expose-gc (see the header)");
const young = getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0;
if (young < 32 * 2 ** 20) throw new Error("runner-alloc: run with --min-semi-space-size=64 (see the header): a collection inside a measurement hides garbage");

/** The race with each tick's inputs, as the room would pass them (recorded, so the replay allocates none). */
function record(): { start: RunnerState; inputs: TickInput<RunnerInput>[][] } {
  let s = runner.create(SEED, {}, SEATS, 0);
  const inputs: TickInput<RunnerInput>[][] = [];
  let start = s;
  while (runner.result(s) === null) {
    if (s.tick === COUNTDOWN_TICKS) start = s;
    const now: TickInput<RunnerInput>[] = [];
    for (let seat = 0; seat < SEATS; seat++) {
      const input = scriptedInput(s, seat);
      if (input !== null) now.push({ seat, input });
    }
    if (s.tick >= COUNTDOWN_TICKS) inputs.push(now);
    s = rt!.step(s, now).state;
  }
  return { start, inputs };
}

const used = (): number => getHeapStatistics().used_heap_size;

/** Bytes per call of `fn(i)` for i in [0, count), chunk by chunk, minus the probe's own cost: the median of ROUNDS. */
function perCall(count: number, fn: (i: number) => void): number {
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(oneRound(count, fn));
  rounds.sort((a, b) => a - b);
  return rounds[ROUNDS >> 1]!;
}

function oneRound(count: number, fn: (i: number) => void): number {
  let total = 0;
  for (let from = 0; from < count; from += CHUNK) {
    const to = Math.min(count, from + CHUNK);
    for (;;) {
      gc!();
      const before = used();
      const empty = used() - before;
      const a = used();
      for (let i = from; i < to; i++) fn(i);
      const delta = used() - a - empty;
      if (delta >= 0) {
        total += delta;
        break;
      }
    }
  }
  return total / count;
}

function main(): void {
  const { start, inputs } = record();
  const ticks = inputs.length;
  const inputCount = inputs.reduce((n, a) => n + a.length, 0);
  const states: RunnerState[] = [];
  const stepAll = (): void => {
    let s = start;
    states.length = 0;
    for (let i = 0; i < ticks; i++) {
      s = rt!.step(s, inputs[i]!).state;
      states.push(s);
    }
  };
  for (let w = 0; w < 20; w++) stepAll(); // warm up: optimised code, as in a long-running server
  for (let w = 0; w < 20; w++) for (const s of states) rt!.quantize(s);
  let s = start;
  const stepBytes = perCall(ticks, (i) => {
    if (i === 0) s = start;
    s = rt!.step(s, inputs[i]!).state;
  });
  // Kept, as the room keeps the last three it sent (so the optimiser cannot drop an unused array).
  const sent: number[][] = [[], [], []];
  const quantBytes = perCall(states.length, (i) => {
    sent[i % 3] = rt!.quantize(states[i]!);
  });
  // Per room-tick of the server (60 steps and 20 snapshots per second), and at 150 rooms.
  const perSecond = 60 * stepBytes + 20 * quantBytes;
  const lines = [
    `# Runner allocation per tick (${new Date().toISOString()})`,
    "",
    `Node ${process.version}; ${SEATS} seats, seed ${SEED}: ${ticks} racing ticks with ${inputCount} inputs (scripted bots), final tick ${s.tick}.`,
    "",
    `- step: ${stepBytes.toFixed(0)} B per tick`,
    `- quantize: ${quantBytes.toFixed(0)} B per snapshot`,
    `- one room: ${(perSecond / 1e3).toFixed(1)} KB/s (60 steps + 20 snapshots); 150 rooms: ${((150 * perSecond * 10) / 1e6).toFixed(1)} MB per 10 s`,
    "",
  ];
  process.stdout.write(lines.join("\n"));
  writeFileSync(resolve(import.meta.dirname, "results", "runner-alloc-latest.md"), lines.join("\n"));
}

main();
