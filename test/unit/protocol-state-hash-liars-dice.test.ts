/**
 * docs/protocol.md §7.2 promises that every `stateHash` of a finished match can be recomputed from
 * the replay document and the protocol document alone; §15.8 specifies the Liar's Dice state for
 * that. This test is the outsider for Liar's Dice: a msgpack encoder and FNV-1a (copied from
 * test/unit/protocol-state-hash.test.ts, which does not export them), the dice of §15.2 and the
 * state changes of §15.8 written here from the document (nothing below imports game or hash code
 * to compute a hash), run over replays of matches played through the room core and compared with
 * the hash the server publishes at the end. The game module is imported only to drive the seats
 * (its AI) and to check the document's field tables against real states, so the document cannot
 * drift from the code unnoticed.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { liarsDice, type LiarsDiceState } from "../../src/games/liars-dice";
import { stateHash, type ServerFrame } from "../../src/protocol";
import { encode, fnv1a32 } from "../support/independent-hash";
import { RoomStepper } from "../support/room-stepper";

const DOC = readFileSync(new URL("../../docs/protocol.md", import.meta.url), "utf8");

// ------------------------------------------------------------------ §7.2.1: the encoding (test/support/independent-hash.ts)

const hashOf = (state: unknown): string => fnv1a32(encode(state));

// ------------------------------------------------------------------ §15.2: the dice, from the document

function mixSeed(a: number, b: number): number {
  let h = (a ^ Math.imul(b + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

function rollHand(roundSeed: number, hand: number, counts: number[]): number[][] {
  let state = mixSeed(roundSeed, hand);
  const u32 = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return counts.map((n) => Array.from({ length: n }, () => 1 + (u32() % 6)));
}

// ------------------------------------------------------------------ §15.8: the state, from the document

interface Player {
  count: number;
  dice: number[];
  outHand: number | null;
  outReason: string | null;
}
interface Bid {
  seat: number;
  quantity: number;
  face: number;
}
interface Reveal {
  hand: number;
  challenger: number;
  bidder: number;
  quantity: number;
  face: number;
  dice: number[][];
  count: number;
  loser: number;
  loserOut: boolean;
}
interface LD {
  seed: number;
  startDice: number;
  hand: number;
  opener: number;
  turn: number;
  players: Player[];
  bids: Bid[];
  lastReveal: Reveal | null;
  outOrder: number[];
  winner: number | null;
  over: boolean;
  endReason: string | null;
}

/** Every object literal below lists its keys in the documented order; nothing is spread from a code-built object. */
const player = (count: number, dice: number[], outHand: number | null, outReason: string | null): Player => ({ count, dice, outHand, outReason });
const ld = (s: LD, patch: Partial<LD>): LD => {
  const m = { ...s, ...patch };
  return { seed: m.seed, startDice: m.startDice, hand: m.hand, opener: m.opener, turn: m.turn, players: m.players, bids: m.bids, lastReveal: m.lastReveal, outOrder: m.outOrder, winner: m.winner, over: m.over, endReason: m.endReason };
};

function nextIn(s: LD, seat: number): number {
  const n = s.players.length;
  for (let k = 1; k <= n; k++) if ((s.players[(seat + k) % n]?.count ?? 0) > 0) return (seat + k) % n;
  return seat;
}
const seatsIn = (s: LD) => s.players.flatMap((p, i) => (p.count > 0 ? [i] : []));

function rollFor(s: LD, hand: number, opener: number): LD {
  const rolled = rollHand(s.seed, hand, s.players.map((p) => p.count));
  return ld(s, { hand, opener, turn: opener, players: s.players.map((p, i) => player(p.count, rolled[i] ?? [], p.outHand, p.outReason)), bids: [] });
}

function theEnd(s: LD, winner: number, reason: string): LD {
  return ld(s, { players: s.players.map((p) => player(p.count, [], p.outHand, p.outReason)), bids: [], winner, over: true, endReason: reason, turn: winner });
}

