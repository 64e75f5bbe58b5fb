/**
 * Connect Four's hard AI, measured in this Node process (the same code the
 * room runs in workerd, on the same V8): CPU per move (process.cpuUsage around
 * each `chooseColumn`, so waiting on the machine is not counted) and its
 * results against medium over seeded games, each side moving first in half of
 * them. Game g uses seed g + 1 for both players' tie-breaking.
 * test/unit/connect-four-ai.test.ts plays the same games through
 * `playSeededGame` and asserts the result.
 */
import { chooseColumn } from "../../src/games/connect-four";
import { createState, dropDisc, type C4Seat, type C4State } from "../../src/games/connect-four/rules";
import { round, summarize, type Summary } from "../stats";

export interface AiResult {
  readonly games: number;
  readonly hardWins: number;
  readonly mediumWins: number;
  readonly draws: number;
  /** CPU ms per hard move. */
  readonly hardMoveCpuMs: Summary;
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

function cpuNow(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

export function playAiGames(games: number): AiResult {
  // One untimed game first, hard against hard so both its searches (the solver starts at 12 discs)
  // run often enough to be optimised: the timed moves should not pay for compiling the search.
  playSeededGame(-1, ["hard", "hard"]);
  const started = performance.now();
  const hard: number[] = [];
  const medium: number[] = [];
  const timed: ColumnChooser = (state, seat, level, seed) => {
    const c0 = cpuNow();
    const { column } = chooseColumn(state, seat, level, seed);
    (level === "hard" ? hard : medium).push(cpuNow() - c0);
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
  return { games, hardWins, mediumWins, draws, hardMoveCpuMs: summarize(hard), mediumMoveCpuMs: summarize(medium), seconds: round((performance.now() - started) / 1000, 1) };
}
