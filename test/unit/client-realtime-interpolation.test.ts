import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SnapshotBuffer, type FieldMode } from "../../src/client/realtime";
import { runnerExtrapolationBound, runnerFieldModes } from "../../src/games/runner/client";
import { decodeQuantized, runner, scriptedInput, type RunnerInput, type RunnerState } from "../../src/games/runner";
import type { TickInput } from "../../src/games/types";

/** Snapshots with strictly increasing ticks and integer fields. */
const snapshots = (fields: number) =>
  fc
    .array(fc.record({ gap: fc.integer({ min: 1, max: 9 }), values: fc.array(fc.integer({ min: -100_000, max: 100_000 }), { minLength: fields, maxLength: fields }) }), {
      minLength: 2,
      maxLength: 20,
    })
    .map((list) => {
      let tick = 100;
      return list.map(({ gap, values }) => ({ tick: (tick += gap), values }));
    });

const modesArb = fc.array(fc.constantFrom<FieldMode>("lerp", "snap"), { minLength: 4, maxLength: 4 });

describe("client snapshot interpolation", () => {
  it("returns each snapshot's values exactly at its tick, and per field a + (b − a)·f (lerp) or a (snap) between two", () => {
    fc.assert(
      fc.property(snapshots(4), modesArb, fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 5 }), (snaps, modes, fs) => {
        const buf = new SnapshotBuffer({ tickHz: 60, snapshotHz: 20, modes, capacity: 64 });
        for (const s of snaps) buf.push(s.tick, s.values);
        for (let i = 0; i < snaps.length; i++) {
          const a = snaps[i]!;
          const exact = buf.sample(a.tick);
          expect(exact).toMatchObject({ kind: "exact", from: a.tick });
          expect(exact?.values).toEqual(a.values);
          const b = snaps[i + 1];
          if (!b) continue;
          for (const f of [...fs].sort((x, y) => x - y)) {
            const tick = a.tick + (b.tick - a.tick) * f;
            if (tick === a.tick || tick >= b.tick) continue; // f rounded onto a snapshot tick
            const s = buf.sample(tick);
            expect(s).toMatchObject({ kind: "interpolated", from: a.tick, to: b.tick });
            const g = (tick - a.tick) / (b.tick - a.tick);
            s?.values.forEach((v, k) => {
              const va = a.values[k]!;
              const vb = b.values[k]!;
              expect(v).toBe(modes[k] === "snap" ? va : va + (vb - va) * g);
              if (modes[k] === "lerp") {
                expect(v).toBeGreaterThanOrEqual(Math.min(va, vb));
                expect(v).toBeLessThanOrEqual(Math.max(va, vb));
              }
            });
          }
        }
      }),
    );
  });

  it("is monotonic in the render tick for a monotonic field, through interpolation, extrapolation and holding", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 1, max: 6 }), rise: fc.integer({ min: 0, max: 500 }) }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.double({ min: 90, max: 250, noNaN: true }), { minLength: 2, maxLength: 60 }),
        (steps, ticks) => {
          const buf = new SnapshotBuffer({ tickHz: 60, snapshotHz: 20 });
          let tick = 100;
          let value = 0;
          for (const { gap, rise } of steps) buf.push((tick += gap), [(value += rise)]);
          let prev = -Infinity;
          for (const t of [...ticks].sort((x, y) => x - y)) {
            const v = buf.sample(t)?.values[0] ?? Number.NaN;
            expect(v).toBeGreaterThanOrEqual(prev);
            prev = v;
          }
        },
      ),
    );
  });

  it("stays monotonic while snapshots stream in and the render tick trails the newest one", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ rise: fc.integer({ min: 0, max: 50 }), frames: fc.integer({ min: 1, max: 8 }) }), { minLength: 2, maxLength: 40 }), (steps) => {
        const buf = new SnapshotBuffer({ tickHz: 60, snapshotHz: 20 });
        let value = 0;
        let prev = -Infinity;
        steps.forEach(({ rise, frames }, i) => {
          const tick = 3 * (i + 1);
          buf.push(tick, [(value += rise)]);
          // Render frames spread over the next interval, a delay behind the newest tick.
          for (let k = 0; k < frames; k++) {
            const v = buf.render(tick + (3 * k) / frames)?.values[0] ?? Number.NaN;
            expect(v).toBeGreaterThanOrEqual(prev);
            prev = v;
          }
        });
        // Early frames (before the first snapshot) hold it; the render tick never passes the newest one.
        expect(buf.stats.starvations).toBe(0);
      }),
    );
  });

  it("extrapolates along the last two snapshots for at most one interval when starved, then holds, and counts starvation episodes", () => {
    const buf = new SnapshotBuffer({ tickHz: 60, snapshotHz: 20, modes: ["lerp", "snap"] });
    buf.push(3, [0, 7]);
    buf.push(6, [30, 8]);
    expect(buf.sample(6)).toMatchObject({ kind: "exact", values: [30, 8] });
    expect(buf.sample(7)).toMatchObject({ kind: "extrapolated", values: [40, 8], from: 6, to: null });
    expect(buf.sample(9)).toMatchObject({ kind: "extrapolated", values: [60, 8] });
    expect(buf.sample(9.5)).toMatchObject({ kind: "held", values: [60, 8] });
    expect(buf.sample(100)).toMatchObject({ kind: "held", values: [60, 8] });
    expect(buf.stats).toMatchObject({ starvations: 1, starvedSamples: 4, extrapolatedSamples: 2, heldSamples: 2 });
    buf.push(9, [50, 9]);
    expect(buf.sample(8)).toMatchObject({ kind: "interpolated" });
    expect(buf.sample(10)).toMatchObject({ kind: "extrapolated" });
    expect(buf.stats.starvations).toBe(2);
    // One snapshot only: nothing to extrapolate from, so it is held.
    const one = new SnapshotBuffer({ tickHz: 60, snapshotHz: 20 });
    one.push(3, [5]);
    expect(one.sample(4)).toMatchObject({ kind: "held", values: [5] });
    expect(one.sample(2)).toMatchObject({ kind: "early", values: [5] });
  });

  it("applies the bound only to extrapolated values, e.g. keeping a falling runner above the ground", () => {
    const bound = runnerExtrapolationBound(1);
    const buf = new SnapshotBuffer({ tickHz: 60, snapshotHz: 20, modes: runnerFieldModes(1), bound });
    const frame = (tick: number, y: number) => [tick, 100, 1, tick, y, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    buf.push(3, frame(3, 20));
    buf.push(6, frame(6, 5));
    expect(buf.sample(9)?.values[4]).toBe(0);
    expect(buf.sample(9)?.values[3]).toBe(9);
  });

  it("renders 2.5 snapshot intervals behind by default, drops snapshots it no longer needs, and reports the depth ahead of the render tick", () => {
    const buf = new SnapshotBuffer({ tickHz: 60, snapshotHz: 20 });
    expect(buf.delayTicks).toBe(7.5);
    for (let t = 0; t <= 30; t += 3) buf.push(t, [t * 10]);
    expect(buf.render(30)).toMatchObject({ tick: 22.5, kind: "interpolated", values: [225], from: 21, to: 24 });
    // Kept: 18 (one before the pair), 21, 24, 27, 30.
    expect(buf.stats).toMatchObject({ size: 5, depth: 3, dropped: 6 });
    expect(buf.sample(19)).toMatchObject({ kind: "interpolated", values: [190] });
    expect(buf.sample(10)).toMatchObject({ kind: "early", values: [180] });
  });

  it("clears on a tick going backwards (a new round), and replaces a snapshot of the same tick", () => {
    const buf = new SnapshotBuffer({ tickHz: 60, snapshotHz: 20 });
    expect(buf.push(300, [1])).toBe("added");
    expect(buf.push(303, [2])).toBe("added");
    expect(buf.push(303, [3])).toBe("replaced");
    expect(buf.sample(303)?.values).toEqual([3]);
    expect(buf.push(3, [9])).toBe("reset");
    expect(buf.size).toBe(1);
    expect(buf.stats.resets).toBe(1);
    expect(buf.sample(3)?.values).toEqual([9]);
  });

  it("renders a real runner match's remote runners smoothly: flags and obstacles snap, x and y lerp, never starved in a steady stream", () => {
    const spec = runner.realtime!;
    let state: RunnerState = runner.create(5, { durationSeconds: 20 }, 2, 0);
    const buf = new SnapshotBuffer({ tickHz: spec.tickHz, snapshotHz: spec.snapshotHz, modes: runnerFieldModes(2), bound: runnerExtrapolationBound(2) });
    const truth = new Map<number, RunnerState>();
    let samples = 0;
    while (runner.result(state) === null) {
      const inputs: TickInput<RunnerInput>[] = [];
      for (const s of [0, 1]) {
        const input = scriptedInput(state, s);
        if (input) inputs.push({ seat: s, input });
      }
      state = spec.step(state, inputs).state;
      truth.set(state.tick, state);
      // Copied, as a client decodes its own array (the spec hands out one array, overwritten each call).
      if (state.tick % 3 === 0) buf.push(state.tick, spec.quantize(state).slice());
      // Four render frames per tick, the arrival tick being the current one.
      for (let k = 0; k < 4; k++) {
        const s = buf.render(state.tick + k / 4);
        if (s === null || s.kind === "early") continue;
        samples++;
        expect(["exact", "interpolated"]).toContain(s.kind);
        const f = decodeQuantized(s.values.map((v, i) => (runnerFieldModes(2)[i] === "snap" ? v : Math.round(v))));
        const from = decodeQuantized(spec.quantize(truth.get(s.from)!));
        // Snapped fields are those of the snapshot at or before the render tick.
        expect(f.players.map((p) => [p.standing, p.ducking, p.grounded])).toEqual(from.players.map((p) => [p.standing, p.ducking, p.grounded]));
        expect(f.obstacles).toEqual(from.obstacles);
        // Exact positions at whole ticks (x and y are truncated to 10 mu on the wire).
        if (Number.isInteger(s.tick) && truth.has(s.tick) && s.kind === "exact") {
          expect(f.players.map((p) => p.x)).toEqual(truth.get(s.tick)!.players.map((p) => Math.trunc(p.x / 10) * 10));
        }
        for (const p of f.players) expect(p.y).toBeGreaterThanOrEqual(0);
      }
    }
    expect(samples).toBeGreaterThan(1000);
    expect(buf.stats.starvations).toBe(0);
    expect(buf.stats.size).toBeLessThanOrEqual(5);
  });
});
