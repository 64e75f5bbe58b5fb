import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Predictor, structuralDistance, structuralEqual, TickClock, type Correction } from "../../src/client/realtime";
import { runner, scriptedInput, type RunnerInput, type RunnerState } from "../../src/games/runner";
import type { AnyGame, RealtimeSpec, TickInput } from "../../src/games/types";
import { FixedStep } from "../../src/room/core/fixed-step";
import type { RoomRecord } from "../../src/room/core/record";

// ------------------------------------------------------------------ a toy deterministic game

/** Pucks on a line: an input pushes one seat's puck (velocity ±1); every tick each puck moves by its velocity. */
interface ToyState {
  readonly tick: number;
  readonly pos: readonly number[];
  readonly vel: readonly number[];
}
interface ToyInput {
  readonly tick: number;
  readonly push: -1 | 1;
}

const toy: RealtimeSpec<ToyState, ToyInput> = {
  tickHz: 60,
  snapshotHz: 20,
  lateWindowTicks: 6,
  aheadWindowTicks: 30,
  maxInputsPerTick: 2,
  maxTicks: 1_000_000,
  tick: (s) => s.tick,
  inputTick: (i) => i.tick,
  step(s, inputs) {
    const vel = s.vel.slice();
    for (const { seat, input } of inputs) vel[seat] = (vel[seat] ?? 0) + input.push;
    return { state: { tick: s.tick + 1, pos: s.pos.map((p, i) => p + (vel[i] ?? 0)), vel }, events: [] };
  },
  quantize: (s) => [s.tick, ...s.pos, ...s.vel],
};
const toyStart = (seats: number): ToyState => ({ tick: 0, pos: new Array<number>(seats).fill(0), vel: new Array<number>(seats).fill(0) });

// ------------------------------------------------------------------ an online match, time driven by hand

interface Link {
  /** One-way delay of the n-th message, ms. */
  delay(n: number): number;
}

interface ReconcileRecord<S> {
  readonly correction: Correction<S>;
  /** Inputs this snapshot acknowledged: their stamped tick, the tick the room applied them at, and the tick the prediction had them at. */
  readonly acked: { readonly input: unknown; readonly stamp: number; readonly applied: number; readonly predicted: number }[];
  /** Inputs still pending: the tick the prediction had them at before and after. */
  readonly shifted: { readonly input: unknown; readonly before: number; readonly after: number }[];
}

interface Online<S, I> {
  spec: RealtimeSpec<S, I>;
  initial: S;
  over?: (s: S) => boolean;
  /** The local player's decision at predicted tick `tick`, from the predicted state (null: nothing). */
  press: (predicted: S, tick: number) => I | null;
  /** Other seats' inputs for the coming snapshot interval, decided on the room's state and applied at their ticks. */
  remote?: (state: S) => TickInput<I>[];
  distance?: (a: S, b: S) => number;
  up: Link;
  down: Link;
  durationMs: number;
  /** Stop pressing this long before the end, so every input gets acknowledged. */
  quietMs: number;
}

/**
 * One client (seat 0) against the room's real fixed-step driver: inputs and
 * snapshots travel over ordered links with the given delays; the room wakes
 * at every snapshot boundary; the client runs its prediction at the tick the
 * tick clock stamps inputs with. Every server state is kept by tick.
 */
