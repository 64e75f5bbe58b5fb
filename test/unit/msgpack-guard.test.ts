import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DECODE_LIMITS } from "../../src/protocol/limits";
import { scanMsgpack, type DecodeLimits } from "../../src/protocol/msgpack-guard";
import { referenceScan } from "../support/msgpack-guard-reference";

/** The limits the client uses for server frames (codec.ts): maps beyond the pairwise duplicate check. */
const SERVER_LIMITS: DecodeLimits = { maxDepth: 16, maxContainerLength: 65536, maxStringBytes: 65536, maxValues: 1 << 20 };

const KEYS = ["t", "id", "data", "a", "b", "__proto__", "constructor", "prototype", "constructo", "__proto_", "x".repeat(20)];

/** msgpack bytes of a random value, with the spellings a hostile client could pick (str8 keys, int64 edges, duplicates). */
function randomValue(rand: () => number, out: number[], depth: number): void {
  const pick = (n: number) => Math.floor(rand() * n);
  const str = (s: string, wide: boolean) => {
    const b = [...s].map((c) => c.charCodeAt(0));
    if (wide || b.length > 31) out.push(0xd9, b.length, ...b);
    else out.push(0xa0 | b.length, ...b);
  };
  const kind = depth > 4 ? pick(6) : pick(10);
  switch (kind) {
    case 0:
      out.push(pick(0x80));
      return;
    case 1:
      out.push([0xc0, 0xc2, 0xc3, 0xc1, 0xd4][pick(5)] as number);
      return;
    case 2:
      str(KEYS[pick(KEYS.length)] as string, rand() < 0.3);
      return;
    case 3: {
      // int64 around ±2^53: the edges the guard must tell apart.
      const hi = [0, 0x1fffff, 0x200000, 0xffe00000, 0xffdfffff, 0xffffffff, 0x7fffffff, 0x80000000][pick(8)] as number;
      const lo = [0, 1, 0xffffffff, 0x80000000][pick(4)] as number;
      out.push(rand() < 0.5 ? 0xcf : 0xd3, hi >>> 24, (hi >>> 16) & 255, (hi >>> 8) & 255, hi & 255, lo >>> 24, (lo >>> 16) & 255, (lo >>> 8) & 255, lo & 255);
      return;
    }
    case 4:
      out.push([0xcc, 0xcd, 0xce, 0xca, 0xcb][pick(5)] as number, ...Array.from({ length: pick(9) }, () => pick(256)));
      return;
    case 5:
      out.push(0xc4, pick(4), ...Array.from({ length: pick(4) }, () => pick(256)));
      return;
    case 6:
    case 7: {
      const n = pick(5);
      out.push(0x90 | n);
      for (let i = 0; i < n; i++) randomValue(rand, out, depth + 1);
      return;
    }
    default: {
      const n = pick(6);
      out.push(0x80 | n);
      for (let i = 0; i < n; i++) {
        if (rand() < 0.05) out.push(0x01);
        else str(KEYS[pick(KEYS.length)] as string, rand() < 0.3);
        randomValue(rand, out, depth + 1);
      }
    }
  }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("the allocation-free msgpack guard", () => {
  it("gives the same verdict and reason as the previous, allocating guard on generated and mutated frames", () => {
    let rejected = 0;
    let accepted = 0;
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), fc.nat(3), (seed, edits, cut) => {
        const out: number[] = [];
        randomValue(mulberry32(seed), out, 0);
        for (const [i, v] of edits) if (i < out.length) out[i] = v;
        const bytes = new Uint8Array(cut === 0 ? out.slice(0, Math.max(0, out.length - 1)) : out);
        for (const limits of [DECODE_LIMITS, SERVER_LIMITS]) {
          const got = scanMsgpack(bytes, limits);
          expect(got).toEqual(referenceScan(bytes, limits));
          if (got.ok) accepted += 1;
          else rejected += 1;
        }
      }),
      { numRuns: 20_000 },
    );
    // Both verdicts were exercised, not just one.
    expect(accepted).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(1000);
  });

  it("finds duplicate keys in maps too large for the pairwise check, and in nested maps", () => {
    const key = (s: string) => [0xa0 | s.length, ...[...s].map((c) => c.charCodeAt(0))];
    const bigMap = (dup: boolean) => {
      const entries: number[] = [];
      for (let i = 0; i < 100; i++) entries.push(...key(`k${dup && i === 99 ? 5 : i}`), 0x01);
      return new Uint8Array([0xde, 0, 100, ...entries]);
    };
    expect(scanMsgpack(bigMap(false), SERVER_LIMITS)).toEqual({ ok: true });
    expect(scanMsgpack(bigMap(true), SERVER_LIMITS)).toEqual({ ok: false, reason: "duplicate map key" });
    // Same key in a map and in the map nested in it: not a duplicate; twice in the inner map: one.
    expect(scanMsgpack(new Uint8Array([0x82, ...key("a"), 0x81, ...key("a"), 0x01, ...key("b"), 0x02]))).toEqual({ ok: true });
    expect(scanMsgpack(new Uint8Array([0x82, ...key("a"), 0x82, ...key("b"), 0x01, ...key("b"), 0x02, ...key("c"), 0x02]))).toEqual({ ok: false, reason: "duplicate map key" });
    // After the nested map ends, its keys no longer count against the outer map's.
    expect(scanMsgpack(new Uint8Array([0x82, ...key("a"), 0x81, ...key("b"), 0x01, ...key("b"), 0x02]))).toEqual({ ok: true });
  });
});
