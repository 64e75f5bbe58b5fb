import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SnapshotStream, type SnapLike, type SnapOutcome } from "../../src/client/realtime";
import { runner, scriptedInput, type RunnerInput, type RunnerState } from "../../src/games/runner";
import type { TickInput } from "../../src/games/types";
import { decodeSnapFrame, encodeDeltaBody, encodeKeyBody, encodeSnapFrame } from "../../src/protocol/snap-codec";

const spec = runner.realtime!;
const every = spec.tickHz / spec.snapshotHz;

/** Run a runner match with scripted players; the quantised array at every snapshot boundary (copied: the spec reuses its array). */
function simulateMatch(seed: number, seats: number, durationSeconds: number, noise: readonly number[] = []): { tick: number; q: number[] }[] {
  let state: RunnerState = runner.create(seed, { durationSeconds }, seats, 0);
  const out: { tick: number; q: number[] }[] = [{ tick: 0, q: spec.quantize(state).slice() }];
  let n = 0;
  while (runner.result(state) === null) {
    const inputs: TickInput<RunnerInput>[] = [];
    for (let s = 0; s < seats; s++) {
      const input = scriptedInput(state, s);
      if (input) inputs.push({ seat: s, input });
      // Extra presses so runners also get knocked out at varied times.
      const r = noise[n++ % Math.max(1, noise.length)] ?? 0;
      if (r === 1) inputs.push({ seat: s, input: { tick: state.tick, jump: true } });
      if (r === 2) inputs.push({ seat: s, input: { tick: state.tick, duck: true } });
      if (r === 3) inputs.push({ seat: s, input: { tick: state.tick, duck: false } });
    }
    state = spec.step(state, inputs).state;
    if (spec.tick(state) % every === 0 || runner.result(state) !== null) out.push({ tick: spec.tick(state), q: spec.quantize(state).slice() });
  }
  return out;
}

/**
 * What the room sends one connection, through the real binary codec: a keyframe first (and after
 * every reconnect), then deltas against the last three arrays sent; `ack` is `i` (so always present).
 */
function framesFor(snaps: readonly { tick: number; q: number[] }[], reconnectAt: ReadonlySet<number>): { frame: SnapLike & { ack: number }; reconnect: boolean }[] {
  let last: number[] | null = null;
  let prev: number[] | null = null;
  let older: number[] | null = null;
  return snaps.map(({ tick, q }, i) => {
    const reconnect = reconnectAt.has(i);
    if (reconnect) last = null;
    const key = last === null || last.length !== q.length;
    const body = key ? encodeKeyBody(tick, q) : encodeDeltaBody(tick, older ?? q, prev ?? q, last ?? q, q);
    const decoded = decodeSnapFrame(encodeSnapFrame(key, { ack: i, durable: null }, body));
    if (!decoded.ok) throw new Error(decoded.message);
    older = key ? q : prev;
    prev = key ? q : last;
    last = q;
    return { frame: { ...decoded.value, ack: i }, reconnect };
  });
}

describe("client snapshot stream", () => {
  it("rebuilds exactly the room's quantised arrays of a simulated runner match from a keyframe and deltas, across reconnects", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 50 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 4 }),
        (seed, seats, noise, reconnects) => {
          const snaps = simulateMatch(seed, seats, 12, noise);
          const stream = new SnapshotStream();
          for (const [i, { frame, reconnect }] of framesFor(snaps, new Set(reconnects)).entries()) {
            if (reconnect) stream.reset();
            const out = stream.apply(frame);
            expect(out.kind).toBe("applied");
            expect(stream.values).toEqual(snaps[i]?.q);
            expect(stream.tick).toBe(frame.tick);
            expect(stream.ack).toBe(frame.ack);
          }
          // Every array along the way matched; the last one is the final state's.
          expect(stream.values).toEqual(snaps.at(-1)?.q);
          expect(stream.stats.ignored).toBe(0);
          expect(stream.stats.keyframes).toBe(1 + reconnects.filter((i) => i < snaps.length && i > 0).length);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("returns a fresh array per frame, so a buffered snapshot is never changed by a later delta", () => {
    const snaps = simulateMatch(7, 2, 10);
    const stream = new SnapshotStream();
    const kept: (readonly number[])[] = [];
    for (const { frame } of framesFor(snaps, new Set())) {
      const out = stream.apply(frame);
      if (out.kind === "applied") kept.push(out.values);
    }
    expect(kept).toEqual(snaps.map((s) => s.q));
  });

  it("ignores deltas that arrive without a baseline, reports each, keeps their ack, and recovers at the next keyframe", () => {
    const snaps = simulateMatch(99, 3, 10);
    const frames = framesFor(snaps, new Set([40]));
    const reported: SnapOutcome[] = [];
    const stream = new SnapshotStream({ onIgnored: (o) => reported.push(o) });
    // The client missed the first keyframe (it joined the stream late): deltas 1..39 have no baseline.
    for (const { frame } of frames.slice(1, 40)) {
      const out = stream.apply(frame);
      expect(out).toEqual({ kind: "ignored", reason: "no-baseline", tick: frame.tick, ack: frame.ack });
      expect(stream.awaitingKeyframe).toBe(true);
      expect(stream.values).toBeNull();
      expect(stream.ack).toBe(frame.ack);
    }
    expect(reported).toHaveLength(39);
    for (const { frame } of frames.slice(40)) expect(stream.apply(frame).kind).toBe("applied");
    expect(stream.values).toEqual(snaps.at(-1)?.q);
    expect(stream.stats).toEqual({ keyframes: 1, deltas: frames.length - 41, ignored: 39, rewinds: 0 });
  });

  it("drops the baseline on a corrupt delta (index outside the array, or an odd pair list) and waits for a keyframe", () => {
    const stream = new SnapshotStream();
    stream.apply({ tick: 3, ack: 0, key: true, d: [3, 100, 1, 5, 6, 7] });
    expect(stream.apply({ tick: 6, ack: 0, key: false, d: [6, 1] })).toMatchObject({ kind: "ignored", reason: "bad-delta" });
    expect(stream.awaitingKeyframe).toBe(true);
    expect(stream.apply({ tick: 9, ack: 0, key: false, d: [0, 9] })).toMatchObject({ kind: "ignored", reason: "no-baseline" });
    stream.apply({ tick: 12, ack: 1, key: true, d: [12, 100, 1, 5, 6, 7] });
    expect(stream.apply({ tick: 15, ack: 1, key: false, d: [0, 15, 3] })).toMatchObject({ kind: "ignored", reason: "bad-delta" });
    expect(stream.stats.ignored).toBe(3);
  });

  it("applies a delta whose tick goes backwards (a rematch keeps the same array length, so the room sends a delta) and reports the new round", () => {
    const first = simulateMatch(1, 2, 10);
    const second = simulateMatch(2, 2, 10);
    const stream = new SnapshotStream();
    const all = [...first, ...second];
    const frames = framesFor(all, new Set());
    let rewinds = 0;
    for (const { frame } of frames) {
      const out = stream.apply(frame);
      if (out.kind === "applied" && out.rewound) rewinds++;
    }
    expect(frames[first.length]?.frame.key).toBe(false);
    expect(rewinds).toBe(1);
    expect(stream.values).toEqual(second.at(-1)?.q);
  });
});
