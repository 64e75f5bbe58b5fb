/** Connect Four AI levels: exact solver and iterative-deepening negamax under a per-level node budget, seeded tie-breaking. */
import { Rng } from "../rng";
import { SearchBoard } from "./ai-board";
import { CENTRE_ORDER, MATE, MATE_BOUND, Searcher, type RootScore } from "./ai-search";
import { SOLVED_LOSS, Solver, type Solved } from "./ai-solver";
import { CELLS, ROWS, legalColumns, type C4Seat, type C4State } from "./rules";

export const C4_AI_LEVELS = ["easy", "medium", "hard"] as const;
export type C4Level = (typeof C4_AI_LEVELS)[number];

export interface LevelConfig {
  /** Deepest iteration, in plies (forced replies are searched on top of this). */
  readonly maxDepth: number;
  /**
   * Nodes one move may visit, solver and heuristic search together. A node
   * count rather than a clock keeps the chosen move identical on every machine
   * and under any load. Both searches run at about 4 million nodes/s on one core
   * of the 2-core EPYC the benchmarks use, so hard's 80k nodes take about 20 ms
   * there. Against medium, hard with 80k won all 100 bench games and all 100 of
   * another seeded set; with 60k it won 87 bench games, losing 13 as the second
   * player, whose early moves need the depth.
   */
  readonly nodeBudget: number;
  /** Moves scoring within this many heuristic points of the best are picked from at random (seeded). */
  readonly margin: number;
  /**
   * Nodes of the budget the exact solver (ai-solver.ts) may spend before the
   * heuristic search, which gets the rest (0: no solver). When it finishes, only
   * the moves with the best proven outcome (win, else draw) are searched.
   */
  readonly solveBudget: number;
  /**
   * Discs that must be on the board before the solver is tried: earlier, proofs
   * take millions of nodes and the budget is better spent on the heuristic search.
   */
  readonly solveFrom: number;
}

/*
 * easy: sees its own move and the reply (plus forced sequences), and picks
 * loosely among decent moves, so a player who sets up a double threat wins.
 * medium: five plies with the full heuristic, random only among near-ties.
 * hard: from 13 discs on, first tries to solve the position exactly (up to half
 * its budget); then deepens the heuristic search over the moves with the best
 * proven outcome until the budget runs out; random only among exact ties.
 */
export const LEVEL_CONFIG: Readonly<Record<C4Level, LevelConfig>> = {
  easy: { maxDepth: 2, nodeBudget: 5_000, margin: 25, solveBudget: 0, solveFrom: CELLS },
  medium: { maxDepth: 5, nodeBudget: 20_000, margin: 2, solveBudget: 0, solveFrom: CELLS },
  hard: { maxDepth: CELLS, nodeBudget: 80_000, margin: 0, solveBudget: 40_000, solveFrom: 13 },
};

export interface AiDecision {
  readonly column: number;
  /** Score of the chosen move for the mover (MATE - k: wins on its k-th move from now). */
  readonly score: number;
  /** Deepest fully completed iteration. */
  readonly depth: number;
  readonly nodes: number;
  /** Proven outcome of the chosen move with perfect play (1 win, 0 draw, -1 loss), or null when not solved. */
  readonly solved: Solved | null;
}

/*
 * The root move lists are built by pushing into an empty array (filter would
 * do too; these helpers keep one way). Not with Array.prototype.map: once V8
 * optimises chooseColumn, its inlined map preallocates the result, which gives
 * the array a different (holey) elements kind from the one the search was
 * compiled for. That deoptimised chooseColumn,
 * and V8 then recompiled it with the whole search inlined, 30 to 40 ms of
 * compiler-thread CPU each time, twice more in a 100-game bench run, landing
 * inside hard moves (issue 12).
 */

/** The columns of `from` that pass `keep`, in order, as a packed array. */
function packed(from: readonly number[], keep: (column: number, i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < from.length; i++) {
    const c = from[i] as number;
    if (keep(c, i)) out.push(c);
  }
  return out;
}

