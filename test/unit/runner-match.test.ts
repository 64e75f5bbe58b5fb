/** Unit tests for the Runner GameDefinition: schemas, apply, forfeits, ranking, tie-breaks and quantised frames. */
import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import {
  COUNTDOWN_TICKS,
  PLAYER_WIDTH,
  RUNNER_ERRORS,
  TIE_BREAK,
  decodeQuantized,
  encodeFrame,
  quantizedLength,
  rankSeats,
  runner,
  scriptedInput,
  type RunnerInput,
  type RunnerPlayer,
  type RunnerView,
  type RunnerState,
} from "../../src/games/runner";
import type { GameEvent, TickInput } from "../../src/games/types";

const rt = runner.realtime!;
type Policy = (state: RunnerState) => TickInput<RunnerInput>[];

function run(state: RunnerState, ticks: number, policy: Policy = () => []): { state: RunnerState; events: GameEvent[] } {
  const events: GameEvent[] = [];
  let s = state;
  for (let i = 0; i < ticks && runner.result(s) === null; i++) {
    const out = rt.step(s, policy(s));
    events.push(...out.events);
    s = out.state;
  }
  return { state: s, events };
}

/** Scripted bots on `seats`; `extra` seats also send a no-effect input (duck: false while not ducking) once the race runs. */
function bots(seats: readonly number[], extra: readonly number[] = []): Policy {
  return (s) => {
    const out: TickInput<RunnerInput>[] = [];
    for (const seat of seats) {
      const input = scriptedInput(s, seat);
      if (input !== null) out.push({ seat, input });
      else if (extra.includes(seat) && s.tick === COUNTDOWN_TICKS + 1) out.push({ seat, input: { tick: s.tick, duck: false } });
    }
    return out;
  };
}

function player(over: Partial<RunnerPlayer>): RunnerPlayer {
  return { x: 1000, y: 0, vy: 0, duck: false, inputs: 0, outAt: null, ...over };
}

describe("Runner game definition", () => {
  it("declares the agreed identity, seats, timing, rate limit and real-time parameters.", () => {
    expect(runner).toMatchObject({ id: "runner", title: "Runner", seats: { min: 1, max: 4 }, kind: "real-time" });
    expect(runner.timing).toEqual({ graceMs: 10000, heartbeatTimeoutMs: 3500, pingIntervalMs: 1000, disconnectPolicy: "forfeit" });
    expect(runner.rateLimit).toEqual({ burst: 60, perSecond: 30 });
    expect(rt).toMatchObject({ tickHz: 60, snapshotHz: 20, lateWindowTicks: 6, aheadWindowTicks: 30, maxInputsPerTick: 2, maxTicks: 5400 });
    expect(runner.ai).toBeUndefined();
    expect(runner.turn(runner.create(1, {}, 2, 0))).toBeNull();
    expect(rt.inputTick({ tick: 42, jump: true })).toBe(42);
  });

  it("accepts only bounded, finite inputs with an integer tick.", () => {
    const ok = (v: unknown) => runner.inputSchema.safeParse(v).success;
    expect(ok({ tick: 0 })).toBe(true);
    expect(ok({ tick: 5400, jump: true, duck: false })).toBe(true);
    for (const tick of [-1, 5401, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "3", null]) expect(ok({ tick }), String(tick)).toBe(false);
    expect(ok({ tick: 1, jump: 1 })).toBe(false);
    expect(ok({ tick: 1, fly: true })).toBe(false);
    expect(ok({ jump: true })).toBe(false);
  });

  it("accepts an optional bounded match duration and nothing else as options.", () => {
    const ok = (v: unknown) => runner.optionsSchema.safeParse(v).success;
    expect(ok({})).toBe(true);
    expect(ok({ durationSeconds: 30 })).toBe(true);
    expect(ok({ durationSeconds: 9 })).toBe(false);
    expect(ok({ durationSeconds: 91 })).toBe(false);
    expect(ok({ durationSeconds: 30.5 })).toBe(false);
    expect(ok({ speed: 2 })).toBe(false);
    expect(runner.create(1, { durationSeconds: 30 }, 1, 0).maxTicks).toBe(1800);
    expect(runner.create(1, {}, 1, 0).maxTicks).toBe(5400);
  });
});

