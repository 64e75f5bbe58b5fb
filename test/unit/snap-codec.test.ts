/** The binary `snap` frame (docs/protocol.md §14.2): round trips, keyframes and deltas, entities, joins mid-race, malformed bytes. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SnapshotStream } from "../../src/client/realtime";
import { decodeQuantized, quantizedLength, type RunnerState } from "../../src/games/runner";
import {
  decodeServerFrame,
  decodeSnapFrame,
  encodeDeltaBody,
  encodeKeyBody,
  encodeSnapFrame,
  applySnapDelta,
  SNAP_TAG,
  type ServerFrame,
} from "../../src/protocol";
import { RoomStepper } from "../support/room-stepper";
import { scriptedRace } from "../support/scripted-race";

/** Quantised values are integers within ±2^50 (docs/protocol.md §14.2), so every residual's zigzag stays a safe integer. */
const LIMIT = 2 ** 50;
const values = fc.array(fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(LIMIT, -LIMIT), fc.integer({ min: -LIMIT, max: LIMIT })), { maxLength: 60 });
const header = fc.record({ ack: fc.option(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), durable: fc.option(fc.integer({ min: 0, max: 2 ** 31 })) });

describe("binary snap frames", () => {
  it("round-trips a keyframe: header fields, tick and every value, whatever their size and sign", () => {
    fc.assert(
      fc.property(values, header, fc.nat(), (q, h, tick) => {
        const decoded = decodeServerFrame(encodeSnapFrame(true, h, encodeKeyBody(tick, q)));
        expect(decoded).toEqual({ ok: true, value: { t: "snap", tick, ack: h.ack, ...(h.durable === null ? {} : { dur: h.durable }), key: true, d: q } });
      }),
    );
  });

  it("round-trips a delta: applied to the receiver's last three arrays it gives exactly the next one", () => {
    const four = fc.integer({ min: 0, max: 40 }).chain((n) => fc.tuple(...[0, 1, 2, 3].map(() => fc.array(fc.integer({ min: -LIMIT, max: LIMIT }), { minLength: n, maxLength: n }))));
    fc.assert(
      fc.property(four, header, fc.nat(), ([older, prev, base, next], h, tick) => {
        const decoded = decodeSnapFrame(encodeSnapFrame(false, h, encodeDeltaBody(tick, older!, prev!, base!, next!)));
        if (!decoded.ok) throw new Error(decoded.message);
        expect(decoded.value).toMatchObject({ tick, key: false, ack: h.ack, ...(h.durable === null ? {} : { dur: h.durable }) });
        if (h.durable === null && decoded.ok) expect("dur" in decoded.value).toBe(false);
        expect(applySnapDelta(older!, prev!, base!, decoded.value.d)).toEqual(next);
      }),
    );
  });

  it("sends nothing but the header and tick for values that move steadily or stand still", () => {
    const older = [70, 7, 0];
    const prev = [100, 7, 0];
    const base = [130, 7, 0];
    const next = [160, 7, 0];
    const frame = encodeSnapFrame(false, { ack: null, durable: null }, encodeDeltaBody(300, older, prev, base, next));
    // tag, flags, tick 300 as a 2-byte varint: nothing else.
    expect(Array.from(frame)).toEqual([SNAP_TAG, 0, 0xac, 0x02]);
  });

  it("sends a value that jumps once (an entity appearing, a flag) once, and nothing while it then holds", () => {
    const arrays = [[0], [0], [0], [5], [5], [5]];
    const sent: number[][] = [];
    for (let i = 3; i < arrays.length; i++) {
      const decoded = decodeSnapFrame(encodeSnapFrame(false, { ack: null, durable: null }, encodeDeltaBody(i, arrays[i - 3]!, arrays[i - 2]!, arrays[i - 1]!, arrays[i]!)));
      if (!decoded.ok) throw new Error(decoded.message);
      sent.push(decoded.value.d);
    }
    expect(sent).toEqual([[0, 5], [], []]);
  });

  it("decodes the documented example bytes", () => {
    // Keyframe, ack 17, tick 240, three values 5, -1, 300.
    const bytes = Uint8Array.from([0xc1, 0x03, 17, 0xf0, 0x01, 3, 10, 1, 0xd8, 0x04]);
    expect(decodeServerFrame(bytes)).toEqual({ ok: true, value: { t: "snap", tick: 240, ack: 17, key: true, d: [5, -1, 300] } });
    // Delta, no header fields, tick 243: index 0 residual +2, index 3 residual -1.
    const delta = Uint8Array.from([0xc1, 0x00, 0xf3, 0x01, 0, 4, 2, 1]);
    expect(decodeServerFrame(delta)).toEqual({ ok: true, value: { t: "snap", tick: 243, ack: null, key: false, d: [0, 2, 3, -1] } });
  });

  it("returns an error result for malformed snapshot bytes and never throws", () => {
    const bad: [string, number[]][] = [
      ["too short", [0xc1, 0x00]],
      ["unknown flag bits", [0xc1, 0x08, 0x01]],
      ["truncated ack", [0xc1, 0x02]],
      ["truncated tick", [0xc1, 0x00, 0x80]],
      ["varint longer than 8 bytes", [0xc1, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]],
      ["keyframe shorter than its length", [0xc1, 0x01, 0x05, 0x03, 0x02]],
      ["bytes after a keyframe", [0xc1, 0x01, 0x05, 0x01, 0x02, 0x07]],
      ["keyframe length over the limit", [0xc1, 0x01, 0x05, 0x81, 0x80, 0x04]],
      ["delta pair cut in half", [0xc1, 0x00, 0x05, 0x01]],
      ["delta index out of range", [0xc1, 0x00, 0x05, 0x81, 0x80, 0x04, 0x02]],
    ];
    for (const [why, bytes] of bad) {
      const out = decodeServerFrame(Uint8Array.from(bytes));
      expect(out.ok, why).toBe(false);
      if (!out.ok) expect(out.code, why).toBe("MALFORMED_FRAME");
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (tail) => {
        const out = decodeServerFrame(Uint8Array.from([SNAP_TAG, ...tail]));
        expect(typeof out.ok).toBe("boolean");
      }),
      { numRuns: 2000 },
    );
  });
});

