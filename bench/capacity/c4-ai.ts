/**
 * Connect Four's hard AI, measured in this Node process (the same code the
 * room runs in workerd, on the same V8): CPU per move and its results against
 * medium over seeded games, each side moving first in half of them. Game g uses
 * seed g + 1 for both players' tie-breaking. test/unit/connect-four-ai.test.ts
 * plays the same games through `playSeededGame` and asserts the result.
 *
 * What is counted: the CPU of the thread that runs `chooseColumn`
 * (CLOCK_THREAD_CPUTIME_ID, bench/thread-cpu.ts), i.e. the time the room's own
 * thread is busy with the move, including the garbage collection that thread
 * does during it. Not counted: other threads, which process.cpuUsage adds in;
 * that figure is reported beside it (hardMoveProcessCpuMs). They made the old
 * maxima (63.6 and 71.2 ms in the full runs, up to 84.7 re-measured, while the
 * moving thread's own maximum stayed near 40 at most; issue 12): V8's
 * optimising compiler recompiling chooseColumn with the search inlined, 30 to
 * 40 ms of its thread per compile, landing in whichever move was running
 * (three compiles per run until ai.ts stopped the deoptimisation, one since);
 * parallel GC helpers (up to about 20 ms in a move); and, under tsx, a second
 * isolate's collections (seemingly tsx's loader thread). The room's thread does not run that work, and
 * parallel GC helpers' share of a collection the move caused is the one part
 * left out that the room would pay for (small here: see the process figure).
 * Where the thread clock is unavailable the process clock is used and
 * `cpuClock` says so.
 * Untimed warm-up: one hard-against-hard game and 15 hard-against-medium games
 * (negative game numbers, not the timed ones), enough for V8 to have optimised
 * chooseColumn and the searches, so timed moves are a warm isolate's; a fresh
 * isolate's first moves pay that once.
 *
 * Standalone: `npx tsx bench/capacity/c4-ai.ts [games]` prints the figures and
 * saves them as bench/results/c4-ai-<time>.json.
 */
import { writeFileSync } from "node:fs";
import { chooseColumn } from "../../src/games/connect-four";
import { createState, dropDisc, type C4Seat, type C4State } from "../../src/games/connect-four/rules";
import { round, summarize, type Summary } from "../stats";
import { threadCpuMs } from "../thread-cpu";

export interface AiResult {
  readonly games: number;
  readonly hardWins: number;
  readonly mediumWins: number;
  readonly draws: number;
  /** Which clock the per-move CPU figures use: the moving thread's, or (fallback) the whole process's. */
  readonly cpuClock: "thread" | "process";
  /** CPU ms per hard move, on `cpuClock`. */
  readonly hardMoveCpuMs: Summary;
  /** Process-wide CPU ms per hard move (V8's compiler and GC helper threads included), for comparison. */
  readonly hardMoveProcessCpuMs: Summary;
  /** Search nodes per hard move (solver and heuristic together; the budget is 80k). */
  readonly hardMoveNodes: Summary;
  readonly mediumMoveCpuMs: Summary;
  readonly seconds: number;
}

/** Picks a column for `seat` at `level`; the bench wraps `chooseColumn` to time it. */
export type ColumnChooser = (state: C4State, seat: C4Seat, level: string, seed: number) => number;

const plainChooser: ColumnChooser = (state, seat, level, seed) => chooseColumn(state, seat, level, seed).column;

/**
 * Play seeded game `g` to the end: `levels[0]` (hard in the bench) is seat 0
 * and moves first in even games. Returns the winning seat, or null for a draw.
 */
export function playSeededGame(g: number, levels: readonly [string, string] = ["hard", "medium"], choose: ColumnChooser = plainChooser): C4Seat | null {
  let state: C4State = createState(g % 2 === 0 ? 0 : 1);
  while (!state.over) {
    const seat = state.turn;
    const level = levels[seat];
    const column = choose(state, seat, level, g + 1);
    const out = dropDisc(state, seat, column);
    if (!out.ok) throw new Error(`AI ${level} chose an illegal column ${column}: ${out.message}`);
    state = out.state;
  }
  return state.winner;
}

function processCpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

export function playAiGames(games: number): AiResult {
  // Untimed warm-up (see the header).
  playSeededGame(-1, ["hard", "hard"]);
  for (let g = -2; g >= -16; g--) playSeededGame(g, ["hard", "medium"]);
  const threadClock = threadCpuMs() !== null;
  const cpuNow = threadClock ? () => threadCpuMs() as number : processCpuMs;
  const started = performance.now();
  const hard: number[] = [];
  const hardProcess: number[] = [];
  const hardNodes: number[] = [];
  const medium: number[] = [];
  const timed: ColumnChooser = (state, seat, level, seed) => {
    const p0 = processCpuMs();
    const c0 = cpuNow();
    const { column, nodes } = chooseColumn(state, seat, level, seed);
    const cpu = cpuNow() - c0;
    const processCpu = processCpuMs() - p0;
    if (level === "hard") {
      hard.push(cpu);
      hardProcess.push(processCpu);
      hardNodes.push(nodes);
    } else {
      medium.push(cpu);
    }
    return column;
  };
  let hardWins = 0;
  let mediumWins = 0;
  let draws = 0;
  for (let g = 0; g < games; g++) {
    const winner = playSeededGame(g, ["hard", "medium"], timed);
    if (winner === 0) hardWins += 1;
    else if (winner === 1) mediumWins += 1;
    else draws += 1;
  }
  return {
    games,
    hardWins,
    mediumWins,
    draws,
    cpuClock: threadClock ? "thread" : "process",
    hardMoveCpuMs: summarize(hard),
    hardMoveProcessCpuMs: summarize(hardProcess),
    hardMoveNodes: summarize(hardNodes),
    mediumMoveCpuMs: summarize(medium),
    seconds: round((performance.now() - started) / 1000, 1),
  };
}

/** One line for logs: results, then p50/p99/max per hard move on both clocks and in nodes. */
export function describeAiResult(r: AiResult): string {
  const s = (x: Summary, d = 1) => `${x.p50.toFixed(d)}/${x.p99.toFixed(d)}/${x.max.toFixed(d)}`;
  return (
    `hard ${r.hardWins} wins / ${r.draws} draws / ${r.mediumWins} losses; per hard move p50/p99/max: ` +
    `CPU (${r.cpuClock}) ${s(r.hardMoveCpuMs)} ms, process CPU ${s(r.hardMoveProcessCpuMs)} ms, nodes ${s(r.hardMoveNodes, 0)}`
  );
}

if (process.argv[1]?.endsWith("c4-ai.ts")) {
  const games = Number(process.argv[2] ?? 100);
  const at = new Date().toISOString();
  const result = playAiGames(games);
  console.log(`${at} ${describeAiResult(result)} (${result.seconds} s)`);
  const file = new URL(`../results/c4-ai-${at.replace(/:/g, "-")}.json`, import.meta.url);
  writeFileSync(file, `${JSON.stringify({ at, ...result }, null, 2)}\n`);
}
