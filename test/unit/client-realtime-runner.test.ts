import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SnapshotStream, TickClock } from "../../src/client/realtime";
import {
  bodyDucking,
  initialRunnerBody,
  RUNNER_VERTICAL_GRAIN,
  runDistance,
  RunnerPrediction,
  stepRunnerBody,
  type RunnerBody,
  type RunnerSnapshotResult,
} from "../../src/games/runner/client";
import { decodeQuantized, encodeFrame, runner, scriptedInput, type RunnerInput, type RunnerPlayer, type RunnerState } from "../../src/games/runner";
import { createRunnerState, step } from "../../src/games/runner/simulate";
import type { TickInput } from "../../src/games/types";
import type { ServerFrame } from "../../src/protocol";
import { RoomStepper } from "../support/room-stepper";

interface Link {
  delay(n: number): number;
}
const fixed = (ms: number): Link => ({ delay: () => ms });
const jittered = (base: number, jitter: readonly number[]): Link => ({ delay: (n) => base + (jitter[n % jitter.length] ?? 0) });

interface SnapRecord {
  readonly tick: number;
  readonly result: RunnerSnapshotResult;
  readonly candidates: readonly { y: number; vy: number; duck: boolean }[] | null;
  /** Local inputs still unacknowledged after it. */
  readonly pending: number;
}

/**
 * A runner match in the real room core (seat 0 is this client, the other seats
 * play on time from the server side), with the client's traffic delayed over
 * ordered links. The client stamps inputs with the tick clock, predicts its
 * runner with RunnerPrediction from the snap stream, and decides with the
 * scripted bot on its predicted body and the obstacles of the latest frame.
 */
