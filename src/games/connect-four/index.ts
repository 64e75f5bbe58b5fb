/** Connect Four as a GameDefinition: schemas, timing, and thin wrappers over the pure rules and AI. */
import * as z from "zod";
import { defineGame, type GameEvent, type MatchResult, type Seat } from "../types";
import { C4_AI_LEVELS, chooseColumn } from "./ai";
import { COLUMNS, ROWS, cellIndex, createState, dropDisc, endByForfeit, type C4Cell, type C4State } from "./rules";

export { C4_ERRORS, COLUMNS, ROWS } from "./rules";
export type { C4Cell, C4EndReason, C4ErrorCode, C4Move, C4Seat, C4State } from "./rules";
export { C4_AI_LEVELS, LEVEL_CONFIG, chooseColumn } from "./ai";
export type { AiDecision, C4Level, LevelConfig } from "./ai";

/** No game-specific options yet; strict so a typo'd option is rejected instead of silently ignored. */
export const c4OptionsSchema = z.object({}).strict();
export type C4Options = z.infer<typeof c4OptionsSchema>;

/**
 * Column range is deliberately a rule (OUT_OF_RANGE game error, which the
 * client can show) rather than a schema error; the loose bound only keeps
 * absurd numbers out.
 */
export const c4InputSchema = z.object({
  type: z.literal("dropDisc"),
  column: z.number().int().min(-1000).max(1000),
});
export type C4Input = z.infer<typeof c4InputSchema>;

/** What clients see. The whole state is public, so every seat and spectators get the same view. */
export interface C4View {
  /**
   * ROWS arrays of COLUMNS cells, `board[row][column]`, row 0 at the bottom.
   * Cell values are as in the state: 0 empty, 1 seat 0's disc, 2 seat 1's disc.
   */
  readonly board: number[][];
  /** Seat to move, or null when the game is over. */
  readonly turn: Seat | null;
  readonly firstSeat: Seat;
  readonly moves: number;
  readonly lastMove: C4State["lastMove"];
  readonly winner: Seat | null;
  readonly line: C4Cell[] | null;
  readonly over: boolean;
  readonly endReason: C4State["endReason"];
}

function boardRows(state: C4State): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r < ROWS; r++) {
    const row: number[] = [];
    for (let c = 0; c < COLUMNS; c++) row.push(state.board[cellIndex(c, r)] ?? 0);
    rows.push(row);
  }
  return rows;
}

function copyLine(line: C4State["line"]): C4Cell[] | null {
  return line === null ? null : line.map(([c, r]) => [c, r] as C4Cell);
}

export const connectFour = defineGame<C4State, C4Input, C4Options, C4View, GameEvent>({
  id: "connect-four",
  title: "Connect Four",
  seats: { min: 2, max: 2 },
  kind: "turn-based",
  optionsSchema: c4OptionsSchema,
  inputSchema: c4InputSchema,
  timing: { turnMs: 30_000, graceMs: 60_000, heartbeatTimeoutMs: 3_500, pingIntervalMs: 1_500, aiThinkMs: 400, disconnectPolicy: "forfeit" },
  // Burst 30 covers a whole game of instant moves (21 per player) plus clock syncs; 10/s sustained is far above human play.
  rateLimit: { burst: 30, perSecond: 10 },

  // The seed is unused: Connect Four has no chance element. Seat count is fixed at 2 by `seats`.
  create(_seed, _options, _seatCount, firstSeat) {
    return createState(firstSeat);
  },

  apply(state, input, { seat, by }) {
    const out = dropDisc(state, seat, input.column);
    if (!out.ok) return out;
    const next = out.state;
    const move = { type: by === "ai" ? "aiMove" : "playerMove", seat, column: input.column, row: out.row };
    const events: GameEvent[] = [move];
    if (next.over) {
      events.push({ type: "gameOver", winner: next.winner, reason: next.endReason, line: copyLine(next.line) });
    }
    return { ok: true, state: next, events };
  },

  turn(state) {
    return state.over ? null : state.turn;
  },

  forfeit(state, seat, reason) {
    const next = endByForfeit(state, seat, reason);
    if (next === null) return { state, events: [] };
    return { state: next, events: [{ type: "gameOver", winner: next.winner, reason, line: null }] };
  },

  result(state): MatchResult | null {
    if (!state.over || state.endReason === null) return null;
    return { winner: state.winner, reason: state.endReason, detail: { line: copyLine(state.line) } };
  },

  view(state): C4View {
    return {
      board: boardRows(state),
      turn: state.over ? null : state.turn,
      firstSeat: state.firstSeat,
      moves: state.moves,
      lastMove: state.lastMove === null ? null : { ...state.lastMove },
      winner: state.winner,
      line: copyLine(state.line),
      over: state.over,
      endReason: state.endReason,
    };
  },

  ai: {
    levels: C4_AI_LEVELS,
    choose(state, seat, level, seed) {
      return { type: "dropDisc", column: chooseColumn(state, seat, level, seed).column };
    },
  },
});
