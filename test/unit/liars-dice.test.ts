/** Unit tests for Liar's Dice: rules, errors, forfeits, determinism, hidden information, events, plain data and the AI. */
import fc from "fast-check";
import { Packr, Unpackr } from "msgpackr";
import { describe, expect, it } from "vitest";
import {
  LIARS_DICE_ERRORS,
  countFace,
  isRaise,
  liarsDice,
  rollHand,
  type LiarsDiceEvent,
  type LiarsDiceInput,
  type LiarsDiceState,
} from "../../src/games/liars-dice";
import { Rng, mixSeed } from "../../src/games/rng";
import type { Actor } from "../../src/games/types";

type Ok = { ok: true; state: LiarsDiceState; events: readonly LiarsDiceEvent[] };
const LEVELS = ["easy", "medium", "hard"] as const;
const REASONS = ["timeout", "forfeit", "resign"] as const;

// The room's own msgpack settings (src/room/storage.ts).
const packr = new Packr({ useRecords: false, encodeUndefinedAsNil: true, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: "number" });

/** Apply an input for `seat` (default: the seat to move), failing the test on a rule error. */
function act(state: LiarsDiceState, input: LiarsDiceInput, seat: number = state.turn, by: Actor = "human"): Ok {
  const out = liarsDice.apply(state, input, { seat, by });
  if (!out.ok) throw new Error(`Unexpected ${out.code}: ${out.message}`);
  return out as Ok;
}
const bid = (state: LiarsDiceState, quantity: number, face: number): Ok => act(state, { type: "bid", quantity, face });
const liar = (state: LiarsDiceState): Ok => act(state, { type: "liar" });

/**
 * A table with exactly these dice (seat by seat) and `turn` opening the hand.
 * Seats given [] are out (lost their dice in an earlier hand). Later hands are
 * rolled from `seed` as usual.
 */
function table(dice: number[][], turn = 0, seed = 7): LiarsDiceState {
  const base = liarsDice.create(seed, {}, dice.length, turn);
  const outOrder = dice.flatMap((d, s) => (d.length === 0 ? [s] : []));
  return {
    ...base,
    players: dice.map((d) => (d.length === 0 ? { count: 0, dice: [], outHand: 0, outReason: "dice" as const } : { count: d.length, dice: d, outHand: null, outReason: null })),
    outOrder,
  };
}

