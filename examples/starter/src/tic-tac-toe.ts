/**
 * Tic-tac-toe, this app's own game: a GameDefinition written with `defineGame` in one file.
 * Pure functions over plain data (no Date, no Math.random, no I/O); the room owns time, sockets,
 * storage and seats. Seat 0 plays X, seat 1 plays O.
 */
// `edgeroom/game` (not `edgeroom`): the game contract alone, free of worker code, so this module also
// loads in Node and in browsers (unit tests, client-side prediction).
import { defineGame, type MatchResult, type Seat } from "edgeroom/game";
import * as z from "zod";

/** 0 empty, 1 seat 0's mark (X), 2 seat 1's mark (O); cells 0..8 row by row. */
type Cell = 0 | 1 | 2;

export interface TicTacToeState {
  readonly board: readonly Cell[];
  readonly turn: Seat;
  readonly moves: number;
  readonly winner: Seat | null;
  readonly line: readonly number[] | null;
  readonly over: boolean;
  readonly endReason: "win" | "draw" | "timeout" | "forfeit" | "resign" | null;
}

export interface TicTacToeView {
  readonly board: readonly Cell[];
  /** Seat to move, or null once the game is over. */
  readonly turn: Seat | null;
  readonly winner: Seat | null;
  readonly line: readonly number[] | null;
  readonly over: boolean;
}

export type TicTacToeEvent =
  | { readonly type: "marked"; readonly seat: Seat; readonly cell: number }
  | { readonly type: "gameOver"; readonly winner: Seat | null; readonly reason: string };

const LINES = [
  [0, 1, 2], [3, 4, 5], [6, 7, 8], // rows
  [0, 3, 6], [1, 4, 7], [2, 5, 8], // columns
  [0, 4, 8], [2, 4, 6],            // diagonals
] as const;

function winningLine(board: readonly Cell[]): number[] | null {
  for (const [a, b, c] of LINES) {
    const mark = board[a];
    if (mark !== 0 && mark === board[b] && mark === board[c]) return [a, b, c];
  }
  return null;
}

export const ticTacToe = defineGame({
  id: "tic-tac-toe",
  title: "Tic-tac-toe",
  seats: { min: 2, max: 2 },
  kind: "turn-based",
  optionsSchema: z.object({}).strict(),
  inputSchema: z.object({ type: z.literal("mark"), cell: z.number().int().min(0).max(8) }),
  timing: { turnMs: 30_000, graceMs: 30_000, heartbeatTimeoutMs: 15_000, pingIntervalMs: 5_000, disconnectPolicy: "forfeit" },
  rateLimit: { burst: 20, perSecond: 5 },

  create(_seed, _options, _seatCount, firstSeat): TicTacToeState {
    return { board: Array<Cell>(9).fill(0), turn: firstSeat, moves: 0, winner: null, line: null, over: false, endReason: null };
  },

  apply(state, input, { seat }) {
    if (state.over) return { ok: false, code: "GAME_OVER", message: "The game is over." };
    if (seat !== state.turn) return { ok: false, code: "NOT_YOUR_TURN", message: `It is seat ${state.turn}'s turn.` };
    if (state.board[input.cell] !== 0) return { ok: false, code: "CELL_TAKEN", message: `Cell ${input.cell} is taken.` };
    const board = state.board.slice();
    board[input.cell] = seat === 0 ? 1 : 2;
    const line = winningLine(board);
    const moves = state.moves + 1;
    const over = line !== null || moves === 9;
    const next: TicTacToeState = {
      board,
      turn: seat === 0 ? 1 : 0,
      moves,
      winner: line !== null ? seat : null,
      line,
      over,
      endReason: line !== null ? "win" : over ? "draw" : null,
    };
    const events: TicTacToeEvent[] = [{ type: "marked", seat, cell: input.cell }];
    if (over) events.push({ type: "gameOver", winner: next.winner, reason: next.endReason ?? "draw" });
    return { ok: true, state: next, events };
  },

  turn: (state) => (state.over ? null : state.turn),

  forfeit(state, seat, reason) {
    if (state.over) return { state, events: [] };
    const winner = seat === 0 ? 1 : 0;
    const next: TicTacToeState = { ...state, over: true, winner, endReason: reason };
    return { state: next, events: [{ type: "gameOver", winner, reason } satisfies TicTacToeEvent] };
  },

  result(state): MatchResult | null {
    if (!state.over || state.endReason === null) return null;
    return { winner: state.winner, reason: state.endReason, detail: { line: state.line === null ? null : [...state.line] } };
  },

  view(state): TicTacToeView {
    return { board: state.board.slice(), turn: state.over ? null : state.turn, winner: state.winner, line: state.line, over: state.over };
  },
});