function playRunner(o: { seats: number; seed: number; seconds: number; up: Link; down: Link }) {
  const room = new RoomStepper({ game: "runner", seats: o.seats, options: { durationSeconds: o.seconds } }, o.seed);
  for (let i = 0; i < o.seats; i++) room.connect(`c${i}`, `p${i}`);
  expect(room.core.record.status).toBe("playing");
  const maxTicks = o.seconds * 60;
  const stream = new SnapshotStream();
  const clock = new TickClock({ tickHz: 60 });
  const prediction = new RunnerPrediction({ seat: 0, maxTicks });
  const up: { at: number; frame: { t: "input"; id: number; data: RunnerInput } }[] = [];
  const down: { at: number; frame: ServerFrame }[] = [];
  const rivalIds = new Map<number, number>();
  let upLast = 0;
  let downLast = 0;
  let nUp = 0;
  let nDown = 0;
  let read = 0;
  let nextId = 1;
  let lastTick = -1;
  const snaps: SnapRecord[] = [];
  /** Every predicted body, with the number of snapshots processed when it was predicted. */
  const predicted: { tick: number; body: RunnerBody; pending: number; afterSnaps: number }[] = [];
  const rejected: number[] = [];
  let lastRivalTick = -1;
  const start = room.now;
  const end = start + o.seconds * 1000 + 500;

  while (room.now < end && room.core.record.status === "playing") {
    // 1. Inputs reaching the room.
    while (up.length > 0 && up[0]!.at <= room.now) room.send("c0", up.shift()!.frame);
    // 2. Rivals play from the room's state, on time, for each tick until the next snapshot.
    const state = room.core.record.game as RunnerState;
    if (state.tick !== lastRivalTick) {
      lastRivalTick = state.tick;
      for (let seat = 1; seat < o.seats; seat++) {
        let c = state;
        for (let k = 0; k < 3; k++) {
          const input = scriptedInput(c, seat);
          if (input) {
            const id = (rivalIds.get(seat) ?? 0) + 1;
            rivalIds.set(seat, id);
            room.send(`c${seat}`, { t: "input", id, data: input });
          }
          c = step(c, input ? [{ seat, input }] : []).state;
        }
      }
    }
    // 3. One millisecond of room time; what it sent seat 0 goes on the down link.
    room.advance(1);
    const inbox = room.frames("c0");
    for (; read < inbox.length; read++) down.push({ at: (downLast = Math.max(downLast, room.now + o.down.delay(nDown++))), frame: inbox[read]! });
    // 4. What reaches the client.
    while (down.length > 0 && down[0]!.at <= room.now) {
      const { frame } = down.shift()!;
      if (frame.t === "gameError") {
        rejected.push(frame.id);
        prediction.reject(frame.id);
      }
      if (frame.t !== "snap") continue;
      const out = stream.apply(frame);
      if (out.kind !== "applied") continue;
      clock.observe(out.tick, room.now, o.up.delay(0) + o.down.delay(0));
      const result = prediction.onSnapshot(out.tick, out.values, out.ack);
      snaps.push({ tick: out.tick, result, candidates: prediction.candidateStates, pending: prediction.predictor.pending.length });
    }
    // 5. The client's frame, once per predicted tick.
    if (!clock.anchored) continue;
    const tick = clock.inputTick(room.now);
    const body = prediction.advanceTo(tick);
    predicted.push({ tick: body.tick, body, pending: prediction.predictor.pending.length, afterSnaps: snaps.length });
    if (tick === lastTick || stream.values === null) continue;
    lastTick = tick;
    const frame = decodeQuantized(stream.values);
    const me: RunnerPlayer = { x: body.x, y: body.y, vy: body.vy, duck: body.duck, inputs: 0, outAt: body.standing ? null : 0 };
    const view = { ...createRunnerState(0, o.seats, maxTicks), tick, players: frame.players.map((_, i) => (i === 0 ? me : { ...me, outAt: 0 })), obstacles: frame.obstacles, end: body.over ? "timeout" : null } as RunnerState;
    const decision = scriptedInput(view, 0);
    if (decision === null) continue;
    const id = nextId++;
    prediction.applyLocal({ ...decision, tick }, id);
    up.push({ at: (upLast = Math.max(upLast, room.now + o.up.delay(nUp++))), frame: { t: "input", id, data: { ...decision, tick } } });
  }
  // Drain the last frames.
  for (const { frame } of down) {
    if (frame.t !== "snap") continue;
    const out = stream.apply(frame);
    if (out.kind === "applied") snaps.push({ tick: out.tick, result: prediction.onSnapshot(out.tick, out.values, out.ack), candidates: prediction.candidateStates, pending: 0 });
  }

  // The room's state at every tick, replayed from its action log (inputs with the ticks they were applied at).
  const round = room.actions.find((a) => a.kind === "round");
  if (round?.kind !== "round") throw new Error("no round");
  let s = runner.create(round.seed, { durationSeconds: o.seconds }, o.seats, 0);
  const truth = new Map<number, RunnerState>([[0, s]]);
  const inputs = room.actions.filter((a) => a.kind === "input");
  while (s.end === null) {
    const at: TickInput<RunnerInput>[] = inputs.filter((a) => a.tick === s.tick).map((a) => ({ seat: a.seat, input: a.data as RunnerInput }));
    s = runner.realtime!.step(s, at).state;
    truth.set(s.tick, s);
  }
  expect(s).toEqual(room.core.record.game);
  const appliedAt = new Map(inputs.filter((a) => a.seat === 0).map((a) => [a.inputId, a.tick]));
  return { snaps, predicted, truth, rejected, sent: nextId - 1, appliedAt, stream, prediction };
}

const bodyOf = (p: RunnerPlayer) => ({ x: p.x, y: p.y, vy: p.vy, duck: p.duck, standing: p.outAt === null });
const sameBody = (b: RunnerBody) => ({ x: b.x, y: b.y, vy: b.vy, duck: b.duck, standing: b.standing });