/** Replace the running hand's dice (same counts), to script a later hand. */
function redeal(state: LiarsDiceState, dice: number[][]): LiarsDiceState {
  dice.forEach((d, s) => expect(d.length, `seat ${s} holds ${state.players[s]?.count} dice`).toBe(state.players[s]?.count));
  return { ...state, players: state.players.map((p, s) => ({ ...p, dice: dice[s] ?? [] })) };
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

/** Every state invariant that must hold after any sequence of inputs and forfeits. */
function expectInvariants(s: LiarsDiceState, seats: number, startDice: number): void {
  expect(s.players).toHaveLength(seats);
  const inSeats: number[] = [];
  s.players.forEach((p, seat) => {
    expect(p.count).toBeGreaterThanOrEqual(0);
    expect(p.count).toBeLessThanOrEqual(startDice);
    expect(p.dice).toHaveLength(s.over ? 0 : p.count);
    for (const d of p.dice) expect(d >= 1 && d <= 6 && Number.isInteger(d)).toBe(true);
    expect(p.count === 0).toBe(p.outReason !== null);
    expect(p.count === 0).toBe(p.outHand !== null);
    if (p.count > 0) inSeats.push(seat);
  });
  expect([...s.outOrder].sort()).toEqual(s.players.flatMap((p, seat) => (p.count === 0 ? [seat] : [])).sort());
  if (s.over) {
    expect(inSeats).toEqual([s.winner]);
    expect(liarsDice.turn(s)).toBeNull();
    const result = liarsDice.result(s);
    expect(result?.winner).toBe(s.winner);
    expect(result?.ranking?.[0]).toBe(s.winner);
    expect([...(result?.ranking ?? [])].sort()).toEqual(s.players.map((_, seat) => seat));
    expect(liarsDice.secrets?.(s)).toEqual([]);
  } else {
    expect(inSeats.length).toBeGreaterThanOrEqual(2);
    expect(inSeats).toContain(s.turn);
    expect(liarsDice.result(s)).toBeNull();
    const total = inSeats.reduce((n, seat) => n + (s.players[seat]?.count ?? 0), 0);
    s.bids.forEach((b, i) => {
      expect(b.quantity >= 1 && b.quantity <= total && b.face >= 1 && b.face <= 6).toBe(true);
      if (i > 0) expect(isRaise(s.bids[i - 1] ?? null, b)).toBe(true);
    });
  }
}

/** The protocol section's recipe, written out independently of rollHand. */
function protocolDice(seed: number, hand: number, counts: readonly number[]): number[][] {
  const rng = new Rng(mixSeed(seed, hand));
  return counts.map((n) => Array.from({ length: n }, () => 1 + (rng.u32() % 6)));
}

/** A seeded game: every seat an AI of a random level, with occasional forfeits; returns each step. */
function seededGame(seed: number, seats: number, options: { dice?: number } = {}, forfeitChance = 0.03) {
  const rng = new Rng(seed);
  let state = liarsDice.create(seed, options, seats, rng.int(seats));
  const steps: { before: LiarsDiceState; after: LiarsDiceState; events: readonly LiarsDiceEvent[] }[] = [];
  for (let k = 0; k < 500 && !state.over; k++) {
    const before = state;
    if (rng.float() < forfeitChance) {
      const out = liarsDice.forfeit(state, rng.int(seats), REASONS[rng.int(3)] as (typeof REASONS)[number]);
      state = out.state;
      steps.push({ before, after: state, events: out.events });
      continue;
    }
    const level = LEVELS[rng.int(3)] as string;
    const input = liarsDice.ai?.choose(state, state.turn, level, mixSeed(seed, k)) as LiarsDiceInput;
    const out = act(state, input, state.turn, "ai");
    state = out.state;
    steps.push({ before, after: state, events: out.events });
  }
  return { state, steps };
}

describe("Liar's Dice game definition", () => {
  it("declares the agreed identity, seats, timing, rate limit and AI levels.", () => {
    expect(liarsDice.id).toBe("liars-dice");
    expect(liarsDice.title).toBe("Liar's Dice");
    expect(liarsDice.seats).toEqual({ min: 2, max: 6 });
    expect(liarsDice.kind).toBe("turn-based");
    const timing = { turnMs: 30000, graceMs: 60000, heartbeatTimeoutMs: 3500, pingIntervalMs: 1500, aiThinkMs: 600, disconnectPolicy: "forfeit" };
    expect(liarsDice.timing).toEqual(timing);
    expect(liarsDice.rateLimit).toEqual({ burst: 30, perSecond: 10 });
    expect(liarsDice.ai?.levels).toEqual(["easy", "medium", "hard"]);
  });

  it("accepts only an optional whole number of starting dice from 1 to 5.", () => {
    const schema = liarsDice.optionsSchema;
    for (const ok of [{}, { dice: 1 }, { dice: 5 }]) expect(schema.safeParse(ok).success).toBe(true);
    for (const bad of [{ dice: 0 }, { dice: 6 }, { dice: 2.5 }, { dice: "3" }, { faces: 8 }]) expect(schema.safeParse(bad).success).toBe(false);
  });

  it("validates the input shape strictly but leaves face and quantity ranges to the rules.", () => {
    const schema = liarsDice.inputSchema;
    for (const ok of [{ type: "bid", quantity: 3, face: 4 }, { type: "bid", quantity: 0, face: 9 }, { type: "bid", quantity: -5, face: -1 }, { type: "liar" }]) {
      expect(schema.safeParse(ok).success, JSON.stringify(ok)).toBe(true);
    }
    const bad = [
      { type: "bid", quantity: 3 },
      { type: "bid", quantity: 1.5, face: 2 },
      { type: "bid", quantity: 3, face: 4000 },
      { type: "bid", quantity: 3, face: 4, extra: 1 },
      { type: "liar", quantity: 3 },
      { type: "pass" },
      {},
    ];
    for (const b of bad) expect(schema.safeParse(b).success, JSON.stringify(b)).toBe(false);
  });
});

describe("Liar's Dice rules", () => {
  it("starts every seat with five dice, or the optioned number, and lets the first seat open hand 1.", () => {
    const s = liarsDice.create(99, {}, 4, 2);
    expect(s.players.map((p) => p.count)).toEqual([5, 5, 5, 5]);
    expect([s.hand, s.opener, liarsDice.turn(s), s.bids]).toEqual([1, 2, 2, []]);
    expect(liarsDice.create(99, { dice: 2 }, 3, 0).players.map((p) => p.dice.length)).toEqual([2, 2, 2]);
    expect(liarsDice.create(99, {}, 3, 7).turn).toBe(0);
  });

  it("orders bids by quantity, then face, so a raise is more dice or as many of a higher face.", () => {
    const cases: [[number, number] | null, [number, number], boolean][] = [
      [null, [1, 1], true],
      [[3, 4], [3, 5], true],
      [[3, 4], [3, 4], false],
      [[3, 4], [3, 3], false],
      [[3, 4], [4, 1], true],
      [[3, 6], [4, 2], true],
      [[3, 1], [3, 2], true],
      [[3, 2], [3, 1], false],
      [[4, 1], [3, 6], false],
    ];
    for (const [prev, next, raise] of cases) {
      const p = prev && { quantity: prev[0], face: prev[1] };
      expect(isRaise(p, { quantity: next[0], face: next[1] }), `${prev} -> ${next}`).toBe(raise);
    }
    const s = bid(table([[2, 2], [3, 3], [4, 4]]), 2, 5).state;
    expect(bid(s, 2, 6).state.bids).toHaveLength(2);
    expect(bid(s, 3, 1).state.bids).toHaveLength(2);
    expect(liarsDice.apply(s, { type: "bid", quantity: 2, face: 5 }, { seat: 1, by: "human" })).toMatchObject({ ok: false, code: "BID_TOO_LOW" });
  });

  it("passes the turn to the next seat still holding dice, skipping seats that are out.", () => {
    let s = table([[2], [], [3], [4]], 0);
    const order: number[] = [];
    for (let q = 1; q <= 4; q++) {
      order.push(s.turn);
      s = bid(s, 1, q + 1).state;
    }
    expect(order).toEqual([0, 2, 3, 0]);
  });

  it("counts ones as wild for every face except a bid on ones.", () => {
    expect(countFace([1, 1, 3, 4, 5], 4)).toBe(3);
    expect(countFace([1, 1, 3, 4, 5], 1)).toBe(2);
    expect(countFace([6, 6, 2], 6)).toBe(2);
    // 3 × 5 is true with two wild ones; 3 × 1 is not, ones only count as themselves there.
    const onFives = liar(bid(table([[5, 1], [1, 2]]), 3, 5).state);
    expect(onFives.events[0]).toMatchObject({ type: "challenge", count: 3, loser: 1 });
    const onOnes = liar(bid(table([[5, 1], [1, 2]]), 3, 1).state);
    expect(onOnes.events[0]).toMatchObject({ type: "challenge", count: 2, loser: 0 });
  });

  it("takes a die from the bidder when the bid was a lie, reveals every die and lets the loser open the next hand.", () => {
    const s0 = table([[3, 3, 1], [2, 5, 6], [4, 4, 4]], 0, 21);
    const s1 = bid(s0, 4, 3).state; // three count (3, 3, 1): a lie
    const { state, events } = liar(s1);
    const dice = [[3, 3, 1], [2, 5, 6], [4, 4, 4]];
    expect(events[0]).toEqual({ type: "challenge", seat: 1, by: "human", hand: 1, bidder: 0, quantity: 4, face: 3, dice, count: 3, loser: 0, loserOut: false });
    expect(state.players.map((p) => p.count)).toEqual([2, 3, 3]);
    expect([state.hand, state.opener, state.turn, state.bids]).toEqual([2, 0, 0, []]);
    expect(state.lastReveal).toMatchObject({ hand: 1, challenger: 1, bidder: 0, count: 3, loser: 0, loserOut: false });
    expect(events.map((e) => e.type)).toEqual(["challenge", "handStarted", "yourDice", "yourDice", "yourDice"]);
    expect(events[1]).toEqual({ type: "handStarted", hand: 2, opener: 0, diceCounts: [2, 3, 3], after: "challenge" });
  });

  it("takes a die from the challenger when the bid holds, even at exactly its quantity.", () => {
    const s1 = bid(table([[3, 3, 1], [2, 5, 6], [4, 4, 4]], 0), 3, 3).state;
    const s2 = act(s1, { type: "bid", quantity: 4, face: 4 }).state; // seat 1 bids four 4s: 4, 4, 4, 1 = 4
    const { state, events } = liar(s2);
    expect(events[0]).toMatchObject({ seat: 2, bidder: 1, count: 4, loser: 2 });
    expect(state.players.map((p) => p.count)).toEqual([3, 3, 2]);
    expect([state.opener, state.turn]).toEqual([2, 2]);
  });

  it("puts out a player who loses its last die, and the next seat still in opens.", () => {
    const s1 = bid(table([[6, 6], [2], [3, 3]], 0), 2, 6).state;
    const s2 = bid(s1, 3, 6).state; // seat 1's lie with its last die
    const { state, events } = liar(s2);
    expect(events.slice(0, 3).map((e) => e.type)).toEqual(["challenge", "playerOut", "handStarted"]);
    expect(events[1]).toEqual({ type: "playerOut", seat: 1, hand: 1, reason: "dice" });
    expect(state.players[1]).toEqual({ count: 0, dice: [], outHand: 1, outReason: "dice" });
    expect([state.opener, state.turn]).toEqual([2, 2]);
    expect(events.filter((e) => e.type === "yourDice").map((e) => e.to)).toEqual([{ seat: 0 }, { seat: 2 }]);
    const view = liarsDice.view(state, 1);
    expect(view.myDice).toEqual([]);
    expect(view.players[1]).toMatchObject({ dice: 0, out: true });
    expect(liarsDice.apply(state, { type: "liar" }, { seat: 1, by: "human" })).toMatchObject({ ok: false, code: "NOT_YOUR_TURN" });
  });

  it("ends the match when one player holds dice, with that player as winner and everyone ranked.", () => {
    const s = table([[5], [2, 2]], 1);
    const { state, events } = liar(bid(s, 2, 2).state); // true bid: challenger seat 0 loses its last die
    expect(state.over).toBe(true);
    expect(events.map((e) => e.type)).toEqual(["challenge", "playerOut", "gameOver"]);
    expect(events[2]).toEqual({ type: "gameOver", winner: 1, reason: "win", ranking: [1, 0] });
    expect(liarsDice.result(state)).toEqual({ winner: 1, reason: "win", ranking: [1, 0], detail: { hands: 1, outHands: [1, null], outReasons: ["dice", null] } });
    expect(liarsDice.turn(state)).toBeNull();
    expect(state.players.every((p) => p.dice.length === 0)).toBe(true);
    expect(liarsDice.view(state, null)).toMatchObject({ over: true, winner: 1, turn: null, endReason: "win" });
  });

  it("ranks the winner first, then players by the hand they went out in (later is better), then forfeited seats.", () => {
    // Seat 3 resigns in hand 1; seat 2 loses its last die in hand 2, seat 0 in hand 3; seat 1 wins.
    let s = liarsDice.forfeit(table([[4], [5, 5, 5], [6], [2]], 0), 3, "resign").state;
    expect([s.hand, s.turn]).toEqual([2, 0]);
    s = redeal(s, [[4], [5, 5, 5], [6], []]);
    s = bid(s, 2, 4).state; // seat 0
    s = bid(s, 3, 5).state; // seat 1: three 5s, true
    s = liar(s).state; // seat 2 challenges a true bid with its last die
    expect([s.players[2]?.outHand, s.players[2]?.outReason, s.hand, s.turn]).toEqual([2, "dice", 3, 0]);
    s = redeal(s, [[4], [5, 5, 5], [], []]);
    s = bid(s, 1, 3).state; // seat 0 opens with a lie on its last die
    const end = liar(s);
    expect(end.state.over).toBe(true);
    expect(liarsDice.result(end.state)).toMatchObject({ winner: 1, reason: "win", ranking: [1, 0, 2, 3] });
    expect(end.events[end.events.length - 1]).toEqual({ type: "gameOver", winner: 1, reason: "win", ranking: [1, 0, 2, 3] });
  });
});

describe("Liar's Dice refused inputs", () => {
  const open = () => table([[1, 2, 3], [4, 5, 6]], 0);
  const raised = () => bid(open(), 3, 4).state;
  const over = () => liar(bid(table([[5], [2, 2]], 1), 2, 2).state).state;
  const cases: { name: string; state: () => LiarsDiceState; seat: number; input: LiarsDiceInput; code: string }[] = [
    { name: "a move after the end", state: over, seat: 1, input: { type: "bid", quantity: 3, face: 2 }, code: LIARS_DICE_ERRORS.MATCH_OVER },
    { name: "a bid out of turn", state: open, seat: 1, input: { type: "bid", quantity: 1, face: 2 }, code: LIARS_DICE_ERRORS.NOT_YOUR_TURN },
    { name: "a challenge out of turn", state: raised, seat: 0, input: { type: "liar" }, code: LIARS_DICE_ERRORS.NOT_YOUR_TURN },
    { name: "a face of 0", state: open, seat: 0, input: { type: "bid", quantity: 1, face: 0 }, code: LIARS_DICE_ERRORS.BAD_FACE },
    { name: "a face of 7", state: open, seat: 0, input: { type: "bid", quantity: 1, face: 7 }, code: LIARS_DICE_ERRORS.BAD_FACE },
    { name: "a quantity of 0", state: open, seat: 0, input: { type: "bid", quantity: 0, face: 3 }, code: LIARS_DICE_ERRORS.BAD_QUANTITY },
    { name: "more dice than are in play", state: open, seat: 0, input: { type: "bid", quantity: 7, face: 3 }, code: LIARS_DICE_ERRORS.BAD_QUANTITY },
    { name: "the same bid again", state: raised, seat: 1, input: { type: "bid", quantity: 3, face: 4 }, code: LIARS_DICE_ERRORS.BID_TOO_LOW },
    { name: "fewer dice of a higher face", state: raised, seat: 1, input: { type: "bid", quantity: 2, face: 6 }, code: LIARS_DICE_ERRORS.BID_TOO_LOW },
    { name: "a challenge with no bid", state: open, seat: 0, input: { type: "liar" }, code: LIARS_DICE_ERRORS.NO_BID_TO_CHALLENGE },
  ];
  for (const c of cases) {
    it(`refuses ${c.name} with ${c.code}, a message, and an untouched state.`, () => {
      const s = c.state();
      const before = structuredClone(s);
      const out = liarsDice.apply(s, c.input, { seat: c.seat, by: "human" });
      expect(out.ok).toBe(false);
      if (!out.ok) {
        expect(out.code).toBe(c.code);
        expect(out.message.length).toBeGreaterThan(10);
      }
      expect(s).toEqual(before);
    });
  }

  it("covers every documented error code in the table above.", () => {
    expect(new Set(cases.map((c) => c.code))).toEqual(new Set(Object.values(LIARS_DICE_ERRORS)));
  });
});

describe("Liar's Dice forfeits", () => {
  it("removes a seat that forfeits on its turn, voids the hand and lets the next seat still in open a fresh one.", () => {
    const s = bid(table([[1, 2], [3, 4], [5, 6]], 0, 5), 2, 2).state; // seat 1 to move
    const before = structuredClone(s);
    const { state, events } = liarsDice.forfeit(s, 1, "timeout");
    expect(s).toEqual(before);
    expect(events.map((e) => e.type)).toEqual(["playerOut", "handStarted", "yourDice", "yourDice"]);
    expect(events[0]).toEqual({ type: "playerOut", seat: 1, hand: 1, reason: "timeout" });
    expect(events[1]).toEqual({ type: "handStarted", hand: 2, opener: 2, diceCounts: [2, 0, 2], after: "forfeit" });
    expect(state.players.map((p) => p.count)).toEqual([2, 0, 2]);
    expect([state.hand, state.turn, state.bids]).toEqual([2, 2, []]);
    expect(state.players.map((p) => p.dice)).toEqual(rollHand(5, 2, [2, 0, 2]));
  });

  it("keeps the turn with the seat to move when another seat forfeits, in a fresh hand.", () => {
    const s = bid(table([[1, 2], [3, 4], [5, 6]], 0), 2, 2).state; // seat 1 to move
    const { state } = liarsDice.forfeit(s, 2, "forfeit");
    expect([state.hand, state.opener, state.turn, state.bids]).toEqual([2, 1, 1, []]);
    expect(state.players.map((p) => p.count)).toEqual([2, 2, 0]);
  });

  it("declares the last seat standing the winner with the forfeit's reason, ranking the forfeited seat last.", () => {
    const s = table([[1], [3, 4, 5], [6, 6]], 0);
    const first = liarsDice.forfeit(s, 0, "resign").state;
    const { state, events } = liarsDice.forfeit(first, 2, "timeout");
    expect(events.map((e) => e.type)).toEqual(["playerOut", "gameOver"]);
    expect(events[1]).toEqual({ type: "gameOver", winner: 1, reason: "timeout", ranking: [1, 2, 0] });
    expect(liarsDice.result(state)).toMatchObject({ winner: 1, reason: "timeout", ranking: [1, 2, 0] });
  });

  it("ranks a forfeited seat below a seat that lost its dice after the forfeit.", () => {
    let s = liarsDice.forfeit(table([[2], [2], [2]], 0), 2, "forfeit").state;
    s = redeal(s, [[2], [3], []]);
    const end = liar(bid(s, 1, 2).state); // seat 1 challenges a true bid with its last die
    expect(liarsDice.result(end.state)?.ranking).toEqual([0, 1, 2]);
  });

  it("changes nothing for a seat already out, a seat not at the table, or a finished match.", () => {
    const s = table([[1, 2], [], [5, 6]], 0);
    for (const seat of [1, 3, -1, 0.5]) expect(liarsDice.forfeit(s, seat, "forfeit")).toEqual({ state: s, events: [] });
    const over = liar(bid(table([[5], [2, 2]], 1), 2, 2).state).state;
    expect(liarsDice.forfeit(over, 1, "resign")).toEqual({ state: over, events: [] });
  });
});

describe("Liar's Dice determinism and verifiable dice", () => {
  it("rolls the protocol section's test vector from seed 12345.", () => {
    expect(rollHand(12345, 1, [5, 5])).toEqual([[4, 1, 4, 1, 4], [5, 2, 4, 2, 2]]);
    expect(rollHand(12345, 2, [5, 4, 0, 2])).toEqual([[5, 4, 3, 6, 4], [5, 5, 4, 5], [], [4, 3]]);
    expect(liarsDice.create(12345, {}, 2, 0).players.map((p) => p.dice)).toEqual([[4, 1, 4, 1, 4], [5, 2, 4, 2, 2]]);
  });

  it("produces the same states and events for the same seed and inputs, and every hand's dice follow from the seed alone.", () => {
    for (let g = 0; g < 30; g++) {
      const seats = 2 + (g % 5);
      const a = seededGame(mixSeed(0xd1ce, g), seats);
      const b = seededGame(mixSeed(0xd1ce, g), seats);
      expect(b).toEqual(a);
      let hands = 0;
      for (const { after } of a.steps) {
        if (after.over) continue;
        expect(after.players.map((p) => p.dice)).toEqual(protocolDice(mixSeed(0xd1ce, g), after.hand, after.players.map((p) => p.count)));
        hands++;
      }
      expect(hands).toBeGreaterThan(0);
    }
  });
});

describe("Liar's Dice hidden information", () => {
  /** The same state with every other seat's dice re-rolled (same counts). */
  function rerollOthers(s: LiarsDiceState, keep: number | null, salt: number): LiarsDiceState {
    const rng = new Rng(salt);
    return { ...s, players: s.players.map((p, seat) => (seat === keep ? p : { ...p, dice: p.dice.map(() => 1 + rng.int(6)) })) };
  }

  it("shows a seat its own dice and everyone's counts, and nothing that depends on other seats' dice.", () => {
    for (let g = 0; g < 20; g++) {
      for (const { after } of seededGame(mixSeed(0x51de, g), 2 + (g % 5)).steps) {
        if (after.over) continue;
        for (let seat = 0; seat < after.players.length; seat++) {
          const view = liarsDice.view(after, seat);
          expect(view.myDice).toEqual(after.players[seat]?.dice);
          expect(view.players.map((p) => p.dice)).toEqual(after.players.map((p) => p.count));
          expect(liarsDice.view(rerollOthers(after, seat, g), seat)).toEqual(view);
        }
      }
    }
  });

  it("shows a spectator no dice at all while a hand runs.", () => {
    const { steps } = seededGame(0x5bec, 4);
    for (const { after } of steps) {
      const view = liarsDice.view(after, null);
      expect(view.myDice).toBeNull();
      expect(liarsDice.view(rerollOthers(after, null, 3), null)).toEqual(view);
    }
  });

  it("reports each seat's running dice as its secret, and none once the match is over.", () => {
    const s = table([[1, 2], [], [5, 6, 6]], 0);
    expect(liarsDice.secrets?.(s)).toEqual([
      { seat: 0, value: { hand: 1, dice: [1, 2] } },
      { seat: 2, value: { hand: 1, dice: [5, 6, 6] } },
    ]);
  });

  it("sends unrevealed dice only in yourDice events addressed to their own seat.", () => {
    for (let g = 0; g < 30; g++) {
      for (const { before, after, events } of seededGame(mixSeed(0xe7e, g), 2 + (g % 5)).steps) {
        for (const e of events) {
          if (e.type === "yourDice") {
            expect(e.to).toEqual({ seat: expect.any(Number) });
            expect(e.dice).toEqual(after.players[e.to.seat]?.dice);
            expect(e.hand).toBe(after.hand);
          } else {
            expect("to" in e).toBe(false);
            // The only public dice are those a challenge reveals: the hand that just ended.
            if (e.type === "challenge") expect(e.dice).toEqual(before.players.map((p) => p.dice));
            else expect(JSON.stringify(e)).not.toMatch(/"dice":\[/);
          }
        }
        const yours = events.filter((e): e is Extract<LiarsDiceEvent, { type: "yourDice" }> => e.type === "yourDice");
        if (events.some((e) => e.type === "handStarted")) expect(yours.map((e) => e.to.seat)).toEqual(after.players.flatMap((p, s) => (p.count > 0 ? [s] : [])));
        else expect(yours).toEqual([]);
      }
    }
  });
});

describe("Liar's Dice random play", () => {
  const command = fc.oneof(
    fc.record({
      kind: fc.constant("bid" as const),
      onTurn: fc.boolean(),
      seat: fc.integer({ min: 0, max: 5 }),
      // Mostly near the legal range, sometimes anywhere the schema admits.
      quantity: fc.oneof(fc.integer({ min: -2, max: 32 }), fc.integer({ min: -1000, max: 1000 })),
      face: fc.oneof(fc.integer({ min: 0, max: 7 }), fc.integer({ min: -1000, max: 1000 })),
    }),
    fc.record({ kind: fc.constant("liar" as const), onTurn: fc.boolean(), seat: fc.integer({ min: 0, max: 5 }) }),
    fc.record({ kind: fc.constant("forfeit" as const), seat: fc.integer({ min: -1, max: 6 }), reason: fc.constantFrom(...REASONS) }),
    fc.record({ kind: fc.constant("ai" as const), level: fc.constantFrom(...LEVELS), seed: fc.integer({ min: 0, max: 0xffffffff }) }),
  );

  it("never throws on schema-valid inputs and keeps every invariant, with plain-data states and untouched inputs.", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.nat(),
        fc.array(command, { maxLength: 120 }),
        (seed, seats, dice, first, commands) => {
          let s = liarsDice.create(seed, { dice }, seats, first % seats);
          let total = seats * dice;
          expectInvariants(s, seats, dice);
          for (const c of commands) {
            const prev = s;
            const snapshot = structuredClone(prev);
            if (c.kind === "forfeit") {
              s = liarsDice.forfeit(s, c.seat, c.reason).state;
            } else {
              let input: LiarsDiceInput = { type: "liar" };
              if (c.kind === "ai") input = liarsDice.ai?.choose(s, s.turn, c.level, c.seed) as LiarsDiceInput;
              if (c.kind === "bid") input = { type: "bid", quantity: c.quantity, face: c.face };
              expect(liarsDice.inputSchema.safeParse(input).success).toBe(true);
              const seat = c.kind === "ai" || c.onTurn ? s.turn : c.seat % seats;
              const out = liarsDice.apply(s, input, { seat, by: "human" });
              if (c.kind === "ai" && !s.over) expect(out.ok).toBe(true);
              if (out.ok) s = out.state;
            }
            expect(prev).toEqual(snapshot);
            const now = s.players.reduce((n, p) => n + p.count, 0);
            expect(now).toBeLessThanOrEqual(total);
            total = now;
            expectInvariants(s, seats, dice);
          }
          expectPlainData(s);
          expect(JSON.parse(JSON.stringify(s))).toEqual(s);
          expect(structuredClone(s)).toEqual(s);
          expect(unpackr.unpack(packr.pack(s))).toEqual(s);
        },
      ),
      { numRuns: 150, seed: 11 },
    );
  });

  it("never mutates the state it is given, in any input or forfeit.", () => {
    for (let g = 0; g < 10; g++) {
      const { steps } = seededGame(mixSeed(0x3a7, g), 3, {}, 0.1);
      for (const { before } of steps) {
        const copy = structuredClone(before);
        liarsDice.apply(before, { type: "liar" }, { seat: before.turn, by: "human" });
        liarsDice.apply(before, { type: "bid", quantity: 1, face: 6 }, { seat: before.turn, by: "human" });
        liarsDice.forfeit(before, before.turn, "timeout");
        liarsDice.view(before, 0);
        expect(before).toEqual(copy);
      }
    }
  });

  it("finishes every all-AI game with exactly one winner and dice counts that only fall.", () => {
    for (let g = 0; g < 60; g++) {
      const seats = 2 + (g % 5);
      const { state, steps } = seededGame(mixSeed(0xa11, g), seats, { dice: 1 + (g % 5) });
      expect(state.over).toBe(true);
      expect(state.players.filter((p) => p.count > 0)).toHaveLength(1);
      for (const { before, after } of steps) expect(after.players.reduce((n, p) => n + p.count, 0)).toBeLessThanOrEqual(before.players.reduce((n, p) => n + p.count, 0));
      expectInvariants(state, seats, 1 + (g % 5));
    }
  });
});