/** Root columns best score first; the sort is stable, so ties keep their order (centre-first). */
function bestFirst(scores: readonly RootScore[]): number[] {
  const sorted = scores.slice().sort((x, y) => y.score - x.score);
  const out: number[] = [];
  for (let i = 0; i < sorted.length; i++) out.push((sorted[i] as RootScore).column);
  return out;
}

export function isLevel(level: string): level is C4Level {
  return (C4_AI_LEVELS as readonly string[]).includes(level);
}

/**
 * Choose a column for `seat` (normally the seat to move). Deterministic for a
 * given state, seat, level and seed. Unknown levels play as "medium", the
 * room's default. `config` overrides the level's settings (tests, benchmarks).
 */
export function chooseColumn(
  state: C4State,
  seat: number,
  level: string,
  seed: number,
  config?: Partial<LevelConfig>,
): AiDecision {
  const legal = legalColumns(state);
  if (legal.length === 0) {
    // Nothing is legal (the game is over): answer with some column and let apply reject it.
    const open = state.heights.findIndex((h) => h < ROWS);
    return { column: open >= 0 ? open : 0, score: 0, depth: 0, nodes: 0, solved: null };
  }
  const side: C4Seat = seat === 1 ? 1 : 0;
  const cfg = { ...LEVEL_CONFIG[isLevel(level) ? level : "medium"], ...config };
  const board = SearchBoard.fromState(state, side);
  for (const c of CENTRE_ORDER) {
    if (board.winsAt(side, c)) return { column: c, score: MATE - 1, depth: 1, nodes: 0, solved: 1 };
  }

  let order = packed(CENTRE_ORDER, (c) => legal.includes(c));
  let solved: Solved | null = null;
  let solverNodes = 0;
  if (cfg.solveBudget > 0 && state.moves >= cfg.solveFrom) {
    const solver = new Solver(board, Math.min(cfg.solveBudget, cfg.nodeBudget));
    board.scoring = false;
    const values = solver.classify(order);
    board.scoring = true;
    solverNodes = Math.min(solver.nodes, cfg.nodeBudget);
    if (values !== null) {
      const bestValue = Math.max(...values) as Solved;
      solved = bestValue;
      // When every move loses against perfect play, keep them all: the heuristic
      // search still prefers the longest and trickiest resistance.
      if (bestValue !== SOLVED_LOSS) order = packed(order, (_, i) => values[i] === bestValue);
    }
  }
  if (order.length === 1) return { column: order[0] as number, score: 0, depth: 0, nodes: solverNodes, solved };
  const searcher = new Searcher(board, cfg.nodeBudget - solverNodes);
  let completed: RootScore[] | null = null;
  let depth = 0;
  const maxDepth = Math.min(cfg.maxDepth, CELLS - state.moves);
  for (let d = 1; d <= maxDepth; d++) {
    const scores = searcher.rootIteration(d, order, cfg.margin);
    if (scores === null) break; // budget exhausted: keep the last complete iteration
    completed = scores;
    depth = d;
    const best = Math.max(...scores.map((s) => s.score));
    // A proven win, or every move proven lost: deeper search cannot change the choice.
    if (Math.abs(best) >= MATE_BOUND) break;
    // Best-first next time; sort is stable, so ties stay centre-first.
    order = bestFirst(scores);
  }
  if (completed === null) {
    // Only possible with a budget too small for one ply; fall back to the centre-most move.
    return { column: order[0] as number, score: 0, depth: 0, nodes: solverNodes + searcher.nodes, solved };
  }

  const best = Math.max(...completed.map((s) => s.score));
  const candidates = completed.filter((s) => s.score >= best - cfg.margin).sort((x, y) => x.column - y.column);
  const pick = candidates.length === 1 ? candidates[0] : candidates[new Rng(seed).int(candidates.length)];
  const chosen = pick ?? (completed[0] as RootScore);
  return { column: chosen.column, score: chosen.score, depth, nodes: solverNodes + searcher.nodes, solved };
}