function ldInitial(seed: number, dice: number | undefined, seats: number, firstSeat: number): LD {
  const first = Number.isInteger(firstSeat) && firstSeat >= 0 && firstSeat < seats ? firstSeat : 0;
  const startDice = dice ?? 5;
  const blank: LD = {
    seed: seed >>> 0,
    startDice,
    hand: 1,
    opener: first,
    turn: first,
    players: Array.from({ length: seats }, () => player(startDice, [], null, null)),
    bids: [],
    lastReveal: null,
    outOrder: [],
    winner: null,
    over: false,
    endReason: null,
  };
  return rollFor(blank, 1, first);
}

function ldBid(s: LD, seat: number, quantity: number, face: number): LD {
  if (s.over || seat !== s.turn) throw new Error(`bid out of turn: ${seat}`);
  return ld(s, { bids: [...s.bids, { seat, quantity, face }], turn: nextIn(s, seat) });
}

function ldLiar(s: LD, seat: number): LD {
  const bid = s.bids.at(-1);
  if (s.over || seat !== s.turn || !bid) throw new Error(`illegal liar: ${seat}`);
  const dice = s.players.map((p) => p.dice.slice());
  const count = dice.flat().filter((d) => d === bid.face || (bid.face !== 1 && d === 1)).length;
  const loser = count >= bid.quantity ? seat : bid.seat;
  const left = (s.players[loser]?.count ?? 1) - 1;
  const loserOut = left === 0;
  const players = s.players.map((p, i) => (i !== loser ? p : loserOut ? player(0, [], s.hand, "dice") : player(left, p.dice, p.outHand, p.outReason)));
  const lastReveal: Reveal = { hand: s.hand, challenger: seat, bidder: bid.seat, quantity: bid.quantity, face: bid.face, dice, count, loser, loserOut };
  const next = ld(s, { players, lastReveal, outOrder: loserOut ? [...s.outOrder, loser] : s.outOrder });
  const still = seatsIn(next);
  if (still.length <= 1) return theEnd(next, still[0] ?? seat, "win");
  return rollFor(next, s.hand + 1, loserOut ? nextIn(next, loser) : loser);
}

function ldForfeit(s: LD, seat: number, why: string): LD {
  const reason = why === "abandoned" ? "forfeit" : why;
  if (s.over || !((s.players[seat]?.count ?? 0) > 0)) return s;
  const players = s.players.map((p, i) => (i === seat ? player(0, [], s.hand, reason) : p));
  const next = ld(s, { players, outOrder: [...s.outOrder, seat] });
  const still = seatsIn(next);
  if (still.length <= 1) return theEnd(next, still[0] ?? seat, reason);
  return rollFor(next, s.hand + 1, s.turn !== seat ? s.turn : nextIn(next, seat));
}

// ------------------------------------------------------------------ §7.2.2: every round's final hash from a replay

interface Action {
  kind: "round" | "input" | "forfeit";
  round: number;
  seed?: number;
  firstSeat?: number;
  seat?: number;
  data?: { type: "bid"; quantity: number; face: number } | { type: "liar" };
  reason?: string;
}
interface Replay {
  game: string;
  settings: { seats: number; gameOptions: { dice?: number } };
  result: { winner: number | null; reason: string; ranking?: number[]; detail?: { hands: number; outHands: (number | null)[]; outReasons: (string | null)[] } } | null;
  rounds: { round: number; seed: number }[];
  actions: Action[];
}

