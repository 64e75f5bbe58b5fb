/** The hand-written client-frame check (no zod per frame) gives the zod ClientFrame schema's verdict on every frame. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Packr } from "msgpackr";
import { ClientFrame, decodeClientFrame, encodeFrame, MAX_INPUT_ID } from "../../src/protocol";
import { checkClientFrame } from "../../src/protocol/client-frame-check";

const num = fc.oneof(fc.integer({ min: -3, max: 5 }), fc.double(), fc.constantFrom(0, 1, 1.5, MAX_INPUT_ID, MAX_INPUT_ID + 1, Infinity, -Infinity, Number.NaN, 2 ** 60));
const value = fc.oneof(num, fc.string({ maxLength: 4 }), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }));
const frame = fc.record(
  {
    t: fc.oneof(fc.constantFrom("input", "rematch", "resign", "sync", "ackCritical", "snap", "toString", "__proto__"), value),
    id: value,
    data: value,
    c: value,
    seq: value,
    extra: value,
  },
  { requiredKeys: [] },
);

describe("client frame check", () => {
  it("accepts exactly what the zod ClientFrame schema accepts, with the same value", () => {
    fc.assert(
      fc.property(fc.oneof(frame, value), (raw) => {
        const zod = ClientFrame.safeParse(raw);
        const hand = checkClientFrame(raw);
        expect(hand.ok).toBe(zod.success);
        if (hand.ok && zod.success) expect(hand.value).toEqual(zod.data);
      }),
      { numRuns: 20_000 },
    );
  });

  it("answers a bad frame INVALID_FRAME naming the field at fault, with the frame's id when it has one", () => {
    const out = decodeClientFrame(new Packr({ useRecords: false }).pack({ t: "rematch", id: 4, extra: 1 }));
    expect(out).toEqual({ ok: false, code: "INVALID_FRAME", message: "Frame is not valid at extra: unrecognized key.", id: 4 });
    expect(decodeClientFrame(encodeFrame({ t: "input", id: 3, data: { tick: 1 } }))).toEqual({ ok: true, value: { t: "input", id: 3, data: { tick: 1 } } });
  });
});
