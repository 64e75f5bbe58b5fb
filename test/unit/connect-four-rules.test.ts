/** Unit tests for the pure Connect Four rules and their GameDefinition wrapper. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { C4_ERRORS, connectFour, type C4State, type C4View } from "../../src/games/connect-four";
import { CELLS, COLUMNS, ROWS, cellIndex, findWinningLine, legalColumns } from "../../src/games/connect-four/rules";

type Ok = { ok: true; state: C4State; events: readonly { type: string; [k: string]: unknown }[] };

/** Apply a drop for the seat to move, failing the test on a rule error. */
function drop(state: C4State, column: number, by: "human" | "ai" = "human"): Ok {
  const seat = connectFour.turn(state);
  if (seat === null) throw new Error("The game is already over.");
  const out = connectFour.apply(state, { type: "dropDisc", column }, { seat, by });
  if (!out.ok) throw new Error(`Unexpected ${out.code}: ${out.message}`);
  return out as Ok;
}

/** Play a sequence of columns from a fresh board with seat 0 first, returning the last outcome. */
function playAll(columns: readonly number[], firstSeat = 0): Ok {
  let out: Ok = { ok: true, state: connectFour.create(1, {}, 2, firstSeat), events: [] };
  for (const c of columns) out = drop(out.state, c);
  return out;
}

const digits = (s: string): number[] => [...s].map(Number);

/**
 * Build a state from a picture, top row first: "." empty, "X" seat 0, "O" seat 1.
 * Rejects floating discs and pictures that already contain a line, so each
 * test's win can only come from the drop it makes.
 */
function fromPicture(rows: readonly string[], firstSeat: 0 | 1): C4State {
  expect(rows).toHaveLength(ROWS);
  const board = new Array<number>(CELLS).fill(0);
  const heights = new Array<number>(COLUMNS).fill(0);
  rows.forEach((line, i) => {
    const r = ROWS - 1 - i;
    [...line].forEach((ch, c) => {
      board[cellIndex(c, r)] = ch === "X" ? 1 : ch === "O" ? 2 : 0;
    });
  });
  for (let c = 0; c < COLUMNS; c++) {
    let h = 0;
    while (h < ROWS && board[cellIndex(c, h)] !== 0) h++;
    for (let r = h; r < ROWS; r++) expect(board[cellIndex(c, r)], `floating disc in column ${c}`).toBe(0);
    heights[c] = h;
  }
  for (let c = 0; c < COLUMNS; c++) {
    for (let r = 0; r < (heights[c] ?? 0); r++) expect(findWinningLine(board, c, r)).toBeNull();
  }
  const moves = board.filter((v) => v !== 0).length;
  const turn = (moves % 2 === 0 ? firstSeat : 1 - firstSeat) as 0 | 1;
  return { board, heights, turn, firstSeat, moves, lastMove: null, winner: null, line: null, over: false, endReason: null };
}

/** Assert a value is msgpack-friendly plain data: no undefined, classes, Maps or typed arrays. */
function expectPlainData(value: unknown, path = "state"): void {
  if (value === null || typeof value === "number" || typeof value === "string" || typeof value === "boolean") return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => expectPlainData(v, `${path}[${i}]`));
    return;
  }
  expect(typeof value, `${path} has an unsupported type`).toBe("object");
  expect(Object.getPrototypeOf(value), `${path} is not a plain object`).toBe(Object.prototype);
  for (const [k, v] of Object.entries(value as object)) expectPlainData(v, `${path}.${k}`);
}

function discCount(state: C4State): number {
  return state.board.filter((v) => v !== 0).length;
}

describe("Connect Four game definition", () => {
  it("declares the agreed identity, seats, timing and rate limit.", () => {
    expect(connectFour.id).toBe("connect-four");
    expect(connectFour.title).toBe("Connect Four");
    expect(connectFour.seats).toEqual({ min: 2, max: 2 });
    expect(connectFour.kind).toBe("turn-based");
    const timing = { turnMs: 30000, graceMs: 60000, heartbeatTimeoutMs: 3500, pingIntervalMs: 1500, aiThinkMs: 400, disconnectPolicy: "forfeit" };
    expect(connectFour.timing).toEqual(timing);
    expect(connectFour.rateLimit).toEqual({ burst: 30, perSecond: 10 });
    expect(connectFour.ai?.levels).toEqual(["easy", "medium", "hard"]);
  });

  it("accepts only an empty options object.", () => {
    expect(connectFour.optionsSchema.safeParse({}).success).toBe(true);
    expect(connectFour.optionsSchema.safeParse({ rows: 7 }).success).toBe(false);
  });

  it("validates the input shape but leaves the column range to the rules.", () => {
    const schema = connectFour.inputSchema;
    expect(schema.safeParse({ type: "dropDisc", column: 3 }).success).toBe(true);
    expect(schema.safeParse({ type: "dropDisc", column: 7 }).success).toBe(true);
    expect(schema.safeParse({ type: "dropDisc", column: -1 }).success).toBe(true);
    expect(schema.safeParse({ type: "dropDisc", column: 1.5 }).success).toBe(false);
    expect(schema.safeParse({ type: "dropDisc", column: 5000 }).success).toBe(false);
    expect(schema.safeParse({ type: "dropDisc" }).success).toBe(false);
    expect(schema.safeParse({ type: "pass", column: 3 }).success).toBe(false);
  });
});