function recompute(doc: Replay): { round: number; state: LD; hash: string }[] {
  const rounds = [...new Set(doc.actions.map((a) => a.round))].sort((a, b) => a - b);
  return rounds.map((round) => {
    const [start, ...rest] = doc.actions.filter((a) => a.round === round);
    if (start?.kind !== "round") throw new Error("a round group starts with its round entry");
    expect(doc.rounds.find((r) => r.round === round)?.seed).toBe(start.seed);
    let s = ldInitial(start.seed as number, doc.settings.gameOptions.dice, doc.settings.seats, start.firstSeat as number);
    for (const a of rest) {
      if (a.kind === "input" && a.data?.type === "bid") s = ldBid(s, a.seat as number, a.data.quantity, a.data.face);
      else if (a.kind === "input") s = ldLiar(s, a.seat as number);
      else if (a.kind === "forfeit") s = ldForfeit(s, a.seat as number, a.reason as string);
    }
    return { round, state: s, hash: hashOf(s) };
  });
}

function replayOf(r: RoomStepper): Replay {
  const rec = r.core.record;
  const doc = { matchId: rec.matchId, game: rec.settings.game, settings: rec.settings, status: rec.status, result: rec.result, rounds: rec.reveals, actions: r.actions };
  return JSON.parse(JSON.stringify(doc)) as Replay;
}

/** The hash a spectator's welcome and the public status report (they must agree). */
function observedHash(r: RoomStepper, conn: string): string | null {
  r.connect(conn, `watch-${conn}`, "spectator");
  const welcome = r.frames(conn).find((f): f is Extract<ServerFrame, { t: "welcome" }> => f.t === "welcome");
  const status = r.core.status().stateHash;
  expect(welcome?.stateHash).toBe(status);
  return status;
}

/** Human seats play their own game's AI (through the room, as inputs), everything else is the room's timers. */
function drive(r: RoomStepper, humans: Map<number, string>, ids: { n: number }, stop: () => boolean = () => false, hashesWhilePlaying?: (string | null)[]): void {
  for (let guard = 0; r.core.record.status === "playing" && !stop() && guard < 2000; guard++) {
    const g = r.core.record.game as LiarsDiceState;
    hashesWhilePlaying?.push(r.core.status().stateHash);
    const conn = humans.get(g.turn);
    if (conn !== undefined) {
      const data = liarsDice.ai!.choose(g, g.turn, "hard", (0x9e37 * (ids.n + 1) + g.hand) >>> 0);
      r.send(conn, { t: "input", id: ids.n++, data });
    } else r.advance(1000);
  }
}

// ------------------------------------------------------------------ the tests

/** The three "| # | Field |" tables of §15.8, in document order: the state, a player, lastReveal. */
function section158(): string {
  const heading = "### 15.8 State (what `stateHash` hashes)";
  const from = DOC.indexOf(heading);
  expect(from).toBeGreaterThan(0);
  return DOC.slice(from, DOC.indexOf("\n## 16.", from));
}
function fieldTables(): string[][] {
  const tables: string[][] = [];
  let current: string[] | null = null;
  for (const line of section158().split("\n")) {
    if (line.startsWith("| # | Field |")) tables.push((current = []));
    else if (!line.startsWith("|")) current = null;
    else if (current) {
      const m = /^\| (\d+) \| `(\w+)` \|/.exec(line);
      if (m) {
        expect(Number(m[1])).toBe(current.length + 1);
        current.push(m[2] as string);
      }
    }
  }
  return tables;
}

type Step = { seat: number; data: { type: "bid"; quantity: number; face: number } | { type: "liar" } };
function codeApply(s: LiarsDiceState, { seat, data }: Step): LiarsDiceState {
  const out = liarsDice.apply(s, data, { seat, by: "human" });
  if (!out.ok) throw new Error(`${out.code}: ${out.message}`);
  return out.state;
}
const bid = (seat: number, quantity: number, face: number): Step => ({ seat, data: { type: "bid", quantity, face } });
const liar = (seat: number): Step => ({ seat, data: { type: "liar" } });
function mineApply(s: LD, { seat, data }: Step): LD {
  return data.type === "bid" ? ldBid(s, seat, data.quantity, data.face) : ldLiar(s, seat);
}

