/**
 * Applied real-time inputs wait in the deferred log as a shared shape and a few numbers when they are
 * flat (issue 12: one object per waiting input). What leaves the log must be the input it was given:
 * same keys in the same order, same values, packed and serialised to the same bytes; anything the
 * numbers cannot hold exactly stays the object it is.
 */
import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import { DeferredLog } from "../../src/room/core/deferred-log";
import { flatten } from "../../src/room/core/flat-input";
import { RoomStepper } from "../support/room-stepper";

// As the room host's storage packs the record and the action batches (src/room/host/storage.ts).
const packr = new Packr({ useRecords: false, encodeUndefinedAsNil: true, moreTypes: false });

function roundTrip(data: unknown): unknown {
  const vals = [7, 7];
  const shape = flatten(data, vals, 2);
  if (shape === null) return null;
  return shape.build(vals, 2);
}

describe("flat waiting inputs", () => {
  it("rebuilds a flat input of small integers and booleans with the same keys in the same order and the same values", () => {
    const inputs: unknown[] = [{ tick: 3510, jump: true, duck: false }, { tick: 3581, duck: true }, { tick: 0 }, {}, { b: -1, a: 0x3fffffff, 2: false, 1: -0x40000000 }, JSON.parse('{"z":1,"y":true}')];
    for (const input of inputs) {
      const back = roundTrip(input);
      expect(back).not.toBeNull();
      expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
      expect(JSON.stringify(back)).toBe(JSON.stringify(input));
      expect(packr.pack(back)).toEqual(packr.pack(input));
    }
  });

  it("copies only an input's own keys, whatever another script added to every object", () => {
    let keys: string[] = [];
    Object.defineProperty(Object.prototype, "polluted", { value: 1, enumerable: true, configurable: true, writable: true });
    try {
      keys = Object.keys(roundTrip({ tick: 4, jump: true }) ?? {});
    } finally {
      Reflect.deleteProperty(Object.prototype, "polluted");
    }
    expect(keys).toEqual(["tick", "jump"]);
  });

  it("keeps as they are the inputs the numbers cannot hold exactly, and writes none of their values", () => {
    class Input {
      tick = 1;
    }
    const inputs: unknown[] = [
      { tick: 1, where: { lane: 2 } },
      { tick: 1, say: "hi" },
      { tick: 1.5 },
      { tick: -0 },
      { tick: 0x40000000 },
      { tick: -0x40000001 },
      { tick: null },
      { tick: undefined },
      [1, 2],
      new Input(),
      Object.assign(Object.create(null), { tick: 1 }),
      JSON.parse('{"__proto__":1}'),
      7,
      null,
    ];
    for (const input of inputs) {
      const vals = [7, 7];
      expect(flatten(input, vals, 2)).toBeNull();
      expect(vals).toEqual([7, 7]);
    }
  });

  it("keeps as they are, writing nothing, flat inputs of more shapes than the isolate remembers", () => {
    const kept: unknown[] = [];
    for (let k = 0; k < 64; k++) {
      const vals = [7, 7];
      const input = { [`key${k}`]: k };
      if (flatten(input, vals, 2) === null) {
        kept.push(input);
        expect(vals).toEqual([7, 7]);
      }
    }
    expect(kept.length).toBeGreaterThan(0);
    // A shape remembered before the limit was reached is still flattened.
    expect(roundTrip({ tick: 3510, jump: true, duck: false })).toEqual({ tick: 3510, jump: true, duck: false });
  });

  it("hands the waiting inputs out oldest first as the inputs it was given, flat or not, drain after drain", () => {
    const r = new RoomStepper({ game: "runner", seats: 2, options: { durationSeconds: 20 } });
    const record = r.core.record;
    const log = new DeferredLog(record);
    const given: unknown[][] = [
      [{ tick: 5, jump: true }, { tick: 6, say: "x" }, { tick: 7, duck: true, jump: false }, { tick: 8 }],
      [{ tick: 9, duck: false }, [3], { tick: 10, jump: true }],
    ];
    for (const batch of given) {
      batch.forEach((data, i) => log.addInput(record, 1, i % 2, i + 1, data, 1_700_000_000_000 + i, 100 + i));
      const out = log.takeAll(record);
      expect(out.map((e) => (e.kind === "input" ? e.data : null))).toEqual(batch);
      expect(packr.pack(out.map((e) => (e.kind === "input" ? e.data : null)))).toEqual(packr.pack(batch));
    }
  });
});
