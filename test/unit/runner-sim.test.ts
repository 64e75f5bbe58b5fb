/** Unit tests for the Runner simulation: determinism, purity, physics, countdown, speed and the course. */
import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import {
  COUNTDOWN_TICKS,
  DUCK_HEIGHT,
  FIRST_OBSTACLE_X,
  HIGH_BOTTOM,
  HIGH_WIDTH,
  JUMP_VELOCITY,
  LOW_TOP,
  LOW_WIDTH,
  MAX_SPEED,
  PLAYER_HEIGHT,
  PLAYER_WIDTH,
  QUANT_OBSTACLES,
  SPEED_INTERVAL_TICKS,
  START_SPEED,
  runner,
  scriptedInput,
  type RunnerInput,
  type RunnerObstacle,
  type RunnerState,
  type RunnerView,
} from "../../src/games/runner";
import type { GameEvent, TickInput } from "../../src/games/types";
import { stateHash } from "../../src/protocol/state-hash";

const rt = runner.realtime!;
type Policy = (state: RunnerState) => TickInput<RunnerInput>[];
type TimedEvent = GameEvent & { at: number };

/** Step until the match ends or `ticks` steps ran, collecting events tagged with the tick they happened at. */
function run(state: RunnerState, ticks: number, policy: Policy = () => []): { state: RunnerState; events: TimedEvent[] } {
  const events: TimedEvent[] = [];
  let s = state;
  for (let i = 0; i < ticks && runner.result(s) === null; i++) {
    const out = rt.step(s, policy(s));
    for (const e of out.events) events.push({ ...e, at: s.tick });
    s = out.state;
  }
  return { state: s, events };
}

/** Scripted bots on the given seats. */
function bots(...seats: number[]): Policy {
  return (s) => seats.flatMap((seat) => {
    const input = scriptedInput(s, seat);
    return input === null ? [] : [{ seat, input }];
  });
}

/** A small deterministic pseudo-random input script (an LCG, independent of the game's RNG). */
function noisyInputs(seed: number, seatCount: number): Policy {
  let x = seed >>> 0;
  const next = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
  return (s) => {
    const out: TickInput<RunnerInput>[] = [];
    for (let seat = 0; seat < seatCount; seat++) {
      const r = next();
      if (r % 7 === 0) out.push({ seat, input: { tick: s.tick, jump: (r & 8) !== 0 } });
      if (r % 11 === 0) out.push({ seat, input: { tick: s.tick, duck: (r & 16) !== 0 } });
    }
    return out;
  };
}