describe("client runner prediction from quantised snapshots", () => {
  it("steps one body exactly like the room's simulation, and knows x exactly from the tick alone", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 60 }), (noise) => {
        let s = runner.create(3, {}, 1, 0);
        let b = initialRunnerBody();
        for (let i = 0; i < 1200 && s.players[0]!.outAt === null; i++) {
          const r = noise[i % noise.length]!;
          const input: RunnerInput | null = r === 1 ? { tick: s.tick, jump: true } : r === 2 ? { tick: s.tick, duck: true } : r === 3 ? { tick: s.tick, duck: false } : r === 4 ? { tick: s.tick, duck: false, jump: true } : null;
          const inputs = input ? [{ seat: 0, input }] : [];
          s = runner.realtime!.step(s, inputs).state;
          b = stepRunnerBody(b, inputs);
          if (s.players[0]!.outAt !== null) break;
          expect(sameBody(b)).toEqual(bodyOf(s.players[0]!));
          expect(b.x).toBe(runDistance(s.tick));
          expect(bodyDucking(b)).toBe(s.players[0]!.duck && s.players[0]!.y === 0);
          expect(b.y % RUNNER_VERTICAL_GRAIN).toBe(0);
          expect(Math.abs(b.vy) % RUNNER_VERTICAL_GRAIN).toBe(0);
        }
      }),
      { numRuns: 30 },
    );
  });

  it("with zero latency predicts your runner exactly: every estimate is the room's body, no correction ever, and every predicted tick matches", () => {
    for (const [seats, seed] of [[1, 11], [2, 12], [4, 13]] as const) {
      const run = playRunner({ seats, seed, seconds: 20, up: fixed(0), down: fixed(0) });
      expect(run.sent).toBeGreaterThan(5);
      expect(run.rejected).toEqual([]);
      expect(run.snaps.length).toBeGreaterThan(300);
      for (const [i, s] of run.snaps.entries()) {
        const real = run.truth.get(s.tick)!.players[0]!;
        expect(s.result.candidates).toBe(1);
        expect(sameBody(s.result.authoritative)).toEqual(bodyOf(real));
        // The first snapshot catches up from tick 0; after it, reconciling never moves anything.
        if (i > 0) expect(s.result.correction.exact).toBe(true);
      }
      for (const { tick, body } of run.predicted) {
        const real = run.truth.get(tick);
        if (real) expect(sameBody(body)).toEqual(bodyOf(real.players[0]!));
      }
      expect(run.prediction.stats).toMatchObject({ reseeds: 0, corrections: 1, maxCorrection: 0 });
    }
  });

  it("with latency and jitter, never loses the true body, is exact whenever one body remains, keeps x exact, bounds corrections by the jump height, and has none while every input is acknowledged", () => {
    const summary = { snaps: 0, exact: 0, corrections: 0, maxDy: 0, inputs: 0, applied: 0, compared: 0 };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 0xffff }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 5, max: 100 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 20 }),
        (seed, seats, oneWay, jitter) => {
          const run = playRunner({ seats, seed, seconds: 20, up: jittered(oneWay, jitter), down: jittered(oneWay, jitter) });
          for (const [i, s] of run.snaps.entries()) {
            const real = run.truth.get(s.tick)!.players[0]!;
            const truthBody = { y: real.y, vy: real.vy, duck: real.duck };
            if (real.outAt !== null) continue; // knocked out: frozen, not estimated (x is still exact, below)
            // Sound: the room's body is always among the candidates (refusals were withdrawn).
            expect(s.candidates).toContainEqual(truthBody);
            if (s.result.candidates === 1) expect(sameBody(s.result.authoritative)).toEqual(bodyOf(real));
            expect(s.result.authoritative.x).toBe(real.x);
            const c = s.result.correction;
            if (i > 0 && c.before.standing && c.after.standing && c.before.tick === c.after.tick) {
              expect(c.after.x).toBe(c.before.x);
              expect(Math.abs(s.result.dy)).toBeLessThanOrEqual(630);
              summary.maxDy = Math.max(summary.maxDy, Math.abs(s.result.dy));
            }
            summary.snaps++;
            if (s.result.candidates === 1) summary.exact++;
            if (!c.exact && i > 0) summary.corrections++;
          }
          for (const s of run.snaps) {
            const real = run.truth.get(s.tick)!.players[0]!;
            if (real.outAt !== null) expect(s.result.authoritative.x).toBe(real.x);
          }
          // Whenever nothing is pending and the last snapshot processed pinned the body exactly, the
          // prediction is the room's body at every tick (until the next press, or an unpredicted knock-out).
          let compared = 0;
          for (const { tick, body, pending, afterSnaps } of run.predicted) {
            const last = run.snaps[afterSnaps - 1];
            const real = run.truth.get(tick)?.players[0];
            if (!last || pending > 0 || last.pending > 0 || last.result.candidates !== 1 || !real || real.outAt !== null) continue;
            compared++;
            expect(sameBody(body)).toEqual(bodyOf(real));
          }
          expect(compared).toBeGreaterThan(300);
          summary.compared += compared;
          summary.inputs += run.sent;
          for (const tick of run.appliedAt.values()) if (tick !== undefined) summary.applied++;
        },
      ),
      { numRuns: 16, seed: 424242 },
    );
    console.log(`runner prediction under jitter: ${JSON.stringify(summary)}`);
    // Most snapshots pin the body exactly even with jitter, and the jitter did cause corrections.
    expect(summary.exact / summary.snaps).toBeGreaterThan(0.9);
    expect(summary.corrections).toBeGreaterThan(0);
    expect(summary.maxDy).toBeLessThanOrEqual(630);
  });

  it("recovers the exact body when the room applied inputs up to 5 ticks after their stamp, and when joining in mid-air", () => {
    const seen = { frames: 0, ambiguous: 0, maxCandidates: 0 };
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ at: fc.integer({ min: 181, max: 1100 }), kind: fc.constantFrom("jump", "duck", "unduck", "unduckJump"), lag: fc.integer({ min: 0, max: 5 }) }), { selector: (p) => p.at, maxLength: 40 }),
        fc.integer({ min: 0, max: 350 }),
        (raw, join) => {
          const presses = [...raw].sort((a, b) => a.at - b.at);
          const inputOf = (p: (typeof presses)[number]): RunnerInput =>
            p.kind === "jump" ? { tick: p.at, jump: true } : p.kind === "duck" ? { tick: p.at, duck: true } : p.kind === "unduck" ? { tick: p.at, duck: false } : { tick: p.at, duck: false, jump: true };
          // The room applies input i at applied[i] ≥ its stamp, in id order.
          const applied: number[] = [];
          presses.forEach((p, i) => applied.push(Math.max(applied[i - 1] ?? 0, p.at + p.lag)));
          // The room's body at every tick (stepRunnerBody is the room's physics for one runner, tested above).
          const truth: RunnerBody[] = [initialRunnerBody()];
          for (let t = 0; t < 1200; t++) {
            const inputs = presses.flatMap((p, i) => (applied[i] === t ? [{ seat: 0, input: inputOf(p) }] : []));
            truth.push(stepRunnerBody(truth[t]!, inputs));
          }
          const quantised = (b: RunnerBody) =>
            encodeFrame({ tick: b.tick, speed: 100, phase: "racing", players: [{ x: b.x, y: b.y, standing: true, ducking: bodyDucking(b), grounded: b.y === 0, duckHeld: b.duck }], obstacles: [] });
          const prediction = new RunnerPrediction({ seat: 0 });
          let made = 0;
          for (let k = join; 3 * k < 1200; k++) {
            const T = 3 * k;
            // The client made (and predicted) every input stamped before the next frame.
            while (made < presses.length && presses[made]!.at < T + 3) prediction.applyLocal(inputOf(presses[made]!), ++made);
            let ack = 0;
            applied.forEach((a, i) => {
              if (a < T) ack = i + 1;
            });
            const r = prediction.onSnapshot(T, quantised(truth[T]!), ack, T + 3);
            const real = truth[T]!;
            expect(prediction.candidateStates).toContainEqual({ y: real.y, vy: real.vy, duck: real.duck });
            if (r.candidates === 1) expect(r.authoritative).toEqual(real);
            expect(r.authoritative.x).toBe(real.x);
            seen.frames++;
            if (r.candidates > 1) seen.ambiguous++;
            seen.maxCandidates = Math.max(seen.maxCandidates, r.candidates);
          }
        },
      ),
      { numRuns: 60, seed: 777 },
    );
    console.log(`runner estimator with late inputs: ${JSON.stringify(seen)}`);
    expect(seen.ambiguous).toBeGreaterThan(0);
    expect(seen.ambiguous / seen.frames).toBeLessThan(0.1);
  });

  it("joining in mid-jump starts from every body the first frame allows, narrows to the exact one by the next frame, and predicts exactly from then on", () => {
    const truth: RunnerBody[] = [initialRunnerBody()];
    for (let t = 0; t < 400; t++) truth.push(stepRunnerBody(truth[t]!, t === 300 ? [{ seat: 0, input: { tick: 300, jump: true } }] : []));
    const frame = (b: RunnerBody) => encodeFrame({ tick: b.tick, speed: 100, phase: "racing", players: [{ x: b.x, y: b.y, standing: true, ducking: false, grounded: b.y === 0, duckHeld: b.duck }], obstacles: [] });
    const prediction = new RunnerPrediction({ seat: 0 });
    const first = prediction.onSnapshot(309, frame(truth[309]!), 0, 315);
    expect(first.candidates).toBeGreaterThan(1);
    expect(prediction.candidateStates).toContainEqual({ y: truth[309]!.y, vy: truth[309]!.vy, duck: false });
    const second = prediction.onSnapshot(312, frame(truth[312]!), 0, 315);
    expect(second.candidates).toBe(1);
    expect(second.authoritative).toEqual(truth[312]);
    for (let t = 315; t < 400; t++) expect(prediction.advanceTo(t)).toEqual(truth[t]);
    expect(prediction.stats).toMatchObject({ snapshots: 2, exactEstimates: 1, reseeds: 0 });
  });
});
