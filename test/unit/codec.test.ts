import fc from "fast-check";
import { pack } from "msgpackr";
import { describe, expect, it } from "vitest";
import { decodeClientFrame, decodeServerFrame, encodeFrame, ErrorCode, MAX_CLIENT_FRAME_BYTES, scanMsgpack } from "../../src/protocol";

const bytes = (...b: number[]) => new Uint8Array(b);

describe("client frame decoding", () => {
  it("decodes every valid client frame type", () => {
    const frames = [
      { t: "input", id: 1, data: { type: "dropDisc", column: 3 } },
      { t: "rematch", id: 2 },
      { t: "resign", id: 3 },
      { t: "sync", c: 1234.5 },
    ] as const;
    for (const f of frames) expect(decodeClientFrame(encodeFrame(f))).toEqual({ ok: true, value: f });
  });

  it("rejects frames over the size cap before looking at them", () => {
    const r = decodeClientFrame(new Uint8Array(MAX_CLIENT_FRAME_BYTES + 1));
    expect(r).toMatchObject({ ok: false, code: ErrorCode.FRAME_TOO_LARGE });
  });

  it("rejects text frames", () => {
    expect(decodeClientFrame("{}")).toMatchObject({ ok: false, code: ErrorCode.TEXT_NOT_ALLOWED });
  });

  it("rejects truncated, reserved and extension bytes as malformed", () => {
    for (const b of [bytes(), bytes(0xc1), bytes(0x92, 0x01), bytes(0xd4, 0x01, 0x02), bytes(0xc7, 0x01, 0x05, 0x00), bytes(0xa5, 0x61)]) {
      expect(decodeClientFrame(b)).toMatchObject({ ok: false, code: ErrorCode.MALFORMED_FRAME });
    }
  });

  it("rejects declared lengths larger than the frame without allocating them", () => {
    // array32 / map32 / str32 / bin32 claiming four billion entries in a few bytes.
    for (const b of [bytes(0xdd, 0xff, 0xff, 0xff, 0xff), bytes(0xdf, 0xff, 0xff, 0xff, 0xff), bytes(0xdb, 0xff, 0xff, 0xff, 0xff), bytes(0xc6, 0xff, 0xff, 0xff, 0xff)]) {
      expect(decodeClientFrame(b)).toMatchObject({ ok: false, code: ErrorCode.MALFORMED_FRAME });
    }
  });

  it("rejects nesting deeper than the limit", () => {
    const deep = new Uint8Array(20).fill(0x91);
    deep[19] = 0x01;
    expect(decodeClientFrame(deep)).toMatchObject({ ok: false, code: ErrorCode.MALFORMED_FRAME });
  });

  it("rejects a frame that is a run of nested array32 headers", () => {
    const hostile = new Uint8Array(1000);
    for (let i = 0; i < hostile.length; i += 5) hostile.set([0xdd, 0x00, 0x00, 0x00, 0x01], i);
    expect(decodeClientFrame(hostile)).toMatchObject({ ok: false, code: ErrorCode.MALFORMED_FRAME });
  });

  it("rejects non-string map keys and __proto__ keys", () => {
    expect(scanMsgpack(bytes(0x81, 0x01, 0x02)).ok).toBe(false);
    expect(decodeClientFrame(pack({ ["__proto__"]: 1 }))).toMatchObject({ ok: false });
    const protoKey = new Uint8Array([0x81, 0xa9, ...new TextEncoder().encode("__proto__"), 0x01]);
    expect(scanMsgpack(protoKey)).toEqual({ ok: false, reason: "forbidden map key" });
  });

  it("refuses duplicate keys, constructor/prototype keys and 64-bit integers beyond 2^53 instead of coercing them", () => {
    const enc = (t: string) => [...new TextEncoder().encode(t)];
    const key = (t: string) => [0xa0 | t.length, ...enc(t)];
    const reasons = (b: number[]) => scanMsgpack(new Uint8Array(b));
    expect(reasons([0x82, ...key("t"), 0x01, ...key("t"), 0x02])).toEqual({ ok: false, reason: "duplicate map key" });
    // The same key spelled as fixstr and as str8 is still the same key.
    expect(reasons([0x82, ...key("t"), 0x01, 0xd9, 1, ...enc("t"), 0x02])).toEqual({ ok: false, reason: "duplicate map key" });
    for (const k of ["constructor", "prototype", "__proto__"]) expect(reasons([0x81, ...key(k), 0x01])).toEqual({ ok: false, reason: "forbidden map key" });
    expect(reasons([0x81, ...key("constructors"), 0x01])).toEqual({ ok: true });
    const u64 = (hi: number, lo: number) => [0xcf, hi >>> 24, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff];
    expect(reasons(u64(0x001fffff, 0xffffffff))).toEqual({ ok: true }); // 2^53 - 1
    expect(reasons(u64(0x00200000, 0))).toEqual({ ok: false, reason: "integer beyond ±(2^53 - 1)" }); // 2^53
    expect(reasons([0xd3, 0xff, 0xe0, 0, 0, 0, 0, 0, 0])).toEqual({ ok: false, reason: "integer beyond ±(2^53 - 1)" }); // -2^53
    expect(reasons([0xd3, 0xff, 0xe0, 0, 0, 0, 0, 0, 1])).toEqual({ ok: true }); // -(2^53 - 1)
    expect(reasons([0xcf, 0, 0, 0])).toEqual({ ok: false, reason: "truncated int64" });
    // An input id beyond 2^53 is refused as malformed, not rounded into another id.
    expect(decodeClientFrame(new Uint8Array([0x83, ...key("t"), ...key("input"), ...key("id"), ...u64(0x00200000, 1), ...key("data"), 0xc0]))).toMatchObject({ ok: false, code: ErrorCode.MALFORMED_FRAME });
  });

  it("rejects well-formed msgpack that is not a valid frame, naming the field", () => {
    const cases: unknown[] = [
      42,
      { t: "nope" },
      { t: "input", id: 0, data: {} },
      { t: "input", id: -1, data: {} },
      { t: "input", id: 1.5, data: {} },
      { t: "input", id: "1", data: {} },
      { t: "sync", c: "x" },
      { t: "rematch", id: 1, extra: true },
    ];
    for (const c of cases) expect(decodeClientFrame(pack(c))).toMatchObject({ ok: false, code: ErrorCode.INVALID_FRAME });
  });

  it("rejects NaN and Infinity where numbers are expected", () => {
    expect(decodeClientFrame(pack({ t: "sync", c: Number.NaN }))).toMatchObject({ ok: false, code: ErrorCode.INVALID_FRAME });
    expect(decodeClientFrame(pack({ t: "sync", c: Number.POSITIVE_INFINITY }))).toMatchObject({ ok: false, code: ErrorCode.INVALID_FRAME });
  });

  it("reports the id of an invalid input so the client can match the error", () => {
    expect(decodeClientFrame(pack({ t: "input", id: 7 }))).toMatchObject({ ok: false, id: 7 });
  });

  it("keeps a decoded frame's values intact when later frames are decoded", () => {
    // The decoder reuses one buffer for every client frame: binary values must be copies, not views into it.
    const first = decodeClientFrame(encodeFrame({ t: "input", id: 1, data: { blob: bytes(1, 2, 3, 4), name: "first" } }));
    const later = decodeClientFrame(encodeFrame({ t: "input", id: 2, data: { blob: bytes(9, 9, 9, 9), name: "later" } }));
    expect(later.ok).toBe(true);
    expect(first).toEqual({ ok: true, value: { t: "input", id: 1, data: { blob: bytes(1, 2, 3, 4), name: "first" } } });
  });

  it("decodes a frame after a longer one as itself alone", () => {
    const long = decodeClientFrame(encodeFrame({ t: "input", id: 7, data: { a: "x".repeat(200), b: "y".repeat(200), n: [1, 2, 3] } }));
    expect(long.ok).toBe(true);
    expect(decodeClientFrame(encodeFrame({ t: "sync", c: 5 }))).toEqual({ ok: true, value: { t: "sync", c: 5 } });
    expect(decodeClientFrame(bytes(0x92, 0x01))).toMatchObject({ ok: false, code: ErrorCode.MALFORMED_FRAME });
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1200 }), (b) => {
        const r = decodeClientFrame(b);
        expect(typeof r.ok).toBe("boolean");
      }),
      { numRuns: 3000 },
    );
  });

  it("never throws on mutations of valid frames", () => {
    const valid = encodeFrame({ t: "input", id: 12, data: { type: "dropDisc", column: 3 } });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), (edits) => {
        const b = valid.slice();
        for (const [i, v] of edits) b[i] = v;
        expect(typeof decodeClientFrame(b).ok).toBe("boolean");
      }),
      { numRuns: 3000 },
    );
  });
});

describe("server frame decoding", () => {
  it("round-trips an ack and an error frame", () => {
    const ack = { t: "ack", id: 3, seq: 9, dup: false } as const;
    expect(decodeServerFrame(encodeFrame(ack))).toEqual({ ok: true, value: ack });
    const err = { t: "error", code: "RATE_LIMITED", message: "slow down", id: null } as const;
    expect(decodeServerFrame(encodeFrame(err))).toEqual({ ok: true, value: err });
  });

  it("encodes plain msgpack maps that any msgpack library can read", () => {
    const b = encodeFrame({ t: "ack", id: 1, seq: null, dup: true });
    expect(b[0]).toBe(0x84); // fixmap of 4 entries, no msgpackr record extension
  });
});
