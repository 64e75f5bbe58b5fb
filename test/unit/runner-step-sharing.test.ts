/**
 * The runner's allocation-lean `step` and `quantize` (issue 12) against the plain definitions they
 * replaced: the same states, events and frames at every tick, and what did not change shared with
 * the state passed in.
 */
import { describe, expect, it } from "vitest";
import { COUNTDOWN_TICKS, encodeFrame, frameOf, runner, scriptedInput, type RunnerInput, type RunnerPlayer, type RunnerState } from "../../src/games/runner";
import { extendCourse, pruneCourse } from "../../src/games/runner/course";
import { collides, movePlayer } from "../../src/games/runner/physics";
import { settleEnd } from "../../src/games/runner/ranking";
import { mergeInputs, speedAt } from "../../src/games/runner/simulate";
import type { GameEvent, TickInput } from "../../src/games/types";
import { stateHash } from "../../src/protocol/state-hash";

const rt = runner.realtime!;

/** The step as it was written before it was made allocation-lean: merged commands, then a map per pass. */
function referenceStep(state: RunnerState, inputs: readonly TickInput<RunnerInput>[]): { state: RunnerState; events: GameEvent[] } {
  if (state.end !== null) return { state, events: [] };
  const t = state.tick;
  const events: GameEvent[] = [];
  if (t < COUNTDOWN_TICKS) {
    if (t % 60 === 0) events.push({ type: "countdown", remaining: Math.trunc((COUNTDOWN_TICKS - t + 59) / 60) });
    return { state: settleEnd({ ...state, tick: t + 1 }, events), events };
  }
  if (t === COUNTDOWN_TICKS) events.push({ type: "raceStarted" });
  const speed = speedAt(t);
  if (speed > state.speed) events.push({ type: "speedUp", speed });
  const commands = mergeInputs(inputs, state.players.length);
  let leader = 0;
  const moved = state.players.map((p, seat) => {
    if (p.outAt !== null) return p;
    const next = movePlayer(p, commands[seat] ?? null, speed);
    if (next.x > leader) leader = next.x;
    return next;
  });
  const course = extendCourse(state, speed, leader);
  let rear = -1;
  const players = moved.map((p, seat): RunnerPlayer => {
    if (p.outAt !== null) return p;
    if (collides(p, course.obstacles)) {
      events.push({ type: "knockedOut", seat, tick: t, distance: p.x, cause: "collision" });
      return { ...p, vy: 0, outAt: t };
    }
    if (rear < 0 || p.x < rear) rear = p.x;
    return p;
  });
  const next: RunnerState = {
    tick: t + 1,
    maxTicks: state.maxTicks,
    speed,
    rng: course.rng,
    nextObstacleX: course.nextObstacleX,
    players,
    obstacles: rear < 0 ? course.obstacles : pruneCourse(course.obstacles, rear),
    end: null,
  };
  return { state: settleEnd(next, events), events };
}

/** Bots on seats 0 and 1, noise on the others, plus inputs for seats that do not exist and repeated or conflicting fields. */
function mixedInputs(seed: number): (s: RunnerState) => TickInput<RunnerInput>[] {
  let x = seed >>> 0;
  const next = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
  return (s) => {
    const out: TickInput<RunnerInput>[] = [];
    for (let seat = 0; seat < s.players.length; seat++) {
      const r = next();
      const bot = seat < 2 ? scriptedInput(s, seat) : null;
      if (bot !== null) out.push({ seat, input: bot });
      if (seat >= 2 && r % 9 === 0) out.push({ seat, input: { tick: s.tick, jump: (r & 8) !== 0, duck: (r & 16) !== 0 } });
      if (r % 13 === 0) out.push({ seat, input: { tick: s.tick, duck: false } });
      if (r % 31 === 0) out.push({ seat, input: { tick: s.tick, jump: false } });
      if (r % 37 === 0) out.push({ seat: [7, -1, 1.5, Number.NaN][r % 4]!, input: { tick: s.tick, jump: true } });
    }
    return out;
  };
}

function twoBots(s: RunnerState): TickInput<RunnerInput>[] {
  return [0, 1].flatMap((seat) => {
    const input = scriptedInput(s, seat);
    return input === null ? [] : [{ seat, input }];
  });
}

describe("The runner's allocation-lean step", () => {
  it("gives the same states, events and quantised frames as the plain definition at every tick of races of one to four runners.", () => {
    let compared = 0;
    const kinds = new Set<string>();
    // The last race is a 10-second one between two bots, to end by timeout.
    for (const [seed, seats, options] of [[1, 4, {}], [7, 3, {}], [99, 2, {}], [4242, 1, {}], [0xdeadbeef, 4, {}], [3, 2, { durationSeconds: 10 }]] as const) {
      const policy = seed === 3 ? twoBots : mixedInputs(seed);
      let s = runner.create(seed, options, seats, 0);
      while (s.end === null) {
        const inputs = policy(s);
        const mine = rt.step(s, inputs);
        const theirs = referenceStep(s, inputs);
        expect(stateHash(mine.state)).toBe(stateHash(theirs.state));
        expect(mine.events).toEqual(theirs.events);
        for (const e of mine.events) kinds.add(e.type === "gameOver" ? `gameOver:${String(e["end"])}` : e.type);
        expect(rt.quantize(mine.state)).toEqual(encodeFrame(frameOf(theirs.state)));
        s = mine.state;
        compared++;
      }
    }
    expect(compared).toBe(3370);
    expect([...kinds].sort()).toEqual(["countdown", "gameOver:allOut", "gameOver:lastStanding", "gameOver:timeout", "knockedOut", "raceStarted", "speedUp"]);
  });

  it("shares the players and obstacles during the countdown and returns one frozen empty events array on quiet ticks.", () => {
    const s = rt.step(runner.create(5, {}, 4, 0), []).state;
    const a = rt.step(s, [{ seat: 0, input: { tick: s.tick, jump: true } }]);
    expect(a.state.players).toBe(s.players);
    expect(a.state.obstacles).toBe(s.obstacles);
    expect(a.events).toEqual([]);
    expect(Object.isFrozen(a.events)).toBe(true);
    expect(rt.step(a.state, []).events).toBe(a.events);
  });

  it("shares knocked-out runners and the obstacles while the course neither grows nor shrinks.", () => {
    let s = runner.create(11, { durationSeconds: 20 }, 3, 0);
    // Seat 1 never jumps or ducks, so the first obstacle knocks it out; the bots on seats 0 and 2 race on.
    let sharedObstacles = 0;
    let sharedRunners = 0;
    while (s.end === null) {
      const inputs = [0, 2].flatMap((seat) => {
        const input = scriptedInput(s, seat);
        return input === null ? [] : [{ seat, input }];
      });
      const next = rt.step(s, inputs).state;
      const out = s.players[1]!;
      if (out.outAt !== null) {
        expect(next.players[1]).toBe(out);
        sharedRunners++;
      }
      if (next.nextObstacleX === s.nextObstacleX && next.obstacles.length === s.obstacles.length) {
        expect(next.obstacles).toBe(s.obstacles);
        sharedObstacles++;
      }
      s = next;
    }
    expect(s.end).toBe("timeout");
    expect(sharedRunners).toBeGreaterThan(900);
    expect(sharedObstacles).toBeGreaterThan(900);
  });
});