describe("§15.8 the documented Liar's Dice state layout is the code's", () => {
  it("lists every field, of the state and of its nested maps, in the order real states have them", () => {
    const [stateFields, playerFields, revealFields, ...extra] = fieldTables();
    expect(extra).toEqual([]);
    expect(stateFields).toHaveLength(12);
    expect(section158()).toContain("map of exactly these\n12 fields");
    expect(section158()).toContain("array of maps `{seat, quantity, face}` (in that order)");
    const bidFields = ["seat", "quantity", "face"];

    const check = (s: LiarsDiceState, what: string) => {
      expect([what, Object.keys(s)]).toEqual([what, stateFields]);
      for (const p of s.players) expect([what, Object.keys(p)]).toEqual([what, playerFields]);
      for (const b of s.bids) expect([what, Object.keys(b)]).toEqual([what, bidFields]);
      if (s.lastReveal) expect([what, Object.keys(s.lastReveal)]).toEqual([what, revealFields]);
    };
    // Initial, after bids, after a challenge (no one out, then someone out), after forfeits (voided hand, then the end), game over by dice.
    let s = liarsDice.create(12345, {}, 3, 1);
    check(s, "initial");
    s = codeApply(s, bid(1, 2, 4));
    s = codeApply(s, bid(2, 3, 4));
    check(s, "after bids");
    s = codeApply(s, liar(0));
    expect(s.lastReveal).not.toBeNull();
    check(s, "after a challenge");
    s = liarsDice.forfeit(s, 2, "timeout").state;
    expect(s.players[2]?.outReason).toBe("timeout");
    check(s, "after a forfeit that voids the hand");
    const ended = liarsDice.forfeit(s, 0, "resign").state;
    expect(ended.over).toBe(true);
    check(ended, "over by a forfeit");
    // A one-die game: a single challenge puts a seat out and ends it.
    let d = liarsDice.create(7, { dice: 1 }, 2, 0);
    d = codeApply(d, bid(0, 2, 6));
    d = codeApply(d, liar(1));
    expect([d.over, d.endReason, d.lastReveal?.loserOut]).toEqual([true, "win", true]);
    check(d, "over by dice");
    // The independent implementation builds the same keys (it hashes them in that order).
    expect(Object.keys(ldInitial(1, undefined, 2, 0))).toEqual(stateFields);
    expect(Object.keys(ldInitial(1, undefined, 2, 0).players[0] ?? {})).toEqual(playerFields);
  });
});