describe("Connect Four moves", () => {
  it("starts with an empty board and the given first seat to move.", () => {
    for (const first of [0, 1]) {
      const s = connectFour.create(123, {}, 2, first);
      expect(s.board).toEqual(new Array(CELLS).fill(0));
      expect(s.heights).toEqual(new Array(COLUMNS).fill(0));
      expect(s.moves).toBe(0);
      expect(connectFour.turn(s)).toBe(first);
      expect(s.firstSeat).toBe(first);
      expect(connectFour.result(s)).toBeNull();
    }
  });

  it("drops a disc to the lowest free row and reports it in a move event.", () => {
    const first = playAll([3]);
    expect(first.state.board[cellIndex(3, 0)]).toBe(1);
    expect(first.events).toEqual([{ type: "playerMove", seat: 0, column: 3, row: 0 }]);
    const second = drop(first.state, 3, "ai");
    expect(second.state.board[cellIndex(3, 1)]).toBe(2);
    expect(second.state.heights[3]).toBe(2);
    expect(second.state.lastMove).toEqual({ column: 3, row: 1, seat: 1 });
    expect(second.events).toEqual([{ type: "aiMove", seat: 1, column: 3, row: 1 }]);
  });

  it("alternates turns strictly between the two seats.", () => {
    let s = connectFour.create(1, {}, 2, 1);
    const seen: (number | null)[] = [];
    for (const c of [0, 1, 2, 0, 1]) {
      seen.push(connectFour.turn(s));
      s = drop(s, c).state;
    }
    expect(seen).toEqual([1, 0, 1, 0, 1]);
    expect(connectFour.turn(s)).toBe(0);
  });
});

describe("Connect Four illegal moves", () => {
  const cases: { name: string; state: () => C4State; seat: number; column: number; code: string }[] = [
    { name: "a full column", state: () => playAll([0, 0, 0, 0, 0, 0]).state, seat: 0, column: 0, code: C4_ERRORS.COLUMN_FULL },
    { name: "a column left of the board", state: () => playAll([3]).state, seat: 1, column: -1, code: C4_ERRORS.OUT_OF_RANGE },
    { name: "a column right of the board", state: () => playAll([3]).state, seat: 1, column: 7, code: C4_ERRORS.OUT_OF_RANGE },
    { name: "a fractional column", state: () => playAll([3]).state, seat: 1, column: 2.5, code: C4_ERRORS.OUT_OF_RANGE },
    { name: "the seat that is not to move", state: () => playAll([3]).state, seat: 0, column: 2, code: C4_ERRORS.NOT_YOUR_TURN },
    { name: "a seat that is not playing", state: () => playAll([3]).state, seat: 5, column: 2, code: C4_ERRORS.NOT_YOUR_TURN },
    { name: "a finished match", state: () => playAll(digits("0101010")).state, seat: 1, column: 4, code: C4_ERRORS.MATCH_OVER },
  ];

  for (const tc of cases) {
    it(`rejects a drop into ${tc.name} with ${tc.code} and leaves the state unchanged.`, () => {
      const state = tc.state();
      const before = structuredClone(state);
      const out = connectFour.apply(state, { type: "dropDisc", column: tc.column }, { seat: tc.seat, by: "human" });
      expect(out.ok).toBe(false);
      if (out.ok) return;
      expect(out.code).toBe(tc.code);
      expect(out.message).toMatch(/^[A-Z].*\.$/);
      expect(state).toStrictEqual(before);
    });
  }

  it("names the column in the full-column message.", () => {
    const out = connectFour.apply(playAll([3, 3, 3, 3, 3, 3]).state, { type: "dropDisc", column: 3 }, { seat: 0, by: "human" });
    expect(out).toMatchObject({ ok: false, code: "COLUMN_FULL", message: "Column 3 is full." });
  });

  it("checks a finished match before whose turn it is.", () => {
    const over = playAll(digits("0101010")).state;
    for (const seat of [0, 1]) {
      expect(connectFour.apply(over, { type: "dropDisc", column: 9 }, { seat, by: "human" })).toMatchObject({ code: "MATCH_OVER" });
    }
  });
});

