import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeFrame, type ServerFrame } from "../../src/protocol";
import { encodeFrameToSend } from "../../src/protocol/codec";
import { encodeAck } from "../../src/protocol/ack-codec";

type Ack = Extract<ServerFrame, { t: "ack" }>;

const int = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 0x1_0000_0000 + 5 }), fc.integer({ min: -70_000, max: -1 }), fc.maxSafeInteger());

describe("the hand-written ack encoding", () => {
  it("writes every ack byte for byte as the msgpack encoder does", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.option(int), fc.option(int), fc.boolean(), (id, seq, tick, dup) => {
        const frame: Ack = tick === null ? { t: "ack", id, seq, dup } : { t: "ack", id, seq, tick, dup };
        expect(Array.from(encodeFrameToSend(frame))).toEqual(Array.from(encodeFrame(frame)));
      }),
      { numRuns: 2000 },
    );
  });

  it("writes the acks a room sends without msgpackr, at every integer width", () => {
    for (const id of [1, 127, 128, 255, 256, 65_535, 65_536, 0xffff_ffff]) {
      for (const frame of [{ t: "ack", id, seq: null, tick: id, dup: false }, { t: "ack", id, seq: id, dup: true }] satisfies Ack[]) {
        const mine = encodeAck(frame);
        expect(mine).not.toBeNull();
        expect(Array.from(mine ?? [])).toEqual(Array.from(encodeFrame(frame)));
      }
    }
  });

  it("leaves acks in another key order, with extra or undefined keys, to msgpackr", () => {
    const reordered: Ack = { id: 3, t: "ack", seq: null, dup: false };
    const undefinedTick: Ack = { t: "ack", id: 3, seq: null, tick: undefined, dup: false };
    const extra = { t: "ack", id: 3, seq: null, dup: false, note: "x" } as const;
    for (const frame of [reordered, undefinedTick, extra]) {
      expect(encodeAck(frame)).toBeNull();
      expect(Array.from(encodeFrameToSend(frame))).toEqual(Array.from(encodeFrame(frame)));
    }
  });
});
