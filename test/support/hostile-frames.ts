/**
 * A seeded corpus of hostile client frames: every msgpack type byte, length edges of every sized
 * type, nesting around the depth limit, duplicate keys, prototype keys, 64-bit integers around
 * 2^53, oversized frames, text frames and random bytes. `mustRefuse` marks the frames that are
 * hostile by construction (random bytes may happen to be a harmless value).
 */
import { Rng } from "../../src/games/rng";

export interface HostileFrame {
  readonly data: Uint8Array | string;
  readonly kind: string;
  readonly mustRefuse: boolean;
}

const enc = (t: string) => [...new TextEncoder().encode(t)];
const str = (t: string) => [0xa0 | t.length, ...enc(t)];
const u32 = (n: number) => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const u16 = (n: number) => [(n >>> 8) & 0xff, n & 0xff];


function structured(): HostileFrame[] {
  const out: HostileFrame[] = [];
  const add = (kind: string, bytes: number[]) => out.push({ kind, data: new Uint8Array(bytes), mustRefuse: true });
  // Declared lengths at and past the edges, with too few bytes behind them.
  for (const [kind, head] of [["str16", [0xda]], ["bin16", [0xc5]], ["array16", [0xdc]], ["map16", [0xde]]] as const) {
    for (const n of [1, 64, 65, 256, 257, 0xffff]) add(`${kind} len ${n}`, [...head, ...u16(n)]);
  }
  for (const [kind, head] of [["str32", [0xdb]], ["bin32", [0xc6]], ["array32", [0xdd]], ["map32", [0xdf]]] as const) {
    for (const n of [1, 65, 257, 0x7fffffff, 0xffffffff]) add(`${kind} len ${n}`, [...head, ...u32(n)]);
  }
  for (const n of [1, 31, 255]) add(`str8 len ${n} truncated`, [0xd9, n]);
  for (const n of [257, 300]) add(`str16 of ${n} bytes`, [0xda, ...u16(n), ...new Array<number>(n).fill(0x61)]);
  add("array of 65", [0xdc, ...u16(65), ...new Array<number>(65).fill(0)]);
  add("map of 65", [0xde, ...u16(65), ...Array.from({ length: 65 }, (_, i) => [...str(`k${i}`), 0]).flat()]);
  // Nesting at and beyond the depth limit (8), as arrays and as maps.
  for (const depth of [9, 10, 40]) {
    add(`array depth ${depth}`, [...new Array<number>(depth).fill(0x91), 0x00]);
    add(`map depth ${depth}`, [...Array.from({ length: depth }, () => [0x81, ...str("a")]).flat(), 0x00]);
  }
  // Every extension type and the never-used byte.
  for (const b of [0xc1, 0xc7, 0xc8, 0xc9, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8]) add(`type 0x${b.toString(16)}`, [b, 0x01, 0x00, 0x00, 0x00, 0x00]);
  // Duplicate keys, in a valid frame's shape and nested in its data.
  add("duplicate t", [0x83, ...str("t"), ...str("input"), ...str("t"), ...str("sync"), ...str("c"), 0x01]);
  add("duplicate id (str8 spelling)", [0x84, ...str("t"), ...str("input"), ...str("id"), 0x01, 0xd9, 2, ...enc("id"), 0x02, ...str("data"), 0xc0]);
  add("duplicate key in data", [0x83, ...str("t"), ...str("input"), ...str("id"), 0x01, ...str("data"), 0x82, ...str("column"), 0x01, ...str("column"), 0x02]);
  // Prototype keys at the top and inside data.
  for (const k of ["__proto__", "constructor", "prototype"]) {
    add(`${k} at top`, [0x82, ...str("t"), ...str("sync"), ...str(k), 0x01]);
    add(`${k} in data`, [0x83, ...str("t"), ...str("input"), ...str("id"), 0x01, ...str("data"), 0x81, ...str(k), 0x80]);
  }
  // Input ids around 2^53 and negative extremes, as uint64 and int64.
  for (const [hi, lo] of [[0x00200000, 0], [0x00200000, 1], [0xffffffff, 0xffffffff]]) add(`uint64 id ${hi}:${lo}`, [0x83, ...str("t"), ...str("input"), ...str("id"), 0xcf, ...u32(hi!), ...u32(lo!), ...str("data"), 0xc0]);
  add("int64 id -2^53", [0x83, ...str("t"), ...str("input"), ...str("id"), 0xd3, 0xff, 0xe0, 0, 0, 0, 0, 0, 0, ...str("data"), 0xc0]);
  // Floats that are not integers, NaN and infinities as ids.
  for (const f of [[0x7f, 0xf8, 0, 0, 0, 0, 0, 0], [0x7f, 0xf0, 0, 0, 0, 0, 0, 0], [0x3f, 0xf8, 0, 0, 0, 0, 0, 0]]) add("float id", [0x83, ...str("t"), ...str("input"), ...str("id"), 0xcb, ...f, ...str("data"), 0xc0]);
  // Trailing bytes, empty frame, a lone map header.
  add("trailing byte", [0x81, ...str("t"), ...str("sync"), 0x00]);
  add("empty", []);
  add("lone map header", [0x81]);

  return out;
}

/** `count` frames: the structured set over and over, interleaved with type-byte sweeps and random bytes. */
export function hostileFrames(seed: number, count: number): HostileFrame[] {
  const rng = new Rng(seed);
  const fixed = structured();
  const out: HostileFrame[] = [];
  for (let i = 0; out.length < count; i++) {
    const pick = i % 4;
    if (pick === 0 || pick === 1) {
      out.push(fixed[i % fixed.length]!);
    } else if (pick === 2) {
      // Every first byte, followed by a short random tail.
      const tail = Array.from({ length: rng.int(12) }, () => rng.int(256));
      out.push({ kind: `type sweep 0x${(i & 0xff).toString(16)}`, data: new Uint8Array([i & 0xff, ...tail]), mustRefuse: false });
    } else {
      const r = rng.int(20);
      if (r === 0) out.push({ kind: "oversized", data: new Uint8Array(1025 + rng.int(4000)), mustRefuse: true });
      else if (r === 1) out.push({ kind: "text", data: "x".repeat(1 + rng.int(50)), mustRefuse: true });
      else out.push({ kind: "random", data: new Uint8Array(Array.from({ length: 1 + rng.int(64) }, () => rng.int(256))), mustRefuse: false });
    }
  }
  return out;
}