describe("Connect Four wins and draws", () => {
  it("detects a horizontal line on the bottom row and reports it left to right.", () => {
    const out = playAll(digits("0011223"));
    expect(out.state.winner).toBe(0);
    expect(out.state.line).toEqual([[0, 0], [1, 0], [2, 0], [3, 0]]);
    expect(out.events[1]).toEqual({ type: "gameOver", winner: 0, reason: "win", line: [[0, 0], [1, 0], [2, 0], [3, 0]] });
    expect(connectFour.result(out.state)).toEqual({ winner: 0, reason: "win", detail: { line: [[0, 0], [1, 0], [2, 0], [3, 0]] } });
    expect(connectFour.turn(out.state)).toBeNull();
  });

  it("detects a horizontal line completed in its middle and reports the whole run of five.", () => {
    const s = fromPicture([".......", ".......", ".......", ".......", "OO.OO..", "XX.XX.."], 0);
    const out = drop(s, 2);
    expect(out.state.line).toEqual([[0, 0], [1, 0], [2, 0], [3, 0], [4, 0]]);
  });

  it("detects a horizontal line on the top row at the right edge.", () => {
    const s = fromPicture(["...XXX.", "...OXOO", "...OXOO", "...XOXO", "...XOXX", "...OXOO"], 1);
    expect(connectFour.turn(s)).toBe(0);
    expect(drop(s, 6).state.line).toEqual([[3, 5], [4, 5], [5, 5], [6, 5]]);
  });

  it("detects a vertical line and reports it bottom to top.", () => {
    const out = playAll(digits("0101010"));
    expect(out.state.line).toEqual([[0, 0], [0, 1], [0, 2], [0, 3]]);
  });

  it("detects a vertical line reaching the top of the rightmost column.", () => {
    const s = fromPicture([".......", "......X", "......X", "......X", "......O", "O.....O"], 0);
    expect(drop(s, 6).state.line).toEqual([[6, 2], [6, 3], [6, 4], [6, 5]]);
  });

  it("detects a rising diagonal that starts in the bottom-left corner.", () => {
    const s = fromPicture([".......", ".......", "...X...", "..XO...", ".XOO...", ".OOX..."], 1);
    const out = drop(s, 0);
    expect(out.state.winner).toBe(0);
    expect(out.state.line).toEqual([[0, 0], [1, 1], [2, 2], [3, 3]]);
  });

  it("detects a rising diagonal that ends in the top-right corner.", () => {
    const s = fromPicture([".......", ".....XX", "....XXO", "...XOOX", "...OXOO", "...XOOO"], 1);
    expect(drop(s, 6).state.line).toEqual([[3, 2], [4, 3], [5, 4], [6, 5]]);
  });

  it("detects a falling diagonal that starts in the top-left corner.", () => {
    const s = fromPicture([".......", "OX.....", "OOX....", "XOXX...", "OOXX...", "OXOO..."], 1);
    expect(drop(s, 0).state.line).toEqual([[0, 5], [1, 4], [2, 3], [3, 2]]);
  });

  it("detects a falling diagonal that ends in the bottom-right corner.", () => {
    const s = fromPicture([".......", ".......", "...X...", "...OX..", "...OOX.", "...OOX."], 1);
    expect(drop(s, 6).state.line).toEqual([[3, 3], [4, 2], [5, 1], [6, 0]]);
  });

  it("credits the second seat when its disc completes the line.", () => {
    const out = playAll(digits("01012121"), 0);
    expect(out.state.winner).toBe(1);
    expect(out.state.line).toEqual([[1, 0], [1, 1], [1, 2], [1, 3]]);
    expect(out.events).toContainEqual({ type: "gameOver", winner: 1, reason: "win", line: [[1, 0], [1, 1], [1, 2], [1, 3]] });
  });

  it("declares a draw with no winner when the board fills without a line.", () => {
    const out = playAll(digits("524000441435550233413224501111532026366666"));
    expect(out.state.moves).toBe(CELLS);
    expect(out.state.over).toBe(true);
    expect(out.state.winner).toBeNull();
    expect(out.state.line).toBeNull();
    expect(out.events[1]).toEqual({ type: "gameOver", winner: null, reason: "draw", line: null });
    expect(connectFour.result(out.state)).toEqual({ winner: null, reason: "draw", detail: { line: null } });
    expect(legalColumns(out.state)).toEqual([]);
  });
});

