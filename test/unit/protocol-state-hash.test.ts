import { appGames } from "../support/app-games";
import { verifyReplay } from "../../src/replay/verify";
/**
 * docs/protocol.md §7.2, §13.6 and §14.1 claim that every `stateHash` of a finished match can be
 * recomputed by an outsider from the replay document and the protocol document alone. This test
 * is that outsider: a msgpack encoder, FNV-1a, Connect Four rules and the runner simulation
 * written here from the document (nothing below imports game or hash code to compute a hash), run
 * over replays of matches played through the room core, and compared with the hashes the server
 * reports. The game modules are imported only to check the document's figures against the code's
 * exports, so the document cannot drift from them unnoticed.
 */
import { readFileSync } from "node:fs";
import { Packr } from "msgpackr";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { connectFour } from "../../src/games/connect-four";
import * as runnerModule from "../../src/games/runner";
import { nextRandom } from "../../src/games/rng";
import { stateHash } from "../../src/protocol";
import { SnapshotStream } from "../../src/client/realtime";
import type { ServerFrame } from "../../src/protocol";
import { encode, fnv1a32 } from "../support/independent-hash";
import { RoomStepper } from "../support/room-stepper";

const DOC = readFileSync(new URL("../../docs/protocol.md", import.meta.url), "utf8");

// ------------------------------------------------------------------ §7.2.1: the encoding, written from the table

const hashOf = (state: unknown): string => fnv1a32(encode(state));
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

// ------------------------------------------------------------------ §13.6: Connect Four, from the document

type Seat01 = 0 | 1;
interface C4 {
  board: number[];
  heights: number[];
  turn: Seat01;
  firstSeat: Seat01;
  moves: number;
  lastMove: { column: number; row: number; seat: Seat01 } | null;
  winner: Seat01 | null;
  line: [number, number][] | null;
  over: boolean;
  endReason: string | null;
}

function c4Initial(firstSeat: number): C4 {
  const f: Seat01 = firstSeat === 1 ? 1 : 0;
  return { board: new Array<number>(42).fill(0), heights: new Array<number>(7).fill(0), turn: f, firstSeat: f, moves: 0, lastMove: null, winner: null, line: null, over: false, endReason: null };
}

function c4Line(board: number[], c: number, row: number): [number, number][] | null {
  const at = (cc: number, rr: number) => (cc < 0 || cc > 6 || rr < 0 || rr > 5 ? -1 : (board[cc * 6 + rr] as number));
  const disc = at(c, row);
  for (const [dc, dr] of [[1, 0], [0, 1], [1, 1], [1, -1]] as const) {
    let cc = c;
    let rr = row;
    while (at(cc - dc, rr - dr) === disc) (cc -= dc), (rr -= dr);
    const run: [number, number][] = [];
    while (at(cc, rr) === disc) run.push([cc, rr]), (cc += dc), (rr += dr);
    if (run.length >= 4) return run;
  }
  return null;
}

function c4Drop(s: C4, seat: number, c: number): C4 {
  if (s.over || seat !== s.turn || !Number.isInteger(c) || c < 0 || c > 6 || s.heights[c] === 6) throw new Error(`illegal drop ${seat}:${c}`);
  const row = s.heights[c] as number;
  const mover = s.turn;
  const board = s.board.slice();
  board[c * 6 + row] = mover + 1;
  const heights = s.heights.slice();
  heights[c] = row + 1;
  const line = c4Line(board, c, row);
  const full = s.moves + 1 === 42;
  return {
    board,
    heights,
    turn: mover === 0 ? 1 : 0,
    firstSeat: s.firstSeat,
    moves: s.moves + 1,
    lastMove: { column: c, row, seat: mover },
    winner: line ? mover : null,
    line,
    over: line !== null || full,
    endReason: line ? "win" : full ? "draw" : null,
  };
}

function c4Forfeit(s: C4, seat: number, reason: string): C4 {
  if (s.over || (seat !== 0 && seat !== 1)) return s;
  return { ...s, over: true, winner: seat === 0 ? 1 : 0, line: null, endReason: reason === "abandoned" ? "forfeit" : reason };
}

// ------------------------------------------------------------------ §14.1: the runner, from the document

