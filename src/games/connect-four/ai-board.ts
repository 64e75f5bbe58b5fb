/** Mutable, incrementally evaluated Connect Four board used only inside the AI search (never stored). */
import { Rng } from "../rng";
import {
  CELLS as RULES_CELLS,
  COLUMNS as RULES_COLUMNS,
  CONNECT as RULES_CONNECT,
  ROWS as RULES_ROWS,
  cellIndex,
  type C4Seat,
  type C4State,
} from "./rules";

// Module-local copies for the hot loops: Vitest (and some bundlers) compile imported
// bindings into namespace property reads, which made the search about 5x slower.
const COLUMNS = RULES_COLUMNS;
const CONNECT = RULES_CONNECT;
const ROWS = RULES_ROWS;
const CELLS = RULES_CELLS;

/*
 * The search spends nearly all its time in play/undo, so instead of scanning the
 * board we keep, for every one of the 69 possible four-cell windows, how many
 * discs each player has in it. Placing a disc touches at most 13 windows and
 * updates in O(1) each: the heuristic score, and a per-cell "threat" count (how
 * many windows would be completed by a player dropping into that empty cell).
 * With threats maintained, "can I win right now?" is 7 array reads.
 */

function buildWindows(): number[][] {
  const windows: number[][] = [];
  const dirs = [
    [1, 0],
    [0, 1],
    [1, 1],
    [1, -1],
  ] as const;
  for (const [dc, dr] of dirs) {
    for (let c = 0; c < COLUMNS; c++) {
      for (let r = 0; r < ROWS; r++) {
        const endC = c + dc * (CONNECT - 1);
        const endR = r + dr * (CONNECT - 1);
        if (endC < 0 || endC >= COLUMNS || endR < 0 || endR >= ROWS) continue;
        const cells: number[] = [];
        for (let k = 0; k < CONNECT; k++) cells.push(cellIndex(c + dc * k, r + dr * k));
        windows.push(cells);
      }
    }
  }
  return windows;
}

const WINDOW_LIST = buildWindows();
/** 69 on a 7x6 board. */
export const WINDOW_COUNT = WINDOW_LIST.length;
/** The four cells of window w at [w * 4, w * 4 + 4). */
export const WINDOW_CELLS = Int8Array.from(WINDOW_LIST.flat());
/** Windows through each cell, CSR layout: WINDOWS_OF[CELL_START[x] .. CELL_START[x + 1]). */
const CELL_START = new Int16Array(CELLS + 1);
const WINDOWS_OF = new Int16Array(WINDOW_COUNT * CONNECT);
{
  let at = 0;
  for (let x = 0; x < CELLS; x++) {
    CELL_START[x] = at;
    WINDOW_LIST.forEach((cells, w) => {
      if (cells.includes(x)) WINDOWS_OF[at++] = w;
    });
  }
  CELL_START[CELLS] = at;
}

/*
 * Window value by (discs of player 0, discs of player 1), from player 0's view.
 * A window both players share can never be completed, so it is worth nothing.
 * Weights reward open twos and threes (the building blocks of threats); a single
 * disc is worth 1 per window, which already favours central cells because they
 * lie in more windows.
 */
const WEIGHT = [0, 1, 5, 30, 0];
const WINDOW_VALUE = new Int32Array(25);
for (let a = 0; a <= 4; a++) {
  for (let b = 0; b <= 4; b++) {
    WINDOW_VALUE[a * 5 + b] = a > 0 && b > 0 ? 0 : (WEIGHT[a] ?? 0) - (WEIGHT[b] ?? 0);
  }
}
/** Extra centre-control bonus per disc by column. */
const CENTRE_BONUS = [0, 1, 2, 4, 2, 1, 0];

/*
 * An empty cell that would complete a line ("threat") is worth more when its
 * row has the right parity for its owner: when the board fills up, the player
 * who moved first gets the odd rows (1st, 3rd, 5th from the bottom, i.e. row
 * indexes 0, 2, 4) and the second player the even ones (zugzwang, see Allis
 * 1988). The weights come from seeded hard-vs-hard matches from random
 * openings: 80/20 scored 55-7-38 against 40/12 over 100 games; other settings
 * were within noise.
 */
const THREAT_GOOD_ROW = 80;
const THREAT_BAD_ROW = 20;