function seedWhereFirstObstacleIs(kind: "low" | "high"): number {
  for (let seed = 1; ; seed++) if (runner.create(seed, {}, 1, 0).obstacles[0]?.kind === kind) return seed;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const atRaceStart = (seats: number, seed = 7): RunnerState => run(runner.create(seed, {}, seats, 0), COUNTDOWN_TICKS).state;

describe("Runner determinism and purity", () => {
  it("produces the same state hash for the same seed and the same inputs.", () => {
    const a = run(runner.create(99, {}, 3, 0), 2000, noisyInputs(5, 3));
    const b = run(runner.create(99, {}, 3, 0), 2000, noisyInputs(5, 3));
    expect(stateHash(a.state)).toBe(stateHash(b.state));
    expect(a.events).toEqual(b.events);
  });

  it("continues identically after the state makes a JSON or msgpack round trip mid-game.", () => {
    const packr = new Packr({ useRecords: false });
    const policy = bots(0, 1, 2, 3);
    const mid = run(runner.create(4242, {}, 4, 0), 1500, policy).state;
    const straight = run(mid, 1500, policy).state;
    const viaJson = run(JSON.parse(JSON.stringify(mid)) as RunnerState, 1500, policy).state;
    const viaPack = run(packr.unpack(packr.pack(mid)) as RunnerState, 1500, policy).state;
    expect(stateHash(JSON.parse(JSON.stringify(mid)))).toBe(stateHash(mid));
    expect(stateHash(viaJson)).toBe(stateHash(straight));
    expect(stateHash(viaPack)).toBe(stateHash(straight));
  });

  it("never mutates the state or the inputs passed to step.", () => {
    let s = runner.create(3, {}, 2, 0);
    const policy = noisyInputs(11, 2);
    for (let i = 0; i < 600 && runner.result(s) === null; i++) {
      const inputs = deepFreeze(policy(s));
      const frozen = deepFreeze(structuredClone(s));
      const before = stateHash(frozen);
      s = rt.step(frozen, inputs).state;
      expect(stateHash(frozen)).toBe(before);
    }
  });

  it("generates the same course from a seed whatever the number of runners.", () => {
    const seen = (seats: number) => {
      const all = new Map<number, RunnerObstacle>();
      run(runner.create(77, {}, seats, 0), 3000, (s) => {
        for (const o of s.obstacles) all.set(o.x, o);
        return bots(...Array.from({ length: seats }, (_, i) => i))(s);
      });
      return [...all.values()];
    };
    expect(seen(4)).toEqual(seen(1));
  });
});

describe("Runner physics", () => {
  it("declares constants that make every obstacle passable and none tunnelable.", () => {
    expect(MAX_SPEED).toBeLessThan(PLAYER_WIDTH + Math.min(LOW_WIDTH, HIGH_WIDTH));
    expect(DUCK_HEIGHT).toBeLessThan(HIGH_BOTTOM);
    expect(PLAYER_HEIGHT).toBeGreaterThan(HIGH_BOTTOM);
    expect(JUMP_VELOCITY).toBeGreaterThan(0);
  });

  it("jumps in an integer arc that peaks at 630 and lands after 29 ticks.", () => {
    let s = rt.step(atRaceStart(1), [{ seat: 0, input: { tick: COUNTDOWN_TICKS, jump: true } }]).state;
    const heights: number[] = [s.players[0]!.y];
    while (s.players[0]!.y > 0) {
      s = rt.step(s, []).state;
      heights.push(s.players[0]!.y);
    }
    expect(heights).toHaveLength(29);
    expect(Math.max(...heights)).toBe(630);
    expect(heights.every(Number.isInteger)).toBe(true);
    expect(Math.max(...heights)).toBeGreaterThan(LOW_TOP);
  });

  it("ignores a jump in the air and a jump while ducking.", () => {
    const up = rt.step(atRaceStart(1), [{ seat: 0, input: { tick: COUNTDOWN_TICKS, jump: true } }]).state;
    const again = rt.step(up, [{ seat: 0, input: { tick: up.tick, jump: true } }]).state;
    expect(again.players[0]!.vy).toBe(up.players[0]!.vy - 6);
    const ducked = rt.step(atRaceStart(1), [{ seat: 0, input: { tick: COUNTDOWN_TICKS, duck: true } }]).state;
    const tried = rt.step(ducked, [{ seat: 0, input: { tick: ducked.tick, jump: true } }]).state;
    expect(tried.players[0]!.y).toBe(0);
    // Releasing duck and jumping in the same input works: duck is applied first.
    const both = rt.step(ducked, [{ seat: 0, input: { tick: ducked.tick, duck: false, jump: true } }]).state;
    expect(both.players[0]!.y).toBeGreaterThan(0);
  });

  it("makes ducking in the air a fast fall and on the ground a lower body.", () => {
    const up = run(rt.step(atRaceStart(1), [{ seat: 0, input: { tick: COUNTDOWN_TICKS, jump: true } }]).state, 5).state;
    const air = (duck: boolean) => {
      let s = rt.step(up, [{ seat: 0, input: { tick: up.tick, duck } }]).state;
      let ticks = 1;
      while (s.players[0]!.y > 0) [s, ticks] = [rt.step(s, []).state, ticks + 1];
      return ticks;
    };
    expect(air(true)).toBeLessThan(air(false));
    const ducked = rt.step(atRaceStart(1), [{ seat: 0, input: { tick: COUNTDOWN_TICKS, duck: true } }]).state;
    expect((runner.view(ducked, 0) as RunnerView).players[0]!.ducking).toBe(true);
  });

  it("lets the last of two conflicting inputs of a seat at one tick win.", () => {
    const s = atRaceStart(1);
    const out = rt.step(s, [
      { seat: 0, input: { tick: s.tick, duck: true, jump: true } },
      { seat: 0, input: { tick: s.tick, duck: false } },
      { seat: 0, input: { tick: s.tick, jump: false } },
    ]).state;
    expect(out.players[0]!.duck).toBe(false);
    expect(out.players[0]!.y).toBe(0);
    expect(out.players[0]!.inputs).toBe(3);
  });

  it("knocks out a runner who never jumps at the first low obstacle.", () => {
    const seed = seedWhereFirstObstacleIs("low");
    const start = runner.create(seed, {}, 1, 0);
    const first = start.obstacles[0]!;
    const { state, events } = run(start, 10_000);
    const ko = events.find((e) => e.type === "knockedOut");
    expect(ko).toMatchObject({ seat: 0, cause: "collision" });
    const p = state.players[0]!;
    expect(p.outAt).toBe(ko?.at);
    expect(p.x + PLAYER_WIDTH).toBeGreaterThan(first.x);
    expect(p.x + PLAYER_WIDTH - state.speed).toBeLessThanOrEqual(first.x);
    expect(first.x).toBe(FIRST_OBSTACLE_X);
    expect(runner.result(state)).toMatchObject({ winner: 0, detail: { end: "allOut" } });
  });

  it("knocks out a runner who never ducks at the first high obstacle.", () => {
    const start = runner.create(seedWhereFirstObstacleIs("high"), {}, 1, 0);
    const { state } = run(start, 10_000);
    expect(state.players[0]!.x + PLAYER_WIDTH).toBeGreaterThan(start.obstacles[0]!.x);
    expect(state.players[0]!.outAt).not.toBeNull();
  });

  it("keeps a scripted runner who jumps and ducks correctly alive until maxTicks at every speed.", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const seats = (seed % 4) + 1;
      const { state, events } = run(runner.create(seed * 7919, {}, seats, 0), rt.maxTicks + 1, bots(0, 1, 2, 3));
      expect(events.filter((e) => e.type === "knockedOut"), `seed ${seed * 7919}`).toEqual([]);
      expect(state.tick).toBe(rt.maxTicks);
      expect(state.speed).toBe(MAX_SPEED);
      expect(runner.result(state)?.detail?.end).toBe("timeout");
    }
  });
});

