/** Negamax with alpha-beta pruning, a transposition table and a deterministic node budget. */
import type { SearchBoard } from "./ai-board";
import { CELLS as RULES_CELLS, COLUMNS as RULES_COLUMNS, ROWS as RULES_ROWS } from "./rules";

// Module-local copies for the hot loops: Vitest (and some bundlers) compile imported
// bindings into namespace property reads, which made the search about 5x slower.
const CELLS = RULES_CELLS;
const COLUMNS = RULES_COLUMNS;
const ROWS = RULES_ROWS;

/**
 * A win made by the k-th move from the root scores MATE - k (a loss, the
 * negation), so sooner wins and later losses are preferred. Heuristic scores
 * stay far below MATE_BOUND.
 */
export const MATE = 100_000;
export const MATE_BOUND = MATE - 100;
const INF = 1_000_000;

/** Centre columns first: they take part in the most lines, so they cut the search soonest. */
export const CENTRE_ORDER: readonly number[] = [3, 2, 4, 1, 5, 0, 6];

/*
 * Transposition table: 2^18 slots, always-replace. Index from the low hash half,
 * verified by the high half. One table is shared by all searches in the isolate
 * but cleared at the start of each one, so a move never depends on earlier
 * calls (determinism across restarts and machines).
 * meta packs (depth << 5) | (move << 2) | flag; flag 0 marks an empty slot.
 */
const TT_BITS = 18;
const TT_SIZE = 1 << TT_BITS;
const TT_MASK = TT_SIZE - 1;
const EXACT = 1;
const LOWER = 2;
const UPPER = 3;
let ttKey: Int32Array | null = null;
let ttValue: Int32Array | null = null;
let ttMeta: Int32Array | null = null;

/** Root move with its score; exact when within the requested margin of the best, else an upper bound. */
export interface RootScore {
  readonly column: number;
  readonly score: number;
}

export class Searcher {
  nodes = 0;
  aborted = false;
  private readonly key: Int32Array;
  private readonly value: Int32Array;
  private readonly meta: Int32Array;
  /** Move lists per ply, preallocated so the hot path does not allocate. */
  private readonly moveBuf = new Int8Array((CELLS + 2) * COLUMNS);
  /** History heuristic: how often a (side, cell) move caused a cut-off, weighted by depth. */
  private readonly history = new Int32Array(2 * CELLS);

  constructor(
    private readonly board: SearchBoard,
    private readonly budget: number,
  ) {
    ttKey ??= new Int32Array(TT_SIZE);
    ttValue ??= new Int32Array(TT_SIZE);
    ttMeta ??= new Int32Array(TT_SIZE);
    ttMeta.fill(0);
    this.key = ttKey;
    this.value = ttValue;
    this.meta = ttMeta;
  }

  /**
   * Score every root move at `depth`, in `order`. With `margin`, moves are
   * searched with a window just below (best so far - margin), so every move
   * within the margin of the final best gets an exact score (needed to choose
   * randomly among near-best moves) while worse ones are cut off cheaply.
   * Returns null when the node budget ran out mid-iteration.
   */
  rootIteration(depth: number, order: readonly number[], margin: number): RootScore[] | null {
    const b = this.board;
    const scores: RootScore[] = [];
    let best = -INF;
    for (const column of order) {
      const lower = best === -INF ? -INF : best - margin - 1;
      b.play(column);
      const score = -this.negamax(depth - 1, -INF, -lower, 1);
      b.undo(column);
      if (this.aborted) return null;
      scores.push({ column, score });
      if (score > best) best = score;
    }
    return scores;
  }