describe("Runner apply and forfeit", () => {
  it("accepts inputs of a standing runner without changing the state, even during the countdown.", () => {
    const s = runner.create(2, {}, 2, 0);
    const out = runner.apply(s, { tick: 0, jump: true }, { seat: 1, by: "human" });
    expect(out).toEqual({ ok: true, state: s, events: [] });
    if (out.ok) expect(out.state).toBe(s);
  });

  it("rejects inputs of a knocked-out seat, of a seat with no runner and after the match.", () => {
    const s = runner.forfeit(runner.create(2, {}, 3, 0), 1, "forfeit").state;
    expect(runner.apply(s, { tick: 0 }, { seat: 1, by: "human" })).toMatchObject({ ok: false, code: RUNNER_ERRORS.KNOCKED_OUT });
    expect(runner.apply(s, { tick: 0 }, { seat: 3, by: "human" })).toMatchObject({ ok: false, code: RUNNER_ERRORS.NOT_A_RUNNER });
    const over = runner.forfeit(s, 2, "resign").state;
    expect(runner.apply(over, { tick: 0 }, { seat: 0, by: "human" })).toMatchObject({ ok: false, code: RUNNER_ERRORS.MATCH_OVER });
  });

  it("knocks out only the forfeiting seat and lets the others race on.", () => {
    const mid = run(runner.create(12, {}, 3, 0), COUNTDOWN_TICKS + 200, bots([0, 1, 2])).state;
    const out = runner.forfeit(mid, 1, "forfeit");
    expect(out.events).toEqual([{ type: "knockedOut", seat: 1, tick: mid.tick, distance: mid.players[1]!.x, cause: "forfeit" }]);
    expect(runner.result(out.state)).toBeNull();
    expect(runner.forfeit(out.state, 1, "timeout")).toEqual({ state: out.state, events: [] });
    const later = run(out.state, 300, bots([0, 1, 2])).state;
    expect(later.players[1]).toEqual(out.state.players[1]);
    expect(later.players[0]!.x).toBeGreaterThan(mid.players[0]!.x);
    expect(later.players[2]!.outAt).toBeNull();
    const end = runner.forfeit(later, 0, "resign");
    expect(end.events.map((e) => e.type)).toEqual(["knockedOut", "gameOver"]);
    expect(runner.result(end.state)).toMatchObject({ winner: 2, reason: "win", ranking: [2, 0, 1], detail: { end: "lastStanding" } });
  });

  it("ends a solo run when its only runner forfeits, even during the countdown.", () => {
    const out = runner.forfeit(runner.create(1, {}, 1, 0), 0, "forfeit");
    expect(runner.result(out.state)).toMatchObject({ winner: 0, ranking: [0], detail: { distances: [0], end: "allOut" } });
    expect(rt.step(out.state, [])).toEqual({ state: out.state, events: [] });
  });
});

