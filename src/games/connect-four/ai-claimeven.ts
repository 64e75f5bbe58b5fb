/**
 * Zugzwang proofs by "claimeven" (Allis 1988), for the hard AI's solver and search leaves.
 *
 * When every column has an even number of empty cells, the player who is not
 * to move can answer every disc by dropping on top of it, taking the second,
 * fourth and sixth empty cell of each column while the mover gets the first,
 * third and fifth. The final board is then fixed, so if the mover's cells hold
 * no line the mover cannot win, and if the other player's do the mover loses.
 * This is how the second player wins positions that only end when the board
 * fills up, far beyond any search horizon.
 */
import { WINDOW_CELLS as BOARD_WINDOW_CELLS, WINDOW_COUNT as BOARD_WINDOW_COUNT, type SearchBoard } from "./ai-board";
import { COLUMNS as RULES_COLUMNS, ROWS as RULES_ROWS, CELLS } from "./rules";

// Module-local copies for the hot loops (see ai-search.ts).
const COLUMNS = RULES_COLUMNS;
const ROWS = RULES_ROWS;
const WINDOW_CELLS = BOARD_WINDOW_CELLS;
const WINDOW_COUNT = BOARD_WINDOW_COUNT;

/** The mover loses. */
export const CLAIMEVEN_LOSS = -2;
/** The mover cannot win (the other player at least draws). */
export const CLAIMEVEN_NO_WIN = -1;
/** Nothing proven, including when some column has an odd number of empty cells. */
export const CLAIMEVEN_UNKNOWN = 0;

/** owner[x] after the board is filled by claimeven: 1 the mover, 2 the other player. Scratch, reused. */
const owner = new Int8Array(CELLS);

/** What claimeven proves for the side to move on `b`. */
export function claimeven(b: SearchBoard): number {
  const h = b.heights;
  for (let c = 0; c < COLUMNS; c++) if ((((h[c] as number) ^ ROWS) & 1) !== 0) return CLAIMEVEN_UNKNOWN;
  const moverDisc = b.side + 1;
  for (let c = 0; c < COLUMNS; c++) {
    const hc = h[c] as number;
    for (let r = 0; r < ROWS; r++) {
      const x = c * ROWS + r;
      owner[x] = r < hc ? (b.cells[x] === moverDisc ? 1 : 2) : ((r - hc) & 1) === 0 ? 1 : 2;
    }
  }
  let otherLine = false;
  for (let w = 0; w < WINDOW_COUNT; w++) {
    const o = owner[WINDOW_CELLS[w * 4] as number] as number;
    if (o === owner[WINDOW_CELLS[w * 4 + 1] as number] && o === owner[WINDOW_CELLS[w * 4 + 2] as number] && o === owner[WINDOW_CELLS[w * 4 + 3] as number]) {
      if (o === 1) return CLAIMEVEN_UNKNOWN;
      otherLine = true;
    }
  }
  return otherLine ? CLAIMEVEN_LOSS : CLAIMEVEN_NO_WIN;
}