function playOnline<S, I>(o: Online<S, I>) {
  const game = { result: (s: S) => (o.over?.(s) ? {} : null) } as unknown as AnyGame;
  const driver = new FixedStep(game, o.spec as RealtimeSpec<unknown, unknown>);
  const rec = { game: o.initial, rtAnchor: 0, status: "playing" } as unknown as RoomRecord;
  const truth = new Map<number, S>([[o.spec.tick(o.initial), o.initial]]);
  const applyTick = new Map<number, number>();
  const clock = new TickClock({ tickHz: o.spec.tickHz });
  const predictor = new Predictor<S, I>({ spec: o.spec, seat: 0, initial: o.initial, ...(o.distance ? { distance: o.distance } : {}) });
  type Up = { at: number; id: number; input: I };
  type Down = { at: number } & ({ t: "snap"; tick: number; ack: number; state: S } | { t: "gameError"; id: number });
  const up: Up[] = [];
  const down: Down[] = [];
  let upLast = 0;
  let downLast = 0;
  let nUp = 0;
  let nDown = 0;
  let nextId = 1;
  let lastAck = 0;
  let nextWake = driver.nextSnapshotAt(rec, 0);
  let lastPredictedTick = -1;
  const reconciles: ReconcileRecord<S>[] = [];
  const rejected: number[] = [];
  const predictedAfterAllAcked = new Map<number, S>();
  let allAckedAt: number | null = null;
  const inputsById = new Map<number, I>();

  for (let now = 0; now <= o.durationMs; now++) {
    // 1. Inputs reaching the room are admitted at their tick (or rejected).
    while (up.length > 0 && up[0]!.at <= now) {
      const m = up.shift()!;
      const adm = driver.admit(rec, 0, m.input, m.id, o.spec.inputTick(m.input), now);
      if (!adm.ok) down.push({ at: (downLast = Math.max(downLast, now + o.down.delay(nDown++))), t: "gameError", id: m.id });
    }
    // 2. The room's loop at a snapshot boundary: other seats act on time, steps run, a snapshot leaves.
    if (now >= nextWake && !(o.over?.(rec.game as S) ?? false)) {
      const before = rec.game as S;
      for (const r of o.remote?.(before) ?? []) driver.admit(rec, r.seat, r.input, null, o.spec.inputTick(r.input), now);
      const out = driver.advance(rec, now);
      // Rebuild every intermediate state from the inputs applied (the driver only exposes the last one).
      let s = before;
      for (let i = 0; i < out.steps; i++) {
        const t = o.spec.tick(s);
        s = o.spec.step(s, out.applied.filter((p) => p.applyTick === t).map((p) => ({ seat: p.seat, input: p.input as I }))).state;
        truth.set(o.spec.tick(s), s);
      }
      expect(s).toEqual(rec.game);
      for (const p of out.applied) if (p.inputId !== null) {
        applyTick.set(p.inputId, p.applyTick);
        lastAck = Math.max(lastAck, p.inputId);
      }
      if (out.steps > 0) down.push({ at: (downLast = Math.max(downLast, now + o.down.delay(nDown++))), t: "snap", tick: o.spec.tick(s), ack: lastAck, state: s });
      nextWake = driver.nextSnapshotAt(rec, now);
    }
    // 3. What reaches the client.
    while (down.length > 0 && down[0]!.at <= now) {
      const m = down.shift()!;
      if (m.t === "gameError") {
        rejected.push(m.id);
        predictor.reject(m.id);
        continue;
      }
      clock.observe(m.tick, now, o.up.delay(0) + o.down.delay(0));
      const oldBase = predictor.authoritativeTick;
      const pendingBefore = predictor.pending.slice();
      const correction = predictor.reconcile(m.state, m.ack);
      const acked = pendingBefore.filter((p) => p.id !== null && p.id <= m.ack);
      reconciles.push({
        correction,
        acked: acked.map((p) => ({ input: p.input, stamp: p.tick, applied: applyTick.get(p.id!)!, predicted: Math.max(p.tick, oldBase) })),
        shifted: predictor.pending.map((p) => ({ input: p.input, before: Math.max(p.tick, oldBase), after: Math.max(p.tick, m.tick) })),
      });
      // Nothing pending after the last press: every input was acknowledged or refused.
      if (allAckedAt === null && now > o.durationMs - o.quietMs && predictor.pending.length === 0) allAckedAt = now;
    }
    // 4. The client's frame: prediction runs at the stamping tick; at most one decision per tick.
    if (!clock.anchored) continue;
    const tick = clock.inputTick(now);
    predictor.advanceTo(tick);
    if (allAckedAt !== null) predictedAfterAllAcked.set(predictor.tick, predictor.state);
    if (tick === lastPredictedTick || now > o.durationMs - o.quietMs) continue;
    lastPredictedTick = tick;
    const input = o.press(predictor.state, tick);
    if (input === null) continue;
    const id = nextId++;
    inputsById.set(id, input);
    predictor.applyLocal(input, id);
    up.push({ at: (upLast = Math.max(upLast, now + o.up.delay(nUp++))), id, input });
  }
  return { truth, reconciles, rejected, predictor, predictedAfterAllAcked, allAckedAt, sent: nextId - 1, applyTick };
}

const fixed = (ms: number): Link => ({ delay: () => ms });
const jittered = (base: number, jitter: readonly number[]): Link => ({ delay: (n) => base + (n === 0 ? 0 : (jitter[n % jitter.length] ?? 0)) });

const toyPress = (decisions: readonly number[]) => {
  let n = 0;
  return (_: ToyState, tick: number): ToyInput | null => {
    const d = decisions[n++ % decisions.length] ?? 0;
    return d === 1 ? { tick, push: 1 } : d === 2 ? { tick, push: -1 } : null;
  };
};
const localPos = (a: ToyState, b: ToyState) => Math.abs((a.pos[0] ?? 0) - (b.pos[0] ?? 0));

