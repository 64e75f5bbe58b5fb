/**
 * Connect Four's hard AI, measured in this Node process (the same code the
 * room runs in workerd, on the same V8): CPU per move (process.cpuUsage around
 * each `chooseColumn`, so waiting on the machine is not counted) and its
 * results against medium over seeded games, each side moving first in half of
 * them. Game g uses seed g for both players' tie-breaking.
 */
import { chooseColumn } from "../../src/games/connect-four";
import { createState, dropDisc, type C4State } from "../../src/games/connect-four/rules";
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

function cpuNow(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

export function playAiGames(games: number): AiResult {
  // One untimed search first: the timed moves should not pay for compiling the search.
  chooseColumn(createState(0), 0, "hard", 0);
  const started = performance.now();
  const hard: number[] = [];
  const medium: number[] = [];
  let hardWins = 0;
  let mediumWins = 0;
  let draws = 0;
  for (let g = 0; g < games; g++) {
    // Hard is seat 0; it moves first in even games.
    let state: C4State = createState(g % 2 === 0 ? 0 : 1);
    while (!state.over) {
      const seat = state.turn;
      const level = seat === 0 ? "hard" : "medium";
      const c0 = cpuNow();
      const { column } = chooseColumn(state, seat, level, g + 1);
      (level === "hard" ? hard : medium).push(cpuNow() - c0);
      const out = dropDisc(state, seat, column);
      if (!out.ok) throw new Error(`AI ${level} chose an illegal column ${column}: ${out.message}`);
      state = out.state;
    }
    if (state.winner === 0) hardWins += 1;
    else if (state.winner === 1) mediumWins += 1;
    else draws += 1;
  }
  return { games, hardWins, mediumWins, draws, hardMoveCpuMs: summarize(hard), mediumMoveCpuMs: summarize(medium), seconds: round((performance.now() - started) / 1000, 1) };
}