describe("Runner results and tie-breaks", () => {
  it("gives the win to the last one standing, the moment the others are out.", () => {
    const { state, events } = run(runner.create(21, {}, 3, 0), rt.maxTicks, bots([2]));
    const result = runner.result(state);
    expect(result).toMatchObject({ winner: 2, reason: "win", detail: { end: "lastStanding", tieBreak: TIE_BREAK } });
    // Seats 0 and 1 hit the same obstacle on the same tick: same distance, same (zero) inputs, so seat 0 ranks first.
    expect(result?.ranking).toEqual([2, 0, 1]);
    expect(state.players[0]!.x).toBe(state.players[2]!.x);
    expect(events.filter((e) => e.type === "gameOver")).toHaveLength(1);
    expect(state.tick).toBeLessThan(rt.maxTicks);
  });

  it("ranks by distance at timeout, then by fewer inputs, then by lower seat.", () => {
    const short = runner.create(31, { durationSeconds: 20 }, 4, 0);
    // Seat 3 forfeits early (shortest distance); seat 0 spends one extra input.
    const early = run(short, COUNTDOWN_TICKS + 60, bots([0, 1, 2, 3], [0])).state;
    const { state, events } = run(runner.forfeit(early, 3, "forfeit").state, 2000, bots([0, 1, 2], [0]));
    const result = runner.result(state);
    expect(state.tick).toBe(1200);
    expect(result).toMatchObject({ winner: 1, reason: "win", ranking: [1, 2, 0, 3], detail: { end: "timeout" } });
    const d = result?.detail?.distances as number[];
    expect(d[0]).toBe(d[1]);
    expect(d[3]).toBeLessThan(d[0]!);
    expect(events.at(-1)).toMatchObject({ type: "gameOver", winner: 1, ranking: [1, 2, 0, 3], distances: d, tieBreak: TIE_BREAK });
  });

  it("breaks a tie among runners knocked out together by fewer inputs, then lower seat.", () => {
    const extra = run(runner.create(21, {}, 2, 0), rt.maxTicks, (s) => (s.tick === COUNTDOWN_TICKS ? [{ seat: 0, input: { tick: s.tick, duck: false } }] : []));
    expect(runner.result(extra.state)).toMatchObject({ winner: 1, ranking: [1, 0], detail: { end: "allOut", inputs: [1, 0] } });
    const even = run(runner.create(21, {}, 2, 0), rt.maxTicks);
    expect(runner.result(even.state)).toMatchObject({ winner: 0, ranking: [0, 1], detail: { end: "allOut" } });
  });

  it("orders standing runners before knocked-out ones at the same distance.", () => {
    const players = [player({ outAt: 300 }), player({ inputs: 9 }), player({ x: 900 }), player({ x: 1000, inputs: 2 })];
    expect(rankSeats(players)).toEqual([3, 1, 2, 0]);
  });

  it("reports no result while the match runs.", () => {
    expect(runner.result(runner.create(1, {}, 4, 0))).toBeNull();
    expect(runner.result(run(runner.create(1, {}, 4, 0), 400, bots([0, 1, 2, 3])).state)).toBeNull();
  });
});

describe("Runner view and quantised frames", () => {
  it("shows positions, obstacles ahead, countdown and speed to every seat alike.", () => {
    const s = run(runner.create(4, {}, 2, 0), 100).state;
    const v = runner.view(s, 0) as RunnerView;
    expect(v).toEqual(runner.view(s, null));
    expect(v).toMatchObject({ tick: 100, phase: "countdown", countdownTicks: 80, speed: 100, end: null });
    expect(v.players).toHaveLength(2);
    expect(v.obstacles.length).toBeGreaterThan(0);
    expect(v.obstacles[0]!.x).toBeGreaterThan(PLAYER_WIDTH);
  });

  it("has a fixed length per seat count and decodes to what encodes back to it.", () => {
    for (let seats = 1; seats <= 4; seats++) {
      let s = runner.create(seats * 13, {}, seats, 0);
      const policy = bots([0, 1, 2, 3].slice(0, seats));
      for (let k = 0; k < 40; k++) {
        const q = rt.quantize(s);
        expect(q).toHaveLength(quantizedLength(seats));
        expect(q.every((n) => Number.isInteger(n) && n >= 0)).toBe(true);
        const frame = decodeQuantized(q);
        expect(encodeFrame(frame)).toEqual(q);
        expect(frame.tick).toBe(s.tick);
        frame.players.forEach((p, i) => {
          expect(Math.abs(p.x - s.players[i]!.x)).toBeLessThan(10);
          expect(Math.abs(p.y - s.players[i]!.y)).toBeLessThan(10);
          expect(p.standing).toBe(s.players[i]!.outAt === null);
        });
        expect(frame.obstacles.map((o) => o.kind)).toEqual(s.obstacles.map((o) => o.kind));
        s = run(s, 137, policy).state;
      }
    }
    expect(quantizedLength(4)).toBe(25);
    expect(() => decodeQuantized([1, 2, 3])).toThrow();
  });

  it("packs a four-runner frame into a few dozen msgpack bytes.", () => {
    const packr = new Packr({ useRecords: false });
    const late = run(runner.create(9, {}, 4, 0), rt.maxTicks - 1, bots([0, 1, 2, 3])).state;
    expect(packr.pack(rt.quantize(late)).length).toBeLessThanOrEqual(64);
  });
});