/** Zobrist keys (two 32-bit halves per player and cell) from a fixed seed, so hashes are identical everywhere. */
const ZOBRIST_LO = new Int32Array(2 * CELLS);
const ZOBRIST_HI = new Int32Array(2 * CELLS);
{
  const rng = new Rng(0xc4c4c4c4);
  for (let i = 0; i < 2 * CELLS; i++) {
    ZOBRIST_LO[i] = rng.u32() | 0;
    ZOBRIST_HI[i] = rng.u32() | 0;
  }
}

export class SearchBoard {
  /** 0 empty, 1 player 0, 2 player 1 (same encoding and layout as C4State.board). */
  readonly cells = new Int8Array(CELLS);
  readonly heights = new Int8Array(COLUMNS);
  /** counts[p * WINDOW_COUNT + w]: discs of player p in window w. */
  private readonly counts = new Int8Array(2 * WINDOW_COUNT);
  /** threats[p * CELLS + x]: open windows player p would complete by filling empty cell x. */
  private readonly threats = new Int8Array(2 * CELLS);
  /** Signed value (player 0's view) of a live threat of player p on cell x, at [p * CELLS + x]. */
  private readonly threatValue = new Int32Array(2 * CELLS);
  /** Heuristic score from player 0's point of view. */
  private score = 0;
  /**
   * False while the exact solver searches: it never reads the score, and skipping
   * the per-window score update makes its play/undo cheaper. Threat bookkeeping
   * continues, and play/undo stay exact inverses, so the score is intact again
   * once every move is taken back.
   */
  scoring = true;
  moves = 0;
  /** Player (seat) to move. */
  side: C4Seat = 0;
  hashLo = 0;
  hashHi = 0;

  /** Rebuild from a rules state, with `side` to move (normally `state.turn`). */
  static fromState(state: C4State, side: C4Seat): SearchBoard {
    const b = new SearchBoard();
    // Whoever places the odd-numbered discs: the side to move when an even number is down.
    const oddPlayer: C4Seat = state.moves % 2 === 0 ? side : side === 0 ? 1 : 0;
    for (let p = 0; p < 2; p++) {
      for (let x = 0; x < CELLS; x++) {
        const good = (x % ROWS) % 2 === (p === oddPlayer ? 0 : 1);
        const v = good ? THREAT_GOOD_ROW : THREAT_BAD_ROW;
        b.threatValue[p * CELLS + x] = p === 0 ? v : -v;
      }
    }
    for (let x = 0; x < CELLS; x++) {
      const v = state.board[x] ?? 0;
      if (v === 1 || v === 2) b.place(x, (v - 1) as C4Seat);
    }
    for (let c = 0; c < COLUMNS; c++) b.heights[c] = state.heights[c] ?? 0;
    b.moves = state.moves;
    b.side = side;
    return b;
  }

  canPlay(column: number): boolean {
    return (this.heights[column] as number) < ROWS;
  }

  /** Would `player` win by dropping into `column` now? */
  winsAt(player: C4Seat, column: number): boolean {
    const h = this.heights[column] as number;
    return h < ROWS && (this.threats[player * CELLS + column * ROWS + h] as number) > 0;
  }

  /** Would dropping into `column` let `player` win on the cell just above it? */
  opensAbove(player: C4Seat, column: number): boolean {
    const h = (this.heights[column] as number) + 1;
    return h < ROWS && (this.threats[player * CELLS + column * ROWS + h] as number) > 0;
  }

  /** Drop a disc for the side to move. The caller guarantees the column is playable. */
  play(column: number): void {
    const h = this.heights[column] as number;
    this.place(column * ROWS + h, this.side);
    this.heights[column] = h + 1;
    this.moves++;
    this.side = this.side === 0 ? 1 : 0;
  }

  /** Take back the last disc in `column` (the exact inverse of play). */
  undo(column: number): void {
    const h = (this.heights[column] as number) - 1;
    this.side = this.side === 0 ? 1 : 0;
    this.heights[column] = h;
    this.moves--;
    this.remove(column * ROWS + h, this.side);
  }