  /** Score of the position for the side to move, searched `depth` more plies; `ply` is the distance from the root. */
  private negamax(depth: number, alpha: number, beta: number, ply: number): number {
    const b = this.board;
    if (++this.nodes > this.budget) {
      this.aborted = true;
      return 0;
    }
    const me = b.side;
    const opp = me === 0 ? 1 : 0;
    for (let c = 0; c < COLUMNS; c++) if (b.winsAt(me, c)) return MATE - ply - 1;
    // No immediate win and at most one empty cell left: the last disc cannot win either.
    if (b.moves >= CELLS - 1) return 0;

    // The opponent's immediate wins: two means we lose, one forces our reply.
    let forced = -1;
    for (let c = 0; c < COLUMNS; c++) {
      if (!b.winsAt(opp, c)) continue;
      if (forced >= 0) return -(MATE - ply - 2);
      forced = c;
    }
    if (forced >= 0) {
      if (b.opensAbove(opp, forced)) return -(MATE - ply - 2);
      // Forced replies are searched without using up depth: they cost one node
      // each and stop the horizon from hiding a threat sequence.
      b.play(forced);
      const v = -this.negamax(depth, -beta, -alpha, ply + 1);
      b.undo(forced);
      return v;
    }
    if (depth <= 0) return b.evaluate();

    // We cannot win before our move after next, so nothing above that is reachable.
    const ceiling = MATE - ply - 3;
    if (beta > ceiling) {
      beta = ceiling;
      if (alpha >= beta) return beta;
    }

    const idx = b.hashLo & TT_MASK;
    let ttMove = -1;
    const meta = this.meta[idx] as number;
    if (meta !== 0 && this.key[idx] === b.hashHi) {
      ttMove = (meta >> 2) & 7;
      if (meta >> 5 >= depth) {
        const flag = meta & 3;
        const v = this.value[idx] as number;
        if (flag === EXACT) return v;
        if (flag === LOWER && v >= beta) return v;
        if (flag === UPPER && v <= alpha) return v;
      }
    }

    const n = this.orderMoves(ply, ttMove, opp);
    // Every legal move lets the opponent win on top of it.
    if (n === 0) return -(MATE - ply - 2);

    const alpha0 = alpha;
    const base = ply * COLUMNS;
    let best = -INF;
    let bestMove = this.moveBuf[base] as number;
    for (let i = 0; i < n; i++) {
      const c = this.moveBuf[base + i] as number;
      b.play(c);
      // Principal variation search: after the first move, only prove each
      // other move is no better with a null window; re-search the rare ones
      // that are.
      let v: number;
      if (i === 0) {
        v = -this.negamax(depth - 1, -beta, -alpha, ply + 1);
      } else {
        v = -this.negamax(depth - 1, -alpha - 1, -alpha, ply + 1);
        if (v > alpha && v < beta && !this.aborted) v = -this.negamax(depth - 1, -beta, -alpha, ply + 1);
      }
      b.undo(c);
      if (this.aborted) return 0;
      if (v > best) {
        best = v;
        bestMove = c;
        if (v > alpha) {
          alpha = v;
          if (alpha >= beta) {
            const h = me * CELLS + c * ROWS + (b.heights[c] as number);
            this.history[h] = (this.history[h] as number) + depth * depth;
            break;
          }
        }
      }
    }

    this.key[idx] = b.hashHi;
    this.value[idx] = best;
    this.meta[idx] = (depth << 5) | (bestMove << 2) | (best <= alpha0 ? UPPER : best >= beta ? LOWER : EXACT);
    return best;
  }

  /**
   * Fill this ply's move list: the table's best move first, then by history
   * score, ties in centre-first order. Moves that let the opponent win on the
   * cell above are dropped (they lose at once). Returns the count.
   */
  private orderMoves(ply: number, ttMove: number, opp: 0 | 1): number {
    const b = this.board;
    const base = ply * COLUMNS;
    const hist = this.history;
    const side = b.side * CELLS;
    let n = 0;
    if (ttMove >= 0 && b.canPlay(ttMove) && !b.opensAbove(opp, ttMove)) this.moveBuf[base + n++] = ttMove;
    const first = n;
    for (const c of CENTRE_ORDER) {
      if (c === ttMove || !b.canPlay(c) || b.opensAbove(opp, c)) continue;
      // Insertion sort by history, stable so equal scores keep centre order.
      const score = hist[side + c * ROWS + (b.heights[c] as number)] as number;
      let j = base + n++;
      while (j > base + first) {
        const prev = this.moveBuf[j - 1] as number;
        if ((hist[side + prev * ROWS + (b.heights[prev] as number)] as number) >= score) break;
        this.moveBuf[j] = prev;
        j--;
      }
      this.moveBuf[j] = c;
    }
    return n;
  }
}
