/**
 * Exact Connect Four solver (win / draw / loss with perfect play) under a deterministic node budget.
 *
 * The heuristic search cannot see wins that only arrive when the board fills
 * up (zugzwang: whoever is forced to play under the other's threat loses),
 * which is how a deep player beats a shallow one. Those wins are 20-30 plies
 * deep, but an exact search with no heuristic at all proves them in a few
 * thousand nodes once a dozen discs are down. This follows Pascal Pons'
 * solver (http://blog.gamesolver.org): scores count the moves left when the
 * game is won, only non-losing moves are searched, moves are ordered by how
 * many winning cells they leave their player, and a transposition table keeps
 * upper and lower bounds.
 */
import type { SearchBoard } from "./ai-board";
import { CLAIMEVEN_LOSS as CE_LOSS, CLAIMEVEN_NO_WIN as CE_NO_WIN, claimeven as claimevenOf } from "./ai-claimeven";
import { CENTRE_ORDER as SEARCH_CENTRE_ORDER } from "./ai-search";
import { CELLS as RULES_CELLS, COLUMNS as RULES_COLUMNS } from "./rules";

// Module-local copies for the hot loops (see ai-search.ts).
const CELLS = RULES_CELLS;
const COLUMNS = RULES_COLUMNS;
const CENTRE_ORDER = SEARCH_CENTRE_ORDER;
const CLAIMEVEN_LOSS = CE_LOSS;
const CLAIMEVEN_NO_WIN = CE_NO_WIN;
const claimeven = claimevenOf;

/** Solved value of a root move for the player making it. */
export const SOLVED_LOSS = -1;
export const SOLVED_DRAW = 0;
export const SOLVED_WIN = 1;
export type Solved = typeof SOLVED_LOSS | typeof SOLVED_DRAW | typeof SOLVED_WIN;

/*
 * Transposition table, 2^17 slots, always-replace, indexed by the low hash half
 * and verified by the high half. Cleared at the start of each call so a result
 * never depends on earlier calls. A value v > 0 is an upper bound v - OFFSET;
 * v < 0 a lower bound -v - OFFSET (scores stay within +-21, so both fit an Int8).
 */
const TT_BITS = 17;
const TT_SIZE = 1 << TT_BITS;
const TT_MASK = TT_SIZE - 1;
const OFFSET = 32;
let ttKey: Int32Array | null = null;
let ttBound: Int8Array | null = null;

export class Solver {
  nodes = 0;
  aborted = false;
  private readonly key: Int32Array;
  private readonly bound: Int8Array;
  /** Move lists per ply, preallocated so the hot path does not allocate. */
  private readonly moveBuf = new Int8Array((CELLS + 2) * COLUMNS);
  private readonly scoreBuf = new Int8Array((CELLS + 2) * COLUMNS);

  constructor(
    private readonly board: SearchBoard,
    private readonly budget: number,
  ) {
    ttKey ??= new Int32Array(TT_SIZE);
    ttBound ??= new Int8Array(TT_SIZE);
    ttBound.fill(0);
    this.key = ttKey;
    this.bound = ttBound;
  }

  /**
   * Win, draw or loss for the side to move after it plays `column`, for each
   * column in `columns` (which must be playable and not an immediate win).
   * Returns null when the budget runs out first.
   */
  classify(columns: readonly number[], winOnly = false): Solved[] | null {
    const b = this.board;
    const out: Solved[] = [];
    for (const column of columns) {
      b.play(column);
      // Weak solve: a window of (-1, 1) only tells the sign, which is all the choice needs.
      const v = this.canWinNow() ? -1 : -this.negamax(-1, winOnly ? 0 : 1, 0);
      b.undo(column);
      if (this.aborted) return null;
      out.push(v > 0 ? SOLVED_WIN : v < 0 ? SOLVED_LOSS : SOLVED_DRAW);
    }
    return out;
  }

  private canWinNow(): boolean {
    const b = this.board;
    for (let c = 0; c < COLUMNS; c++) if (b.winsAt(b.side, c)) return true;
    return false;
  }

  /**
   * Score for the side to move, which cannot win at once: positive wins (the
   * larger, the sooner), negative loses, 0 draws. Exact inside (alpha, beta),
   * otherwise a bound on the correct side of the window.
   */
  private negamax(alpha: number, beta: number, ply: number): number {
    const b = this.board;
    if (++this.nodes > this.budget) {
      this.aborted = true;
      return 0;
    }
    const me = b.side;
    const opp = me === 0 ? 1 : 0;
    const left = CELLS - b.moves;

    // The opponent's immediate wins: two lose at once, one must be blocked.
    let forced = -1;
    for (let c = 0; c < COLUMNS; c++) {
      if (!b.winsAt(opp, c)) continue;
      if (forced >= 0) return -((left / 2) | 0);
      forced = c;
    }
    const base = ply * COLUMNS;
    let n = 0;
    if (forced >= 0) {
      if (!b.opensAbove(opp, forced)) {
        this.moveBuf[base] = forced;
        n = 1;
      }
    } else {
      // Order by the winning cells each move leaves us (insertion sort, stable on centre order).
      for (let i = 0; i < COLUMNS; i++) {
        const c = CENTRE_ORDER[i] as number;
        if (!b.canPlay(c) || b.opensAbove(opp, c)) continue;
        const s = b.threatsMadeBy(c);
        let j = base + n++;
        while (j > base && (this.scoreBuf[j - 1] as number) < s) {
          this.moveBuf[j] = this.moveBuf[j - 1] as number;
          this.scoreBuf[j] = this.scoreBuf[j - 1] as number;
          j--;
        }
        this.moveBuf[j] = c;
        this.scoreBuf[j] = s;
      }
    }
    // Every move lets the opponent win next.
    if (n === 0) return -((left / 2) | 0);
    // Two cells left and nobody can win with the next disc: the last one cannot win either.
    if (left <= 2) return 0;

    // We cannot lose before the opponent's move after next, nor win before our move after next.
    let lo = -(((left - 2) / 2) | 0);
    let hi = ((left - 1) / 2) | 0;
    const idx = b.hashLo & TT_MASK;
    if (this.key[idx] === b.hashHi) {
      const v = this.bound[idx] as number;
      if (v > 0) hi = Math.min(hi, v - OFFSET);
      else if (v < 0) lo = Math.max(lo, -v - OFFSET);
    }
    // Zugzwang proven without search (ai-claimeven.ts): a bound like the table's.
    const ce = claimeven(b);
    if (ce === CLAIMEVEN_LOSS) hi = Math.min(hi, -1);
    else if (ce === CLAIMEVEN_NO_WIN) hi = Math.min(hi, 0);
    if (alpha < lo) alpha = lo;
    if (beta > hi) beta = hi;
    if (alpha >= beta) return alpha;

    for (let i = 0; i < n; i++) {
      const c = this.moveBuf[base + i] as number;
      b.play(c);
      const v = -this.negamax(-beta, -alpha, ply + 1);
      b.undo(c);
      if (this.aborted) return 0;
      if (v >= beta) {
        this.key[idx] = b.hashHi;
        this.bound[idx] = -(v + OFFSET);
        return v;
      }
      if (v > alpha) alpha = v;
    }
    this.key[idx] = b.hashHi;
    this.bound[idx] = alpha + OFFSET;
    return alpha;
  }
}