describe("Connect Four forfeits", () => {
  for (const reason of ["timeout", "forfeit", "resign"] as const) {
    for (const seat of [0, 1]) {
      it(`ends the match for the other seat when seat ${seat} loses by ${reason}.`, () => {
        const s = playAll([3, 2]).state;
        const before = structuredClone(s);
        const out = connectFour.forfeit(s, seat, reason);
        expect(s).toStrictEqual(before);
        expect(out.events).toEqual([{ type: "gameOver", winner: 1 - seat, reason, line: null }]);
        expect(connectFour.result(out.state)).toEqual({ winner: 1 - seat, reason, detail: { line: null } });
        expect(connectFour.turn(out.state)).toBeNull();
        const again = connectFour.apply(out.state, { type: "dropDisc", column: 0 }, { seat: 0, by: "human" });
        expect(again).toMatchObject({ ok: false, code: "MATCH_OVER" });
      });
    }
  }

  it("leaves a finished match unchanged and silent when a forfeit arrives late.", () => {
    const won = playAll(digits("0011223")).state;
    const out = connectFour.forfeit(won, 0, "timeout");
    expect(out.state).toBe(won);
    expect(out.events).toEqual([]);
    expect(connectFour.result(out.state)?.reason).toBe("win");
  });
});

describe("Connect Four state hygiene", () => {
  it("never mutates the state it is given.", () => {
    let s = connectFour.create(1, {}, 2, 0);
    for (const c of digits("3344520")) {
      const before = structuredClone(s);
      const next = drop(s, c).state;
      expect(s).toStrictEqual(before);
      s = next;
    }
  });

  it("keeps state as plain data that survives a serialisation round trip.", () => {
    for (const s of [connectFour.create(9, {}, 2, 1), playAll([3, 4]).state, playAll(digits("0011223")).state, connectFour.forfeit(playAll([1]).state, 1, "resign").state]) {
      expectPlainData(s);
      expect(JSON.parse(JSON.stringify(s))).toStrictEqual(s);
    }
  });

  it("shows every viewer the same board as rows, bottom row first.", () => {
    const s = playAll([2, 2, 6]).state;
    const views = [0, 1, null].map((seat) => connectFour.view(s, seat) as C4View);
    expect(views[1]).toEqual(views[0]);
    expect(views[2]).toEqual(views[0]);
    const v = views[0] as C4View;
    expect(v.board).toHaveLength(ROWS);
    expect(v.board[0]).toEqual([0, 0, 1, 0, 0, 0, 1]);
    expect(v.board[1]).toEqual([0, 0, 2, 0, 0, 0, 0]);
    expect(v).toMatchObject({ turn: 1, moves: 3, lastMove: { column: 6, row: 0, seat: 0 }, winner: null, line: null, over: false, endReason: null });
    expectPlainData(v, "view");
    const over = connectFour.view(playAll(digits("0011223")).state, null) as C4View;
    expect(over).toMatchObject({ turn: null, winner: 0, over: true, endReason: "win" });
  });

  it("keeps discs, heights, move count and result consistent for any sequence of drops.", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -2, max: 8 }), { maxLength: 80 }), fc.integer({ min: 0, max: 1 }), (columns, first) => {
        let s = connectFour.create(1, {}, 2, first);
        for (const column of columns) {
          const seat = connectFour.turn(s) ?? 0;
          const out = connectFour.apply(s, { type: "dropDisc", column }, { seat, by: "human" });
          if (out.ok) {
            expect(out.state.moves).toBe(s.moves + 1);
            s = out.state;
          } else {
            expect(Object.values(C4_ERRORS)).toContain(out.code);
          }
          expect(discCount(s)).toBe(s.moves);
          for (let c = 0; c < COLUMNS; c++) {
            const h = s.heights[c] ?? -1;
            for (let r = 0; r < ROWS; r++) expect(s.board[cellIndex(c, r)] !== 0).toBe(r < h);
          }
          expect(connectFour.result(s) !== null).toBe(s.over);
          expect(connectFour.turn(s) === null).toBe(s.over);
          if (s.endReason === "win") expect(s.line?.length).toBeGreaterThanOrEqual(4);
          if (!s.over) expect(s.turn).toBe((s.firstSeat + s.moves) % 2);
        }
      }),
      { numRuns: 300, seed: 20240607 },
    );
  });
});