  /**
   * How many of the side to move's open twos a disc in `column` would turn into
   * open threes (new threats), read without playing the move: the solver's
   * move-ordering score (an estimate: two windows may share their empty cell).
   */
  threatsMadeBy(column: number): number {
    const x = column * ROWS + (this.heights[column] as number);
    const mine = this.side * WINDOW_COUNT;
    const theirs = (this.side === 0 ? 1 : 0) * WINDOW_COUNT;
    let n = 0;
    for (let i = CELL_START[x] as number, end = CELL_START[x + 1] as number; i < end; i++) {
      const w = WINDOWS_OF[i] as number;
      if (this.counts[mine + w] === 2 && this.counts[theirs + w] === 0) n++;
    }
    return n;
  }

  /** Static evaluation from the side to move's point of view. */
  evaluate(): number {
    return this.side === 0 ? this.score : -this.score;
  }

  private place(x: number, p: C4Seat): void {
    const q = p === 0 ? 1 : 0;
    const mine = p * WINDOW_COUNT;
    const theirs = q * WINDOW_COUNT;
    // x stops being an empty cell, so threats on it stop counting.
    if ((this.threats[x] as number) > 0) this.score -= this.threatValue[x] as number;
    if ((this.threats[CELLS + x] as number) > 0) this.score -= this.threatValue[CELLS + x] as number;
    this.cells[x] = p + 1;
    for (let i = CELL_START[x] as number, end = CELL_START[x + 1] as number; i < end; i++) {
      const w = WINDOWS_OF[i] as number;
      const a = this.counts[mine + w] as number;
      const b = this.counts[theirs + w] as number;
      if (this.scoring) {
        const before = p === 0 ? a * 5 + b : b * 5 + a;
        const after = p === 0 ? before + 5 : before + 1;
        this.score += (WINDOW_VALUE[after] as number) - (WINDOW_VALUE[before] as number);
      }
      this.counts[mine + w] = a + 1;
      // A window going to three-and-empty becomes a threat on its one empty cell.
      // (A threat of the opponent's on x itself just goes stale: x is occupied
      // now and is never queried until undo restores it, so no bookkeeping.)
      if (a === 2 && b === 0) {
        const t = p * CELLS + this.emptyCellOf(w);
        const n = this.threats[t] as number;
        this.threats[t] = n + 1;
        if (n === 0) this.score += this.threatValue[t] as number;
      }
    }
    const centre = CENTRE_BONUS[(x / ROWS) | 0] as number;
    this.score += p === 0 ? centre : -centre;
    this.hashLo ^= ZOBRIST_LO[p * CELLS + x] as number;
    this.hashHi ^= ZOBRIST_HI[p * CELLS + x] as number;
  }

  private remove(x: number, p: C4Seat): void {
    const q = p === 0 ? 1 : 0;
    const mine = p * WINDOW_COUNT;
    const theirs = q * WINDOW_COUNT;
    for (let i = CELL_START[x] as number, end = CELL_START[x + 1] as number; i < end; i++) {
      const w = WINDOWS_OF[i] as number;
      const a = this.counts[mine + w] as number;
      const b = this.counts[theirs + w] as number;
      // Still occupied here, so the window's empty cell is the one other than x.
      if (a === 3 && b === 0) {
        const t = p * CELLS + this.emptyCellOf(w);
        const n = (this.threats[t] as number) - 1;
        this.threats[t] = n;
        if (n === 0) this.score -= this.threatValue[t] as number;
      }
      if (this.scoring) {
        const before = p === 0 ? a * 5 + b : b * 5 + a;
        const after = p === 0 ? before - 5 : before - 1;
        this.score += (WINDOW_VALUE[after] as number) - (WINDOW_VALUE[before] as number);
      }
      this.counts[mine + w] = a - 1;
    }
    this.cells[x] = 0;
    if ((this.threats[x] as number) > 0) this.score += this.threatValue[x] as number;
    if ((this.threats[CELLS + x] as number) > 0) this.score += this.threatValue[CELLS + x] as number;
    const centre = CENTRE_BONUS[(x / ROWS) | 0] as number;
    this.score -= p === 0 ? centre : -centre;
    this.hashLo ^= ZOBRIST_LO[p * CELLS + x] as number;
    this.hashHi ^= ZOBRIST_HI[p * CELLS + x] as number;
  }

  private emptyCellOf(w: number): number {
    const base = w * CONNECT;
    for (let k = 0; k < CONNECT; k++) {
      const x = WINDOW_CELLS[base + k] as number;
      if (this.cells[x] === 0) return x;
    }
    return -1; // unreachable: callers only ask about windows with exactly one empty cell
  }
}