/** The constants as this test reads them in the document (§14.1.1); checked against the table and the code below. */
const K = {
  TICK_HZ: 60,
  SNAPSHOT_HZ: 20,
  COUNTDOWN_TICKS: 180,
  MAX_TICKS: 5400,
  PLAYER_WIDTH: 500,
  PLAYER_HEIGHT: 1000,
  DUCK_HEIGHT: 500,
  GRAVITY: 6,
  FAST_FALL_GRAVITY: 18,
  JUMP_VELOCITY: 90,
  START_SPEED: 100,
  SPEED_STEP: 10,
  SPEED_INTERVAL_TICKS: 300,
  MAX_SPEED: 240,
  LOW_WIDTH: 400,
  LOW_TOP: 400,
  HIGH_WIDTH: 600,
  HIGH_BOTTOM: 600,
  HIGH_TOP: 3000,
  FIRST_OBSTACLE_X: 12000,
  LOOKAHEAD: 20000,
  MIN_GAP_TICKS: 36,
  MIN_GAP_EXTRA: 1000,
  GAP_SPREAD_TICKS: 40,
  QUANT_OBSTACLES: 4,
  QUANT_OBSTACLE_SLOTS: 5,
  OBSTACLE_SLOT_SPAN_CU: 572,
};

function mulberry32(state: number): { value: number; state: number } {
  const s = (state + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { value: (t ^ (t >>> 14)) >>> 0, state: s };
}

type Kind = "low" | "high";
interface Ob {
  kind: Kind;
  x: number;
}
interface Runner {
  x: number;
  y: number;
  vy: number;
  duck: boolean;
  inputs: number;
  outAt: number | null;
}
interface RState {
  tick: number;
  maxTicks: number;
  speed: number;
  rng: number;
  nextObstacleX: number;
  players: Runner[];
  obstacles: Ob[];
  end: string | null;
}
interface Ctl {
  jump?: boolean;
  duck?: boolean;
}

const box = (k: Kind) => (k === "low" ? { w: K.LOW_WIDTH, b: 0, top: K.LOW_TOP } : { w: K.HIGH_WIDTH, b: K.HIGH_BOTTOM, top: K.HIGH_TOP });

function extend(c: { rng: number; nextObstacleX: number; obstacles: Ob[] }, speed: number, leaderX: number) {
  let { rng, nextObstacleX } = c;
  const obstacles = c.obstacles.slice();
  const gapSpeed = Math.min(K.MAX_SPEED, speed + 2 * K.SPEED_STEP);
  const minGap = gapSpeed * K.MIN_GAP_TICKS + K.MIN_GAP_EXTRA;
  while (nextObstacleX < leaderX + K.LOOKAHEAD) {
    const d = mulberry32(rng);
    rng = d.state;
    const kind: Kind = d.value % 2 === 1 ? "high" : "low";
    obstacles.push({ kind, x: nextObstacleX });
    nextObstacleX += box(kind).w + minGap + ((d.value >>> 1) % (gapSpeed * K.GAP_SPREAD_TICKS));
  }
  return { rng, nextObstacleX, obstacles };
}

function rInitial(seed: number, runners: number, durationSeconds = 90): RState {
  const c = extend({ rng: seed >>> 0, nextObstacleX: K.FIRST_OBSTACLE_X, obstacles: [] }, K.START_SPEED, 0);
  const players: Runner[] = [];
  for (let i = 0; i < runners; i++) players.push({ x: 0, y: 0, vy: 0, duck: false, inputs: 0, outAt: null });
  return { tick: 0, maxTicks: K.TICK_HZ * durationSeconds, speed: K.START_SPEED, rng: c.rng, nextObstacleX: c.nextObstacleX, players, obstacles: c.obstacles, end: null };
}

const TIE_BREAK = "standing before knocked out, then greater distance, then fewer inputs used, then lower seat number";

function ranking(s: RState): number[] {
  return s.players
    .map((_, i) => i)
    .sort((a, b) => {
      const pa = s.players[a] as Runner;
      const pb = s.players[b] as Runner;
      const sa = pa.outAt === null ? 0 : 1;
      const sb = pb.outAt === null ? 0 : 1;
      return sa - sb || pb.x - pa.x || pa.inputs - pb.inputs || a - b;
    });
}

function rResult(s: RState) {
  const r = ranking(s);
  return { winner: r[0], reason: "win", ranking: r, detail: { distances: s.players.map((p) => p.x), inputs: s.players.map((p) => p.inputs), end: s.end, tieBreak: TIE_BREAK } };
}

function checkEnd(s: RState): RState {
  if (s.end !== null) return s;
  const standing = s.players.filter((p) => p.outAt === null).length;
  const end = standing === 0 ? "allOut" : standing === 1 && s.players.length >= 2 ? "lastStanding" : s.tick >= s.maxTicks ? "timeout" : null;
  return end === null ? s : { ...s, end };
}

function rStep(s: RState, inputs: { seat: number; input: Ctl }[]): RState {
  if (s.end !== null) return s;
  const t = s.tick;
  if (t < K.COUNTDOWN_TICKS) return checkEnd({ ...s, tick: t + 1 });
  const speed = Math.min(K.MAX_SPEED, K.START_SPEED + K.SPEED_STEP * Math.floor((t - K.COUNTDOWN_TICKS) / K.SPEED_INTERVAL_TICKS));
  const cmds = new Map<number, { jump: boolean; duck: boolean | null; count: number }>();
  for (const { seat, input } of inputs) {
    if (seat < 0 || seat >= s.players.length) continue;
    const c = cmds.get(seat) ?? { jump: false, duck: null, count: 0 };
    if (input.jump !== undefined) c.jump = input.jump;
    if (input.duck !== undefined) c.duck = input.duck;
    c.count += 1;
    cmds.set(seat, c);
  }
  let leaderX = 0;
  const moved = s.players.map((p, seat): Runner => {
    if (p.outAt !== null) return p;
    const c = cmds.get(seat);
    const duck = c && c.duck !== null ? c.duck : p.duck;
    let { y, vy } = p;
    if (c?.jump && y === 0 && !duck) vy = K.JUMP_VELOCITY;
    if (y > 0 || vy > 0) {
      vy -= duck ? K.FAST_FALL_GRAVITY : K.GRAVITY;
      y += vy;
      if (y <= 0) (y = 0), (vy = 0);
    }
    const next = { x: p.x + speed, y, vy, duck, inputs: p.inputs + (c?.count ?? 0), outAt: p.outAt };
    leaderX = Math.max(leaderX, next.x);
    return next;
  });
  const course = extend(s, speed, leaderX);
  let rearX: number | null = null;
  const players = moved.map((p): Runner => {
    if (p.outAt !== null) return p;
    const h = p.duck && p.y === 0 ? K.DUCK_HEIGHT : K.PLAYER_HEIGHT;
    let hit = false;
    for (const o of course.obstacles) {
      if (o.x >= p.x + K.PLAYER_WIDTH) break;
      const { w, b, top } = box(o.kind);
      if (p.x < o.x + w && p.y < top && b < p.y + h) {
        hit = true;
        break;
      }
    }
    if (hit) return { ...p, vy: 0, outAt: t };
    rearX = rearX === null ? p.x : Math.min(rearX, p.x);
    return p;
  });
  let obstacles = course.obstacles;
  if (rearX !== null) {
    const rear: number = rearX;
    while (obstacles.length > 0 && (obstacles[0] as Ob).x + box((obstacles[0] as Ob).kind).w <= rear) obstacles = obstacles.slice(1);
  }
  return checkEnd({ tick: t + 1, maxTicks: s.maxTicks, speed, rng: course.rng, nextObstacleX: course.nextObstacleX, players, obstacles, end: null });
}

function rForfeit(s: RState, seat: number): RState {
  const p = s.players[seat];
  if (s.end !== null || p === undefined || p.outAt !== null) return s;
  return checkEnd({ ...s, players: s.players.map((q, i) => (i === seat ? { ...q, vy: 0, outAt: s.tick } : q)) });
}

// ------------------------------------------------------------------ §7.2.2: every round's final hash from a replay

interface Action {
  kind: "round" | "input" | "forfeit";
  round: number;
  seed?: number;
  firstSeat?: number;
  seat?: number;
  data?: unknown;
  reason?: string;
  tick?: number;
}
interface Replay {
  game: string;
  settings: { seats: number; gameOptions: { durationSeconds?: number } };
  result: { ranking?: number[]; detail?: { distances?: number[] } } | null;
  actions: Action[];
}

/** Each round's final state and hash; for the runner also the hash at every tick (`byTick[t]`: the state with `tick` = t). */
function recompute(doc: Replay): { round: number; state: unknown; hash: string; byTick: string[] }[] {
  const rounds = [...new Set(doc.actions.map((a) => a.round))].sort((a, b) => a - b);
  return rounds.map((round) => {
    const [start, ...rest] = doc.actions.filter((a) => a.round === round);
    if (start?.kind !== "round") throw new Error("a round group starts with its round entry");
    let state: unknown;
    const byTick: string[] = [];
    if (doc.game === "connect-four") {
      let s = c4Initial(start.firstSeat as number);
      for (const a of rest) {
        if (a.kind === "input") s = c4Drop(s, a.seat as number, (a.data as { column: number }).column);
        else if (a.kind === "forfeit") s = c4Forfeit(s, a.seat as number, a.reason as string);
      }
      state = s;
    } else {
      // The number of runners is settings.seats (§7.2.2), the seats that actually race.
      const runners = doc.settings.seats;
      let s = rInitial(start.seed as number, runners, doc.settings.gameOptions.durationSeconds ?? 90);
      for (let t = 0; s.end === null; t++) {
        byTick[t] = hashOf(s);
        for (const a of rest) if (a.kind === "forfeit" && a.tick === t) s = rForfeit(s, a.seat as number);
        if (s.end !== null) break;
        s = rStep(s, rest.filter((a) => a.kind === "input" && a.tick === t).map((a) => ({ seat: a.seat as number, input: a.data as Ctl })));
        if (t > K.MAX_TICKS) throw new Error("the race never ended");
      }
      state = s;
      byTick[s.tick] = hashOf(s);
    }
    return { round, state, hash: hashOf(state), byTick };
  });
}

function replayOf(r: RoomStepper): Replay {
  const rec = r.core.record;
  const doc = { matchId: rec.matchId, game: rec.settings.game, settings: rec.settings, status: rec.status, result: rec.result, rounds: rec.reveals, actions: r.actions };
  return JSON.parse(JSON.stringify(doc)) as Replay;
}

/** What a client sees: the hash in a spectator's welcome, and in the public status. */
function observedHash(r: RoomStepper, conn: string): string {
  r.connect(conn, `watch-${conn}`, "spectator");
  const welcome = r.frames(conn).find((f): f is Extract<ServerFrame, { t: "welcome" }> => f.t === "welcome");
  const status = r.core.status().stateHash;
  expect(welcome?.stateHash).toBe(status);
  // These games have no secrets, so the hash is always published.
  if (status === null) throw new Error("stateHash withheld for a game without secrets");
  return status;
}

// ------------------------------------------------------------------ the tests

describe("§7.2.1 the msgpack encoding of stateHash, written from the document", () => {
  it("gives the documented bytes and hashes", () => {
    expect(hashOf(null)).toBe("450b2edf");
    expect(hex(encode(0))).toBe("00");
    expect(hex(encode(127))).toBe("7f");
    expect(hex(encode(200))).toBe("ccc8");
    expect(hex(encode(5400))).toBe("cd1518");
    expect(hex(encode(3663131627))).toBe("ceda56f3eb");
    expect(hex(encode(-6))).toBe("fa");
    expect(hex(encode(-90))).toBe("d0a6");
    expect(hex(encode(-0))).toBe("00");
    expect(hex(encode(0.5))).toBe("cb3fe0000000000000");
    expect(hex(encode(2 ** 32))).toBe("cb41f0000000000000");
    const fresh = encode(c4Initial(0));
    expect(fresh.length).toBe(133);
    expect(hashOf(c4Initial(0))).toBe("be95ed0a");
    // The document's byte listing, with its "00 ×n" runs expanded.
    const listing = /is these 133 bytes, hash `be95ed0a`:\n\n```\n([^`]+)```/.exec(DOC)?.[1] ?? "";
    const docBytes = listing.replace(/(\w\w) ×(\d+)/g, (_, b: string, n: string) => `${b} `.repeat(Number(n))).replace(/\s+/g, "");
    expect(docBytes).toBe(hex(fresh));
    for (const v of ["`450b2edf`", "`be95ed0a`", "`cc c8`", "`cd 15 18`", "`fa`", "`d0 a6`"]) expect(DOC).toContain(v);
  });

  it("is exactly the server's encoding for every kind of value a state can hold", () => {
    const server = new Packr({ useRecords: false, encodeUndefinedAsNil: true, moreTypes: false, variableMapSize: true });
    const int = fc.oneof(fc.integer({ min: -40, max: 300 }), fc.integer({ min: -70_000, max: 70_000 }), fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 }));
    const scalar = fc.oneof(int, fc.double(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 40 }), fc.string({ minLength: 250, maxLength: 300 }), fc.string({ unit: "grapheme", maxLength: 20 }));
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: "small" }, scalar, fc.array(tie("v"), { maxLength: 20 }), fc.dictionary(fc.string({ maxLength: 8 }), tie("v"), { maxKeys: 18 })),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        expect(hex(encode(v))).toBe(hex(new Uint8Array(server.pack(v))));
        expect(hashOf(v)).toBe(stateHash(v));
      }),
      { numRuns: 400 },
    );
  });
});

/** The document with the thin spaces inside numbers removed ("3 663 131 627" → "3663131627"). */
const DOC_DIGITS = DOC.replace(/(\d) (?=\d\d\d(?!\d))/g, "$1");

/** Field names of a "| # | Field |" state table of the section starting at `heading`. */
function fieldTable(heading: string): string[] {
  const from = DOC.indexOf(heading);
  const section = DOC.slice(from, DOC.indexOf("\n#", from + heading.length));
  return [...section.matchAll(/^\| (\d+) \| `(\w+)` \|/gm)].map((m) => m[2] as string);
}

describe("the documented state layouts are the code's", () => {
  it("lists every field in the order the code creates it", () => {
    const c4Fields = fieldTable("### 13.6 State");
    expect(c4Fields).toEqual(Object.keys(connectFour.create(0, {}, 2, 0)));
    expect(c4Fields).toEqual(Object.keys(c4Initial(0)));
    const rFields = fieldTable("#### 14.1.6 State");
    const code = runnerModule.runner.create(3, {}, 2, 0);
    expect(rFields).toEqual(Object.keys(code));
    expect(rFields).toEqual(Object.keys(rInitial(3, 2)));
    expect(DOC).toContain("A player map has exactly the fields, in this order: `x` (distance, mu), `y` (height of the feet,\nmu, ≥ 0), `vy`");
    expect(Object.keys(code.players[0] ?? {})).toEqual(["x", "y", "vy", "duck", "inputs", "outAt"]);
    expect(Object.keys(code.obstacles[0] ?? {})).toEqual(["kind", "x"]);
    const lastMove = connectFour.apply(connectFour.create(0, {}, 2, 0), { type: "dropDisc", column: 2 }, { seat: 0, by: "human" });
    expect(lastMove.ok && Object.keys(lastMove.state.lastMove ?? {})).toEqual(["column", "row", "seat"]);
  });
});

describe("§13.6 Connect Four: every stateHash recomputed from the replay", () => {
  it("matches the documented test vectors", () => {
    const play = (first: number, moves: [number, number][]) => moves.reduce((s, [seat, c]) => c4Drop(s, seat, c), c4Initial(first));
    const vectors: [string, unknown][] = [
      ["be95ed0a", c4Initial(0)],
      ["d4474656", play(0, [[0, 3], [1, 3], [0, 4]])],
      ["5cf0a6c7", play(0, [[0, 0], [1, 6], [0, 1], [1, 6], [0, 2], [1, 6], [0, 3]])],
      ["8291c637", c4Forfeit(c4Initial(1), 1, "resign")],
    ];
    const won = vectors[2]?.[1] as C4;
    expect(won.line).toEqual([[0, 0], [1, 0], [2, 0], [3, 0]]);
    expect(won.turn).toBe(1);
    for (const [h, s] of vectors) {
      expect(hashOf(s)).toBe(h);
      expect(DOC).toContain(`| \`${h}\` |`);
    }
  });

  it("recomputes each round's final hash of a two-round match against the AI (an AI win, then a resignation)", () => {
    const r = new RoomStepper({ mode: "ai", aiLevel: "medium", turnMs: 0 }, 7);
    r.connect("c0", "p0");
    let id = 1;
    const playUntil = (stop: () => boolean) => {
      for (let guard = 0; r.core.record.status === "playing" && !stop() && guard < 60; guard++) {
        const g = r.core.record.game as C4;
        if (g.turn === 0) {
          const col = [3, 2, 4, 1, 5, 0, 6].find((c) => (g.heights[c] ?? 6) < 6) ?? 0;
          r.send("c0", { t: "input", id: id++, data: { type: "dropDisc", column: col } });
        }
        r.advance(1000);
      }
    };
    playUntil(() => false);
    expect(r.core.record.status).toBe("finished");
    const round1 = observedHash(r, "s1");
    r.send("c0", { t: "rematch", id: id++ });
    expect(r.core.record.round).toBe(2);
    playUntil(() => (r.core.record.game as C4).moves >= 6);
    r.send("c0", { t: "resign", id: id++ });
    expect(r.core.record.status).toBe("finished");
    const round2 = observedHash(r, "s2");

    const doc = replayOf(r);
    const got = recompute(doc);
    expect(got.map((g) => g.hash)).toEqual([round1, round2]);
    const first = got[0]?.state as C4;
    expect([first.endReason, first.winner, first.line?.length]).toEqual(["win", 1, 4]);
    const last = got[1]?.state as C4;
    expect(last.endReason).toBe("resign");
    expect(last.firstSeat).toBe(1);
    // result.detail.line is the state's line (null after a resignation).
    expect(doc.result).toEqual({ winner: last.winner, reason: "resign", detail: { line: null } });
  });
});