describe("§15.8 Liar's Dice: test vectors and every stateHash recomputed from the replay", () => {
  it("matches the documented test vectors (and the code)", () => {
    const start = ldInitial(12345, undefined, 2, 0);
    const steps = [bid(0, 2, 4), bid(1, 3, 4)];
    const afterBids = steps.reduce(mineApply, start);
    const afterLiar = mineApply(afterBids, liar(0));
    const resigned = ldForfeit(afterLiar, 1, "resign");
    const big = ldInitial(0xdeadbeef, 3, 4, 2);
    const vectors: [string, LD, LiarsDiceState][] = [
      ["301c6fed", start, liarsDice.create(12345, {}, 2, 0)],
      ["912d4269", big, liarsDice.create(0xdeadbeef, { dice: 3 }, 4, 2)],
      ["2e7cd2d3", afterBids, steps.reduce(codeApply, liarsDice.create(12345, {}, 2, 0))],
      ["e75abfbf", afterLiar, [...steps, liar(0)].reduce(codeApply, liarsDice.create(12345, {}, 2, 0))],
      ["ffdd23c7", resigned, liarsDice.forfeit([...steps, liar(0)].reduce(codeApply, liarsDice.create(12345, {}, 2, 0)), 1, "resign").state],
    ];
    for (const [h, mine, code] of vectors) {
      expect(hashOf(mine)).toBe(h);
      expect(stateHash(code)).toBe(h);
      expect(section158()).toContain(`| \`${h}\` |`);
    }
    // The figures the vectors' rows quote.
    const sec = section158();
    expect(sec).toContain(`\`${JSON.stringify(start)}\``);
    expect(big.players.map((p) => p.dice)).toEqual([[2, 3, 1], [4, 1, 6], [4, 1, 4], [5, 2, 2]]);
    expect(sec).toContain(`dice \`${JSON.stringify(big.players.map((p) => p.dice))}\``);
    expect(sec).toContain(`dice \`${JSON.stringify(afterLiar.players.map((p) => p.dice))}\``);
    expect(sec).toContain(`\`lastReveal\` \`${JSON.stringify(afterLiar.lastReveal)}\``);
    expect(sec).toContain(`\`players\` \`${JSON.stringify(resigned.players)}\``);
    expect([afterLiar.hand, afterLiar.opener, afterLiar.lastReveal?.count, afterLiar.lastReveal?.loser]).toEqual([2, 0, 6, 0]);
    expect([resigned.outOrder, resigned.winner, resigned.turn, resigned.over, resigned.endReason, resigned.hand]).toEqual([[1], 0, 0, true, "resign", 2]);
  });

  it("recomputes both rounds of a three-seat match against the AI (played to the end, then a resignation in the rematch)", () => {
    const r = new RoomStepper({ game: "liars-dice", mode: "ai", aiLevel: "medium", seats: 3, turnMs: 0, options: { dice: 3 } }, 11);
    r.connect("c0", "p0");
    const humans = new Map([[0, "c0"]]);
    const ids = { n: 1 };
    const during: (string | null)[] = [];
    drive(r, humans, ids, () => false, during);
    expect(r.core.record.status).toBe("finished");
    // Withheld while the round ran, published at the end (§7.2).
    expect(during.length).toBeGreaterThan(5);
    expect(new Set(during)).toEqual(new Set([null]));
    const round1 = observedHash(r, "s1");
    expect(round1).toBe(stateHash(r.core.record.game));
    const end1 = structuredClone(r.core.record.game) as LiarsDiceState;

    r.send("c0", { t: "rematch", id: ids.n++ });
    expect(r.core.record.round).toBe(2);
    drive(r, humans, ids, () => (r.core.record.game as LiarsDiceState).hand >= 3);
    expect(r.core.record.status).toBe("playing");
    r.send("c0", { t: "resign", id: ids.n++ });
    // Seat 0 resigned; the two AI seats play on to the end.
    drive(r, humans, ids);
    expect(r.core.record.status).toBe("finished");
    const round2 = observedHash(r, "s2");
    expect(round2).toBe(stateHash(r.core.record.game));

    const doc = replayOf(r);
    const got = recompute(doc);
    expect(got.map((g) => g.hash)).toEqual([round1, round2]);
    expect(got[0]?.state).toEqual(end1);
    expect(got[1]?.state).toEqual(r.core.record.game);
    const last = got[1]?.state as LD;
    expect([last.players[0]?.outReason, last.outOrder[0], last.endReason]).toEqual(["resign", 0, "win"]);
    expect(doc.actions.filter((a) => a.kind === "input" && a.data?.type === "liar").length).toBeGreaterThan(4);
    // result is the state's, as §15.8 says.
    expect(doc.result).toMatchObject({ winner: last.winner, reason: last.endReason, detail: { hands: last.hand, outHands: last.players.map((p) => p.outHand), outReasons: last.players.map((p) => p.outReason) } });
  });

  it("recomputes a human match ended by forfeits: a resignation off turn (voided hand), then a turn-clock timeout", () => {
    const r = new RoomStepper({ game: "liars-dice", seats: 3, turnMs: 5_000, options: { dice: 2 } }, 23);
    for (let i = 0; i < 3; i++) r.connect(`c${i}`, `p${i}`);
    expect(r.core.record.status).toBe("playing");
    const humans = new Map([[0, "c0"], [1, "c1"], [2, "c2"]]);
    const ids = { n: 1 };
    // Play until a hand has at least one bid, then the seat NOT to move (and not the bidder) resigns.
    drive(r, humans, ids, () => {
      const g = r.core.record.game as LiarsDiceState;
      return g.hand >= 2 && g.bids.length >= 1 && g.players.every((p) => p.count > 0);
    });
    const before = r.core.record.game as LiarsDiceState;
    expect(before.over).toBe(false);
    const leaver = [0, 1, 2].find((s) => s !== before.turn && (before.players[s]?.count ?? 0) > 0) as number;
    const turnBefore = before.turn;
    r.send(`c${leaver}`, { t: "resign", id: ids.n++ });
    const voided = r.core.record.game as LiarsDiceState;
    expect([voided.over, voided.hand, voided.opener, voided.bids]).toEqual([false, before.hand + 1, turnBefore, []]);
    // The seat to move now lets its clock run out: that ends the match (two seats were left).
    const loser = voided.turn;
    humans.delete(loser);
    drive(r, humans, ids, () => (r.core.record.game as LiarsDiceState).turn === loser);
    r.advance(6_000);
    expect(r.core.record.status).toBe("finished");
    const final = r.core.record.game as LiarsDiceState;
    expect([final.endReason, final.players[loser]?.outReason]).toEqual(["timeout", "timeout"]);
    const observed = observedHash(r, "s1");
    expect(observed).toBe(stateHash(final));

    const doc = replayOf(r);
    expect(doc.actions.filter((a) => a.kind === "forfeit").map((a) => a.reason)).toEqual(["resign", "timeout"]);
    const [got] = recompute(doc);
    expect(got?.hash).toBe(observed);
    expect(got?.state).toEqual(final);
    // `abandoned` in a forfeit entry counts as `forfeit` (§7.2.2): same state as an explicit forfeit.
    const s = ldInitial(5, 2, 3, 0);
    expect(hashOf(ldForfeit(s, 1, "abandoned"))).toBe(hashOf(ldForfeit(s, 1, "forfeit")));
    expect(hashOf(ldForfeit(s, 1, "abandoned"))).toBe(stateHash(liarsDice.forfeit(liarsDice.create(5, { dice: 2 }, 3, 0), 1, "forfeit").state));
  });

  it("agrees with the game module after every input and forfeit of many random games", () => {
    let lcg = 987654321;
    const rand = (n: number) => {
      lcg = (Math.imul(lcg, 1664525) + 1013904223) >>> 0;
      return lcg % n;
    };
    for (let game = 0; game < 60; game++) {
      const seats = 2 + rand(5);
      const dice = 1 + rand(5);
      const first = rand(seats + 1); // seats itself is out of range: taken as 0
      const seed = (rand(0x10000) * 0x10000 + rand(0x10000)) >>> 0;
      let theirs = liarsDice.create(seed, { dice }, seats, first);
      let mine = ldInitial(seed, dice, seats, first);
      expect(hashOf(mine)).toBe(stateHash(theirs));
      for (let n = 0; !theirs.over && n < 400; n++) {
        if (rand(25) === 0) {
          const seat = rand(seats);
          const reason = (["timeout", "forfeit", "resign"] as const)[rand(3)] as "timeout" | "forfeit" | "resign";
          theirs = liarsDice.forfeit(theirs, seat, reason).state;
          mine = ldForfeit(mine, seat, reason);
        } else {
          const data = liarsDice.ai!.choose(theirs, theirs.turn, (["easy", "medium", "hard"] as const)[rand(3)] as string, rand(1000));
          theirs = codeApply(theirs, { seat: theirs.turn, data });
          mine = mineApply(mine, { seat: mine.turn, data });
        }
        expect(hashOf(mine)).toBe(stateHash(theirs));
      }
      expect(theirs.over).toBe(true);
      expect(mine).toEqual(theirs);
    }
  });
});