describe("client prediction (generic Predictor)", () => {
  it("with zero latency predicts a toy game exactly: every reconcile is a no-op and the prediction equals the room's state", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 40 }), (decisions) => {
        const run = playOnline({ spec: toy, initial: toyStart(2), press: toyPress(decisions), up: fixed(0), down: fixed(0), durationMs: 3000, quietMs: 200 });
        expect(run.reconciles.length).toBeGreaterThan(50);
        // The first snapshot only catches the prediction up from tick 0 (the clock was not anchored yet).
        expect(run.reconciles.filter((r) => r.correction.before.tick !== r.correction.after.tick)).toHaveLength(1);
        for (const r of run.reconciles.slice(1)) {
          expect(r.correction.exact).toBe(true);
          expect(r.correction.distance).toBe(0);
        }
        // Every input was applied at the tick it was stamped with.
        for (const r of run.reconciles) for (const a of r.acked) expect(a.applied).toBe(a.stamp);
        expect(run.predictor.state).toEqual(run.truth.get(run.predictor.tick) ?? run.predictor.state);
        expect(run.rejected).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it("with latency and jitter, each correction of the local puck is exactly the effect of inputs the room applied later than predicted, and none remains once all are acknowledged", () => {
    let runsWithCorrections = 0;
    let runsWithRefusals = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 120 }),
        // Up to 250 ms of jitter: beyond the stamping lead, so some inputs are applied late and some refused.
        fc.array(fc.integer({ min: 0, max: 250 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 40 }),
        (oneWay, jitter, decisions) => {
          const run = playOnline({
            spec: toy,
            initial: toyStart(2),
            press: toyPress(decisions),
            remote: (s) => (s.tick % 7 === 0 ? [{ seat: 1, input: { tick: s.tick, push: 1 } }] : []),
            distance: localPos,
            up: jittered(oneWay, jitter),
            down: jittered(oneWay, jitter),
            durationMs: 4000,
            quietMs: 1200,
          });
          let corrected = 0;
          for (const r of run.reconciles) {
            const c = r.correction;
            if (c.before.tick !== c.after.tick) continue; // the prediction was behind the room: a catch-up, not a correction
            // Pos at tick P gains push·(P − e) from an input applied at e: moving e changes it by push·(old e − new e).
            const push = (i: unknown) => (i as ToyInput).push;
            const expected = r.acked.reduce((sum, a) => sum + push(a.input) * (a.predicted - a.applied), 0) + r.shifted.reduce((sum, s) => sum + push(s.input) * (s.before - s.after), 0);
            expect((c.after.pos[0] ?? 0) - (c.before.pos[0] ?? 0)).toBe(expected);
            expect(c.distance).toBe(Math.abs(expected));
            // Bounded: by how late the room applied them, at most lateWindowTicks each.
            expect(c.distance).toBeLessThanOrEqual(r.acked.length * toy.lateWindowTicks + r.shifted.reduce((s, x) => s + Math.abs(x.after - x.before), 0));
            if (c.distance > 0) corrected++;
          }
          // Inputs more than lateWindowTicks late were refused and withdrawn; the rest were all applied.
          expect(run.applyTick.size + run.rejected.length).toBe(run.sent);
          // Once every input is acknowledged, the prediction is the room's state, exactly, for the local puck.
          expect(run.allAckedAt).not.toBeNull();
          let compared = 0;
          for (const [tick, s] of run.predictedAfterAllAcked) {
            const real = run.truth.get(tick);
            if (!real) continue;
            compared++;
            expect(s.pos[0]).toBe(real.pos[0]);
            expect(s.vel[0]).toBe(real.vel[0]);
          }
          expect(compared).toBeGreaterThan(10);
          if (corrected > 0) runsWithCorrections++;
          if (run.rejected.length > 0) runsWithRefusals++;
        },
      ),
      { numRuns: 40, seed: 20260101 },
    );
    // The jitter does make the room apply inputs late (hence corrections), or refuse them, in some runs: the above is not vacuous.
    expect(runsWithCorrections).toBeGreaterThan(5);
    expect(runsWithRefusals).toBeGreaterThan(0);
  });

  it("predicts the runner's full state exactly with zero latency when the full state is available (solo); with a rival, the local runner is off only when a predicted knock-out of the rival ended the match", () => {
    for (const seats of [1, 2]) {
      const initial: RunnerState = runner.create(1234, { durationSeconds: 15 }, seats, 0);
      const local = (a: RunnerState, b: RunnerState) => structuralDistance(a.players[0], b.players[0]);
      const run = playOnline<RunnerState, RunnerInput>({
        spec: runner.realtime!,
        initial,
        over: (s) => s.end !== null,
        press: (s, tick) => {
          const input = scriptedInput(s, 0);
          return input === null ? null : { ...input, tick };
        },
        // The rival decides each tick of the coming interval (its runner does not depend on seat 0's inputs).
        remote: (s) => {
          const out: TickInput<RunnerInput>[] = [];
          for (let k = 0, c = s; seats > 1 && k < 3; k++) {
            const input = scriptedInput(c, 1);
            if (input) out.push({ seat: 1, input });
            c = runner.realtime!.step(c, input ? [{ seat: 1, input }] : []).state;
          }
          return out;
        },
        distance: local,
        up: fixed(0),
        down: fixed(0),
        durationMs: 15_500,
        quietMs: 0,
      });
      expect(run.sent).toBeGreaterThanOrEqual(10);
      // The first snapshot only catches the prediction up from tick 0.
      const [first, ...rest] = run.reconciles;
      expect(first!.correction.before.tick).toBe(0);
      for (const r of rest) {
        if (seats === 1) {
          expect(r.correction.exact).toBe(true);
          continue;
        }
        // With a rival, seat 1 is stepped without its (unknown) inputs, so the prediction may knock it
        // out and end the match ("last standing"), freezing the local runner: that is the only local error.
        if (r.correction.distance > 0) expect(r.correction.before.end).not.toBeNull();
        else expect(r.correction.before.players[0]).toEqual(r.correction.after.players[0]);
      }
      const last = run.reconciles.at(-1)!.correction.after;
      expect(last.end).not.toBeNull();
      expect(last.players[0]).toEqual(run.truth.get(last.tick)?.players[0]);
    }
  });

  it("withdraws a refused input exactly, takes an id given later, and drops inputs once acknowledged", () => {
    const p = new Predictor<ToyState, ToyInput>({ spec: toy, seat: 0, initial: toyStart(1) });
    const a = p.applyLocal({ tick: 2, push: 1 }, 1);
    const b = p.applyLocal({ tick: 4, push: 1 });
    p.advanceTo(10);
    expect(p.state.pos[0]).toBe(8 + 6);
    expect(p.reject(1)).toBe(true);
    expect(p.state).toEqual({ tick: 10, pos: [6], vel: [1] });
    expect(p.reject(1)).toBe(false);
    expect(p.setId(b.key, 2)).toBe(true);
    expect(a.key).not.toBe(b.key);
    // The room applied input 2 at tick 4: the snapshot at tick 6 includes it.
    let s = toyStart(1);
    for (let t = 0; t < 6; t++) s = toy.step(s, t === 4 ? [{ seat: 0, input: { tick: 4, push: 1 } }] : []).state;
    const c = p.reconcile(s, 2);
    expect(c).toMatchObject({ authoritativeTick: 6, predictedTick: 10, dropped: 1, replayed: 0, distance: 0, exact: true, rewound: false });
    expect(p.pending).toEqual([]);
  });

  it("applies an input stamped before the authoritative tick at that tick, as the room does with a slightly late input", () => {
    const p = new Predictor<ToyState, ToyInput>({ spec: toy, seat: 0, initial: toyStart(1) });
    let s = toyStart(1);
    for (let t = 0; t < 9; t++) s = toy.step(s, []).state;
    p.reconcile(s, 0, 12);
    p.applyLocal({ tick: 5, push: 1 }, 1);
    // Applied in step 9: moves the puck at steps 9, 10 and 11.
    expect(p.state).toEqual({ tick: 12, pos: [3], vel: [1] });
    expect(p.predictAt(10)).toEqual({ tick: 10, pos: [1], vel: [1] });
  });

  it("starts over on a new round (the authoritative tick goes backwards), dropping the old round's inputs", () => {
    const p = new Predictor<ToyState, ToyInput>({ spec: toy, seat: 0, initial: toyStart(1) });
    p.reconcile({ tick: 40, pos: [0], vel: [0] }, 0);
    p.applyLocal({ tick: 43, push: 1 }, 1);
    p.advanceTo(50);
    const c = p.reconcile({ tick: 2, pos: [0], vel: [0] }, 0);
    expect(c.rewound).toBe(true);
    expect(p.pending).toEqual([]);
    expect(p.state).toEqual({ tick: 2, pos: [0], vel: [0] });
  });

  it("measures mispredictions structurally by default: numeric leaves by absolute difference, anything else by 1", () => {
    expect(structuralDistance({ a: [1, 2], b: true }, { a: [1, 5], b: true })).toBe(3);
    expect(structuralDistance({ a: [1], b: "x" }, { a: [1, 0], b: "y" })).toBe(2);
    expect(structuralDistance({ a: 1 }, { b: 1 })).toBe(2);
    expect(structuralEqual({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(structuralEqual({ a: [1] }, { a: [1], c: undefined })).toBe(false);
  });
});