describe("§14.1 the runner: constants, course, state layout and every stateHash recomputed from the replay", () => {
  it("documents every constant with the code's value", () => {
    const section = DOC.slice(DOC.indexOf("#### 14.1.1 Units and constants"), DOC.indexOf("#### 14.1.2"));
    const table = new Map<string, number>();
    for (const m of section.matchAll(/^\| `([A-Z_]+)` \| ([\d ]+) \|/gm)) table.set(m[1] as string, Number((m[2] as string).replace(/ /g, "")));
    expect(Object.fromEntries(table)).toEqual(K);
    const code = runnerModule as unknown as Record<string, unknown>;
    for (const [name, v] of Object.entries(K)) expect([name, code[name]]).toEqual([name, v]);
    const rt = runnerModule.runner.realtime;
    expect([rt?.lateWindowTicks, rt?.aheadWindowTicks, rt?.maxInputsPerTick, rt?.tickHz, rt?.snapshotHz, rt?.maxTicks]).toEqual([6, 30, 2, 60, 20, 5400]);
    expect(section).toContain("| `lateWindowTicks`, `aheadWindowTicks`, `maxInputsPerTick` | 6, 30, 2 |");
    expect(runnerModule.TIE_BREAK).toBe(TIE_BREAK);
    expect(DOC).toContain(`\`"${TIE_BREAK}"\``);
  });

  it("matches the documented random numbers, initial course and initial-state hashes", () => {
    let st = 1;
    const draws: number[][] = [];
    for (let i = 0; i < 3; i++) {
      const d = mulberry32(st);
      expect(d).toEqual(nextRandom(st));
      draws.push([d.value, d.state]);
      st = d.state;
    }
    expect(draws).toEqual([[2693262067, 1831565814], [11749833, 3663131627], [2265367787, 1199730144]]);
    expect(DOC_DIGITS).toContain("the values 2693262067, 11749833 and\n2265367787, leaving the states 1831565814, 3663131627 and 1199730144.");
    expect(DOC_DIGITS).toContain("`[{high, 12000}, {high, 18553}]` with `nextObstacleX = 28989`, `rng = 3663131627`");
    expect(DOC_DIGITS).toContain("next x 12000 + 600 + 5320 + 633 = 18553");
    expect((mulberry32(1).value >>> 1) % 4800).toBe(633);
    expect((mulberry32(mulberry32(1).state).value >>> 1) % 4800).toBe(4516);
    expect(DOC_DIGITS).toContain("`maxTicks` 600, `rng` 1272527076, `nextObstacleX` 20773, one obstacle `{\"kind\":\"low\",\"x\":12000}`");
    const two = rInitial(1, 2);
    expect(two.obstacles).toEqual([{ kind: "high", x: 12000 }, { kind: "high", x: 18553 }]);
    expect([two.nextObstacleX, two.rng]).toEqual([28989, 3663131627]);
    expect(hashOf(two)).toBe("31e95501");
    const docJson = /\| initial, seed 1, 2 runners, 90 s: `([^`]+)`/.exec(DOC)?.[1]?.replace("[2 × ", "[").replace('"outAt":null}]', '"outAt":null},{"x":0,"y":0,"vy":0,"duck":false,"inputs":0,"outAt":null}]');
    expect(docJson).toBe(JSON.stringify(two));
    const four = rInitial(0xdeadbeef, 4, 10);
    expect([four.maxTicks, four.rng, four.nextObstacleX, four.obstacles]).toEqual([600, 1272527076, 20773, [{ kind: "low", x: 12000 }]]);
    expect(hashOf(four)).toBe("01e359f5");
    // The code agrees on both.
    expect(stateHash(runnerModule.runner.create(1, {}, 2, 0))).toBe("31e95501");
    expect(stateHash(runnerModule.runner.create(0xdeadbeef, { durationSeconds: 10 }, 4, 0))).toBe("01e359f5");
    for (const h of ["31e95501", "01e359f5"]) expect(DOC).toContain(`| \`${h}\` |`);
  });

  /**
   * Seats driven by the scripted bot, stamping inputs a little ahead of (or behind) the room's tick
   * as real clients do, with a few extra duck toggles; every snapshot interval.
   */
  function driveRace(r: RoomStepper, seats: number[], ids: Map<number, number>, lcg: { x: number }, stopAfterMs = Infinity, seen = new Map<number, string>()): Map<number, string> {
    const rand = () => (lcg.x = (Math.imul(lcg.x, 1664525) + 1013904223) >>> 0);
    for (let ms = 0; r.core.record.status === "playing" && ms < stopAfterMs; ms += 50) {
      const g = r.core.record.game as RState;
      // What GET /api/matches/:id reports mid-race: the hash of the state at the tick simulated so far.
      seen.set(g.tick, r.core.status().stateHash ?? "withheld");
      for (const seat of seats) {
        const bot = runnerModule.scriptedInput(g as unknown as runnerModule.RunnerState, seat);
        const noise = rand() % 40 === 0 ? { duck: rand() % 2 === 0 } : null;
        const data = bot ?? noise;
        if (data === null) continue;
        const id = (ids.get(seat) ?? 0) + 1;
        ids.set(seat, id);
        const stamp = Math.max(0, g.tick + (rand() % 5) - 2);
        r.send(`c${seat}`, { t: "input", id, data: { ...data, tick: stamp } });
      }
      r.advance(50);
    }
    return seen;
  }

  it("recomputes each round of a three-runner match: a race to the end, then a rematch ended by resignations", () => {
    const r = new RoomStepper({ game: "runner", seats: 3, options: { durationSeconds: 25 } }, 99);
    for (let i = 0; i < 3; i++) r.connect(`c${i}`, `p${i}`);
    const ids = new Map<number, number>();
    const lcg = { x: 12345 };
    const seen1 = driveRace(r, [0, 1, 2], ids, lcg);
    expect(r.core.record.status).toBe("finished");
    const g1 = r.core.record.game as RState;
    const round1 = observedHash(r, "s1");
    // The race ended by a step: one extra snap at the final tick, after the update with matchEnded, phase 2.
    const frames = r.frames("c0");
    const lastSnap = frames.at(-1) as Extract<ServerFrame, { t: "snap" }>;
    expect(lastSnap.t).toBe("snap");
    expect(frames.at(-2)).toMatchObject({ t: "update" });
    expect((frames.at(-2) as Extract<ServerFrame, { t: "update" }>).events.map((e) => e.type)).toEqual(expect.arrayContaining(["gameOver", "matchEnded"]));
    expect(lastSnap.tick).toBe(g1.tick);
    const snaps = frames.filter((f): f is Extract<ServerFrame, { t: "snap" }> => f.t === "snap");
    const stream = new SnapshotStream();
    for (const f of snaps) stream.apply(f);
    const finalFrame = stream.values ?? [];
    expect([finalFrame[0], finalFrame[2]]).toEqual([g1.tick, 2]);
    const gameOver = frames.flatMap((f) => (f.t === "update" ? f.events : [])).find((e) => e.type === "gameOver");
    expect(Object.keys(gameOver ?? {})).toEqual(["type", "winner", "reason", "end", "ranking", "distances", "tieBreak"]);

    const nextId = (seat: number) => {
      const id = (ids.get(seat) ?? 0) + 1;
      ids.set(seat, id);
      return id;
    };
    for (let i = 0; i < 3; i++) r.send(`c${i}`, { t: "rematch", id: nextId(i) });
    expect(r.core.record.round).toBe(2);
    const seen2 = driveRace(r, [0, 1, 2], ids, lcg, 6_000);
    const standingBefore = (r.core.record.game as RState).players.map((p) => p.outAt === null);
    expect(standingBefore).toEqual([true, true, true]);
    const before = r.frames("c0").length;
    r.send("c1", { t: "resign", id: nextId(1) });
    r.send("c2", { t: "resign", id: nextId(2) });
    expect(r.core.record.status).toBe("finished");
    const round2 = observedHash(r, "s2");
    // Ended by resignations: the last state is at the forfeit's tick and no snap follows the end.
    const after = r.frames("c0").slice(before);
    expect(after.some((f) => f.t === "update" && f.events.some((e) => e.type === "matchEnded"))).toBe(true);
    expect(after.some((f) => f.t === "snap")).toBe(false);

    const doc = replayOf(r);
    const got = recompute(doc);
    expect(got.map((x) => x.hash)).toEqual([round1, round2]);
    // Every hash a client could have seen mid-race, too (one per snapshot interval).
    for (const [seen, g] of [[seen1, got[0]], [seen2, got[1]]] as const) {
      expect(seen.size).toBeGreaterThan(100);
      for (const [tick, h] of seen) expect([tick, g?.byTick[tick]]).toEqual([tick, h]);
    }
    // Round 1: everyone crashed; two runners at the same tick and distance, separated by fewer inputs.
    const s1 = got[0]?.state as RState;
    expect(s1).toEqual(g1);
    expect([s1.end, s1.speed, s1.players[1]?.outAt === s1.players[2]?.outAt, s1.players[1]?.x === s1.players[2]?.x]).toEqual(["allOut", 110, true, true]);
    const ended1 = frames.flatMap((f) => (f.t === "update" ? f.events : [])).find((e) => e.type === "matchEnded");
    expect(ended1?.["result"]).toEqual(rResult(s1));
    expect(rResult(s1).ranking.slice(0, 2)).toEqual(s1.players[1]!.inputs < s1.players[2]!.inputs ? [1, 2] : [2, 1]);
    const s2 = got[1]?.state as RState;
    // The replay's rounds ended as the room says, with the documented result form.
    expect(doc.result).toEqual(rResult(s2));
    expect(doc.actions.some((a) => a.kind === "forfeit" && a.reason === "resign")).toBe(true);
    // Some inputs were applied later than the tick their client stamped (data.tick ≠ tick).
    expect(doc.actions.some((a) => a.kind === "input" && (a.data as { tick: number }).tick !== a.tick)).toBe(true);
    expect(s2.end).toBe("lastStanding");
    expect(s2.players.map((p) => p.outAt)).toEqual([null, s2.tick, s2.tick]);
  });

  it("steps exactly like the game module under random inputs and forfeits, tick by tick (jumps into obstacles, fast falls, knockouts in the air)", () => {
    const step = runnerModule.runner.realtime!.step;
    let airKnockouts = 0;
    let fastFalls = 0;
    for (let seed = 1; seed <= 24; seed++) {
      const runners = 1 + (seed % 4);
      let x = seed * 7919;
      const rand = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
      let mine = rInitial(seed * 2654435761, runners, 10 + (seed % 3) * 5);
      let theirs = runnerModule.runner.create(seed * 2654435761, { durationSeconds: 10 + (seed % 3) * 5 }, runners, 0);
      while (mine.end === null) {
        if (rand() % 900 === 0) {
          const seat = rand() % runners;
          mine = rForfeit(mine, seat);
          theirs = runnerModule.runner.forfeit(theirs, seat, "forfeit").state;
          expect(hashOf(mine)).toBe(stateHash(theirs));
          if (mine.end !== null) break;
        }
        const inputs: { seat: number; input: Ctl & { tick: number } }[] = [];
        for (let k = rand() % 4; k > 0; k--) {
          const r = rand();
          const input: Ctl & { tick: number } = { tick: mine.tick };
          if (r % 3 !== 0) input.jump = r % 5 !== 0;
          if (r % 4 === 0) input.duck = (r >>> 3) % 2 === 0;
          inputs.push({ seat: (r >>> 8) % (runners + 1), input });
        }
        const before = mine;
        mine = rStep(mine, inputs);
        theirs = step(theirs, inputs).state;
        expect([mine.tick, hashOf(mine)]).toEqual([mine.tick, stateHash(theirs)]);
        mine.players.forEach((p) => {
          if (p.outAt === before.tick && p.y > 0) airKnockouts++;
          if (p.duck && p.y > 0 && p.outAt === null) fastFalls++;
        });
      }
      expect(runnerModule.runner.result(theirs)).toEqual(rResult(mine));
    }
    expect(airKnockouts).toBeGreaterThan(0);
    expect(fastFalls).toBeGreaterThan(0);
  });

  it("publishes the seats that actually race when the ready timeout removed open seats, and verify-replay re-simulates it", () => {
    const r = new RoomStepper({ game: "runner", seats: 4, readyTimeoutMs: 5_000, options: { durationSeconds: 12 } }, 5);
    r.connect("c0", "p0");
    r.connect("c1", "p1");
    r.advance(5_000);
    expect(r.core.record.status).toBe("playing");
    const seen = driveRace(r, [0, 1], new Map(), { x: 777 });
    expect(r.core.record.status).toBe("finished");
    // This race ended off the snapshot boundary: the extra snap carries the final tick.
    const finalTick = (r.core.record.game as RState).tick;
    expect([finalTick, finalTick % 3]).toEqual([643, 1]);
    expect(r.frames("c0").at(-1)).toMatchObject({ t: "snap", tick: 643 });
    const observed = observedHash(r, "s1");
    const doc = replayOf(r);
    expect(doc.settings.seats).toBe(2);
    expect(doc.result?.detail?.distances).toHaveLength(2);
    expect(verifyReplay(JSON.parse(JSON.stringify(doc)), appGames)).toMatchObject({ ok: true, result: doc.result });
    const got = recompute(doc);
    expect(got.map((x) => x.hash)).toEqual([observed]);
    for (const [tick, h] of seen) expect([tick, got[0]?.byTick[tick]]).toEqual([tick, h]);
  });
});
