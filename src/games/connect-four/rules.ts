/** Connect Four board representation and pure rules: plain-data state, legal drops, wins and draws. */

/** Board width. */
export const COLUMNS = 7;
/** Board height; rows are numbered from the bottom (row 0 is where a disc lands first). */
export const ROWS = 6;
/** Number of cells; a full board with no line is a draw. */
export const CELLS = COLUMNS * ROWS;
/** Discs in a row needed to win. */
export const CONNECT = 4;

export type C4Seat = 0 | 1;
export type C4EndReason = "win" | "draw" | "timeout" | "forfeit" | "resign";
/** A board cell as [column, row], row 0 at the bottom. A tuple so it survives msgpack/JSON as a plain array. */
export type C4Cell = [column: number, row: number];

export interface C4Move {
  readonly column: number;
  readonly row: number;
  readonly seat: C4Seat;
}

/**
 * The whole game state. Plain data only (arrays, numbers, strings, null) so the
 * room can persist it with msgpack and replay it; every field is always present
 * because msgpack drops `undefined`.
 */
export interface C4State {
  /** CELLS entries, column-major (`column * ROWS + row`): 0 empty, 1 seat 0's disc, 2 seat 1's disc. */
  readonly board: readonly number[];
  /** Discs in each column, i.e. the row the next disc dropped there lands on. */
  readonly heights: readonly number[];
  /** Seat to move next; meaningless once `over` (use `turn()` in index.ts, which returns null then). */
  readonly turn: C4Seat;
  readonly firstSeat: C4Seat;
  /** Discs on the board. */
  readonly moves: number;
  readonly lastMove: C4Move | null;
  readonly winner: C4Seat | null;
  /** The winning run through the last disc, when the game was won on the board. */
  readonly line: readonly C4Cell[] | null;
  readonly over: boolean;
  readonly endReason: C4EndReason | null;
}

/** Rule-violation codes returned by `apply`; exact strings are part of the wire contract. */
export const C4_ERRORS = {
  MATCH_OVER: "MATCH_OVER",
  NOT_YOUR_TURN: "NOT_YOUR_TURN",
  OUT_OF_RANGE: "OUT_OF_RANGE",
  COLUMN_FULL: "COLUMN_FULL",
} as const;
export type C4ErrorCode = (typeof C4_ERRORS)[keyof typeof C4_ERRORS];

export type DropOutcome =
  | { readonly ok: true; readonly state: C4State; readonly row: number }
  | { readonly ok: false; readonly code: C4ErrorCode; readonly message: string };

/** Index of a cell in `board`. Column-major keeps one column's cells contiguous, matching how discs stack. */
export function cellIndex(column: number, row: number): number {
  return column * ROWS + row;
}

/** The disc value a seat places: seat + 1, so 0 can mean empty. */
export function discOf(seat: C4Seat): number {
  return seat + 1;
}

export function otherSeat(seat: C4Seat): C4Seat {
  return seat === 0 ? 1 : 0;
}

/** A fresh, empty board with `firstSeat` to move. Anything but 1 is treated as seat 0. */
export function createState(firstSeat: number): C4State {
  const first: C4Seat = firstSeat === 1 ? 1 : 0;
  return {
    board: new Array<number>(CELLS).fill(0),
    heights: new Array<number>(COLUMNS).fill(0),
    turn: first,
    firstSeat: first,
    moves: 0,
    lastMove: null,
    winner: null,
    line: null,
    over: false,
    endReason: null,
  };
}

/** Columns that can still take a disc, in ascending order (empty when the game is over). */
export function legalColumns(state: C4State): number[] {
  if (state.over) return [];
  const out: number[] = [];
  for (let c = 0; c < COLUMNS; c++) if ((state.heights[c] ?? ROWS) < ROWS) out.push(c);
  return out;
}

// The four line directions as [dColumn, dRow]: horizontal, vertical, rising and falling diagonal.
const DIRECTIONS: readonly (readonly [number, number])[] = [
  [1, 0],
  [0, 1],
  [1, 1],
  [1, -1],
];

function discAtOn(board: readonly number[], column: number, row: number): number {
  if (column < 0 || column >= COLUMNS || row < 0 || row >= ROWS) return -1;
  return board[cellIndex(column, row)] ?? -1;
}

/**
 * The winning run through the disc at (column, row), or null. Only lines through
 * the newest disc need checking because every earlier position had no line.
 * Reports the first winning direction in the order horizontal, vertical, rising
 * diagonal, falling diagonal, as the full maximal run (4 to 7 cells) ordered by
 * increasing column (increasing row for vertical), so a UI can highlight it.
 */
export function findWinningLine(board: readonly number[], column: number, row: number): C4Cell[] | null {
  const disc = discAtOn(board, column, row);
  if (disc <= 0) return null;
  for (const [dc, dr] of DIRECTIONS) {
    // Walk back to the start of the run, then collect forwards.
    let c = column;
    let r = row;
    while (discAtOn(board, c - dc, r - dr) === disc) {
      c -= dc;
      r -= dr;
    }
    const run: C4Cell[] = [];
    while (discAtOn(board, c, r) === disc) {
      run.push([c, r]);
      c += dc;
      r += dr;
    }
    if (run.length >= CONNECT) return run;
  }
  return null;
}

/**
 * Validate and perform one drop for `seat`. Returns a new state; the input state
 * is never mutated. Checks run in the order a player would want to hear about
 * them: the match is over, then whose turn it is, then the column itself.
 */
export function dropDisc(state: C4State, seat: number, column: number): DropOutcome {
  if (state.over) {
    return { ok: false, code: C4_ERRORS.MATCH_OVER, message: "The match is already over." };
  }
  if (seat !== state.turn) {
    const message = `It is not seat ${seat}'s turn; seat ${state.turn} moves next.`;
    return { ok: false, code: C4_ERRORS.NOT_YOUR_TURN, message };
  }
  if (!Number.isInteger(column) || column < 0 || column >= COLUMNS) {
    return {
      ok: false,
      code: C4_ERRORS.OUT_OF_RANGE,
      message: `Column ${column} is out of range; choose a column from 0 to ${COLUMNS - 1}.`,
    };
  }
  const row = state.heights[column] ?? ROWS;
  if (row >= ROWS) {
    return { ok: false, code: C4_ERRORS.COLUMN_FULL, message: `Column ${column} is full.` };
  }

  const mover = state.turn;
  const board = state.board.slice();
  board[cellIndex(column, row)] = discOf(mover);
  const heights = state.heights.slice();
  heights[column] = row + 1;
  const moves = state.moves + 1;
  const line = findWinningLine(board, column, row);
  const full = moves >= CELLS;

  return {
    ok: true,
    row,
    state: {
      board,
      heights,
      turn: otherSeat(mover),
      firstSeat: state.firstSeat,
      moves,
      lastMove: { column, row, seat: mover },
      winner: line ? mover : null,
      line,
      over: line !== null || full,
      endReason: line ? "win" : full ? "draw" : null,
    },
  };
}

/**
 * End the game because `seat` timed out, forfeited or resigned; the other seat
 * wins. Returns null (meaning "no change") when the game is already over or the
 * seat is not one of the two players, so a late timer can never rewrite a result.
 */
export function endByForfeit(state: C4State, seat: number, reason: "timeout" | "forfeit" | "resign"): C4State | null {
  if (state.over || (seat !== 0 && seat !== 1)) return null;
  return { ...state, over: true, winner: otherSeat(seat), line: null, endReason: reason };
}