describe("Runner countdown and speed", () => {
  it("blocks movement and ignores inputs during the countdown.", () => {
    const mash: Policy = (s) => [0, 1].flatMap((seat) => [{ seat, input: { tick: s.tick, jump: true, duck: s.tick % 2 === 0 } }]);
    const { state, events } = run(runner.create(1, {}, 2, 0), COUNTDOWN_TICKS, mash);
    expect(state.tick).toBe(COUNTDOWN_TICKS);
    for (const p of state.players) expect(p).toEqual({ x: 0, y: 0, vy: 0, duck: false, inputs: 0, outAt: null });
    expect(events).toEqual([
      { type: "countdown", remaining: 3, at: 0 },
      { type: "countdown", remaining: 2, at: 60 },
      { type: "countdown", remaining: 1, at: 120 },
    ]);
    const go = rt.step(state, []);
    expect(go.events).toEqual([{ type: "raceStarted" }]);
    expect(go.state.players[0]!.x).toBe(START_SPEED);
  });

  it("speeds the course up every five seconds of racing, up to the cap.", () => {
    const { state, events } = run(runner.create(5, {}, 1, 0), rt.maxTicks, bots(0));
    const ups = events.filter((e) => e.type === "speedUp");
    expect(ups[0]).toEqual({ type: "speedUp", speed: START_SPEED + 10, at: COUNTDOWN_TICKS + SPEED_INTERVAL_TICKS });
    for (let i = 1; i < ups.length; i++) {
      expect(ups[i]!.at - ups[i - 1]!.at).toBe(SPEED_INTERVAL_TICKS);
      expect(ups[i]!.speed as number).toBeGreaterThan(ups[i - 1]!.speed as number);
    }
    expect(ups.at(-1)?.speed).toBe(MAX_SPEED);
    expect(state.speed).toBe(MAX_SPEED);
  });

  it("keeps no more obstacles in the state than a quantised frame carries.", () => {
    let most = 0;
    run(runner.create(8, {}, 2, 0), rt.maxTicks, (s) => {
      most = Math.max(most, s.obstacles.length);
      expect(s.obstacles.every((o, i) => i === 0 || o.x > s.obstacles[i - 1]!.x)).toBe(true);
      return bots(0, 1)(s);
    });
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(QUANT_OBSTACLES);
  });
});