describe("Liar's Dice AI", () => {
  it("returns a legal move at every level from many seeded positions.", () => {
    let checked = 0;
    for (let g = 0; g < 40; g++) {
      for (const { after } of seededGame(mixSeed(0xa1, g), 2 + (g % 5), { dice: 1 + (g % 5) }, 0.02).steps) {
        if (after.over) continue;
        for (const level of LEVELS) {
          for (const seed of [1, 2]) {
            const input = liarsDice.ai?.choose(after, after.turn, level, mixSeed(g, seed)) as LiarsDiceInput;
            expect(liarsDice.inputSchema.safeParse(input).success).toBe(true);
            const out = liarsDice.apply(after, input, { seat: after.turn, by: "ai" });
            expect(out.ok, `${level}: ${JSON.stringify(input)} ${out.ok ? "" : out.message}`).toBe(true);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it("decides from the seat's view only: other seats' dice never change its choice.", () => {
    for (let g = 0; g < 15; g++) {
      for (const { after } of seededGame(mixSeed(0x1ee, g), 2 + (g % 5)).steps) {
        if (after.over) continue;
        const seat = after.turn;
        // Permute the faces of every other seat's dice (counts stay): a different hidden deal.
        const shuffled: LiarsDiceState = { ...after, players: after.players.map((p, s) => (s === seat ? p : { ...p, dice: p.dice.map((d) => (d % 6) + 1) })) };
        for (const level of LEVELS) expect(liarsDice.ai?.choose(shuffled, seat, level, g)).toEqual(liarsDice.ai?.choose(after, seat, level, g));
      }
    }
  });

  it("answers with a well-formed input, without throwing, for a finished match or a seat not to move.", () => {
    const over = liar(bid(table([[5], [2, 2]], 1), 2, 2).state).state;
    const running = table([[1, 2], [], [3, 4]], 0);
    for (const level of LEVELS) {
      for (const [s, seat] of [[over, 0], [over, 1], [running, 1], [running, 2]] as const) {
        expect(liarsDice.inputSchema.safeParse(liarsDice.ai?.choose(s, seat, level, 5)).success).toBe(true);
      }
    }
  });

  it("is deterministic for the seed and plays unknown levels as medium.", () => {
    const s = bid(liarsDice.create(4, {}, 3, 0), 2, 3).state;
    for (const level of LEVELS) expect(liarsDice.ai?.choose(s, 1, level, 77)).toEqual(liarsDice.ai?.choose(s, 1, level, 77));
    for (const seed of [1, 2, 3]) expect(liarsDice.ai?.choose(s, 1, "grandmaster", seed)).toEqual(liarsDice.ai?.choose(s, 1, "medium", seed));
  });

  it("calls a bid it can see is nearly impossible and raises a bid its own dice already prove, at hard.", () => {
    // 3 dice unseen, the bid needs 5 more fours: only a lie.
    const impossible = bid(table([[2, 3, 5], [6, 6, 3]], 0), 5, 4).state;
    expect(liarsDice.ai?.choose(impossible, 1, "hard", 1)).toEqual({ type: "liar" });
    // Seat 1 holds three 6s (with a wild one) against a bid of two 6s.
    const proven = bid(table([[2, 3, 5], [6, 6, 1]], 0), 2, 6).state;
    expect(liarsDice.ai?.choose(proven, 1, "hard", 1)).toMatchObject({ type: "bid" });
  });
});

describe("Liar's Dice AI strength", () => {
  /** `strong` against `weak` in 100 seeded games; `strong` takes the even seats in even games and the odd seats in odd ones. */
  function match(strong: string, weak: string, seats: number): number {
    let wins = 0;
    for (let g = 0; g < 100; g++) {
      const levels = Array.from({ length: seats }, (_, s) => ((s + g) % 2 === 0 ? strong : weak));
      const seed = mixSeed(0x57e, g * 8 + seats);
      let s = liarsDice.create(seed, {}, seats, g % seats);
      for (let k = 0; !s.over; k++) s = act(s, liarsDice.ai?.choose(s, s.turn, levels[s.turn] as string, mixSeed(seed, k)) as LiarsDiceInput, s.turn, "ai").state;
      if (levels[s.winner as number] === strong) wins++;
    }
    console.log(`${strong} vs ${weak}, ${seats} players (${seats / 2} ${seats === 2 ? "seat" : "seats"} each): ${strong} won ${wins} of 100`);
    return wins;
  }

  it("shows hard beating easy in at least 60 of 100 two-player games.", () => {
    expect(match("hard", "easy", 2)).toBeGreaterThanOrEqual(60);
  });

  it("shows hard's two seats beating easy's two in at least 60 of 100 four-player games.", () => {
    expect(match("hard", "easy", 4)).toBeGreaterThanOrEqual(60);
  });

  it("shows medium beating easy, and hard beating medium, in at least 55 of 100 two-player games each.", () => {
    expect(match("medium", "easy", 2)).toBeGreaterThanOrEqual(55);
    expect(match("hard", "medium", 2)).toBeGreaterThanOrEqual(55);
  });
});