describe("snapshots in a runner room", () => {
  const snapsOf = (r: RoomStepper, conn: string) => r.frames(conn).filter((f): f is Extract<ServerFrame, { t: "snap" }> => f.t === "snap");

  it("sends one shared frame (the same bytes) to every connection at a tick where no ack changed", () => {
    const r = new RoomStepper({ game: "runner", seats: 4, options: { durationSeconds: 10 } });
    const byTick = new Map<number, Uint8Array[]>();
    r.tap((out) => {
      if (out.kind === "frame" && out.frame.t === "snap") byTick.set(out.frame.tick, [...(byTick.get(out.frame.tick) ?? []), out.bytes]);
    });
    for (let i = 0; i < 4; i++) r.connect(`c${i}`, `p${i}`);
    r.advance(2_000);
    const later = [...byTick.entries()].filter(([tick]) => tick > 12);
    expect(later.length).toBeGreaterThan(30);
    for (const [, frames] of later) {
      expect(frames).toHaveLength(4);
      for (const f of frames) expect(f).toBe(frames[0]);
    }
  });

  it("gives a client joining mid-race a keyframe, then deltas that rebuild the same arrays as everyone else's", () => {
    const r = new RoomStepper({ game: "runner", seats: 2, options: { durationSeconds: 12 } });
    r.connect("c0", "p0");
    r.connect("c1", "p1");
    r.advance(4_000);
    // Player 1 comes back on a new connection (a reload): it replaces c1 and starts from a keyframe.
    r.connect("w", "p1");
    r.advance(600);
    expect(r.core.record.status).toBe("playing");
    const late = snapsOf(r, "w");
    expect(late[0]?.key).toBe(true);
    expect(late[0]?.tick).toBeGreaterThan(230);
    expect(late.slice(1).every((f) => !f.key)).toBe(true);
    const a = new SnapshotStream();
    const b = new SnapshotStream();
    for (const f of snapsOf(r, "c0")) a.apply(f);
    for (const f of late) b.apply(f);
    expect(b.values).toEqual(a.values);
    expect(b.values).toEqual(r.core.game.realtime?.quantize(r.core.record.game));
  });

  it("sends an obstacle once when it appears and once when it is passed, never again because another one moved", () => {
    const frames: Extract<ServerFrame, { t: "snap" }>[] = [];
    const { room: r } = scriptedRace(2, 40, 5, (out) => {
      if (out.kind === "frame" && out.conn === "c0" && out.frame.t === "snap") frames.push(out.frame);
    });
    const stream = new SnapshotStream();
    const obstacleStart = quantizedLength(2) - 10;
    let appeared = 0;
    let passed = 0;
    for (const f of frames) {
      const before = stream.values;
      stream.apply(f);
      const after = stream.values;
      if (!before || !after || f.key) continue;
      for (let k = 0; k < 5; k++) {
        const [kind0, x0, kind1, x1] = [before[obstacleStart + 2 * k], before[obstacleStart + 2 * k + 1], after[obstacleStart + 2 * k], after[obstacleStart + 2 * k + 1]];
        if (kind0 === kind1 && x0 === x1) continue;
        // A slot only ever fills (an obstacle appears) or empties (it was passed): an obstacle is never moved to another slot.
        expect(kind0 === 0 || kind1 === 0).toBe(true);
        if (kind0 === 0) appeared++;
        else passed++;
      }
    }
    const state = r.core.record.game as RunnerState;
    expect(decodeQuantized(stream.values ?? []).obstacles).toEqual(state.obstacles.map((o) => ({ kind: o.kind, x: Math.trunc(o.x / 10) * 10 })));
    // About one obstacle a second over a 37 s race.
    expect(appeared).toBeGreaterThan(20);
    expect(passed).toBeGreaterThan(20);
  });
});
