/**
 * The binary `snap` frame (docs/protocol.md §14, Snapshots): a real-time snapshot as a
 * few bytes instead of a msgpack map.
 *
 *   byte 0   0xC1, a byte msgpack never uses, so a snapshot is never taken for a msgpack frame
 *   byte 1   flags: bit 0 keyframe, bit 1 `ack` follows, bit 2 `durable` follows; bits 3–7 zero
 *   varint   ack      (bit 1)
 *   varint   durable  (bit 2)
 *   --- body, identical for every recipient of the same kind at a tick (encoded once, shared) ---
 *   varint   tick
 *   keyframe: varint n, then n zigzag varints: the whole quantised array
 *   delta:    to the end of the frame, pairs (varint skip, zigzag varint residual): index =
 *             previous index + 1 + skip (the first index is skip), value = prediction + residual
 *
 * The delta predicts every value from the receiver's last three arrays (`base`, `prev` before it,
 * `older` before that; after a keyframe all three are the keyframe): a value that moved by the same
 * step twice keeps moving (2·base − prev), any other holds (base). Only the misses are sent, so a
 * value moving steadily (the tick, a distance run at constant speed) or standing still costs
 * nothing, and a value that jumps once (an obstacle appearing, a flag) is sent once.
 * The per-client part (the header) is tiny and separate so the body is encoded once per tick.
 * Varints are unsigned LEB128 (7 bits per byte, low first, high bit = more), at most 8 bytes;
 * zigzag maps 0, −1, 1, −2, … to 0, 1, 2, 3, ….
 */
import { ErrorCode } from "./codes";
import type { SnapFrame } from "./schemas";

export const SNAP_TAG = 0xc1;
export const SNAP_KEY = 1;
export const SNAP_ACK = 2;
export const SNAP_DURABLE = 4;
const KNOWN_FLAGS = SNAP_KEY | SNAP_ACK | SNAP_DURABLE;
/** Longest quantised array a client accepts (the same bound as a msgpack container). */
export const MAX_SNAP_VALUES = 65_536;
const MAX_VARINT_BYTES = 8;

/** The per-recipient header: the fields one connection gets that others may not. */
export interface SnapHeader {
  /** Highest input id of your seat applied, when it changed since your previous `snap` (always on keyframes). */
  readonly ack: number | null;
  /** Highest input id of your seat durable (it and every id below settled and written), when it changed (always on keyframes); decoded as `dur`. */
  readonly durable: number | null;
}

/** A decoded binary snapshot (what `decodeServerFrame` returns for one). */
export type DecodedSnap = SnapFrame;

export type SnapDecodeResult = { readonly ok: true; readonly value: DecodedSnap } | { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly id: null };

// ------------------------------------------------------------------------------------------ encoding

/** Views `SnapWriter.view` keeps for reuse. */
const VIEW_CACHE = 16;

/**
 * A growable byte buffer reused across encodes: the room encodes every tick without new scratch space
 * (issue 12: the two copies per frame this once made were ~0.5 KB per room-tick at 150 rooms).
 * Growing replaces the buffer, so a `view` taken before stays intact (it keeps the old buffer).
 */
export class SnapWriter {
  private buf: Uint8Array;
  private n = 0;
  /**
   * Views handed out before, for `view` to hand out again when a later frame lands on the same bytes
   * (a room's shared delta is mostly the same few bytes at the same place every tick): a view object
   * per frame was ~0.1 KB per room-tick at 150 rooms (issue 12). Emptied when the buffer grows.
   */
  private views: Uint8Array[] = [];
  /**
   * Each cached view's offset and length, as plain numbers: reading a typed array's `byteOffset` goes
   * through a builtin call in workerd, and the search ran it for every cached view of every frame
   * (perf with JIT symbols, bench/results/tick-jit-2026-12-07.md).
   */
  private viewStart: number[] = [];
  private viewLength: number[] = [];
  private nextView = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  /** Bytes written since the last reset. */
  get length(): number {
    return this.n;
  }

  reset(): void {
    this.n = 0;
  }

  /** A copy of what was written (callers keep it; the scratch buffer is reused). */
  take(): Uint8Array {
    return this.buf.slice(0, this.n);
  }

  /**
   * The bytes from `start` to the end, without copying: valid until the writer is reset and written
   * over. The same view object may come back for a later frame at the same offset and length.
   */
  view(start: number): Uint8Array {
    const len = this.n - start;
    const views = this.views;
    const starts = this.viewStart;
    const lengths = this.viewLength;
    for (let i = 0; i < views.length; i++) {
      if (starts[i] !== start || lengths[i] !== len) continue;
      const v = views[i];
      if (v !== undefined) return v;
    }
    const v = this.buf.subarray(start, this.n);
    if (views.length < VIEW_CACHE) {
      views.push(v);
      starts.push(start);
      lengths.push(len);
    } else {
      const k = this.nextView;
      views[k] = v;
      starts[k] = start;
      lengths[k] = len;
      this.nextView = (k + 1) % VIEW_CACHE;
    }
    return v;
  }

  byte(b: number): void {
    if (this.n === this.buf.length) this.grow();
    this.buf[this.n++] = b;
  }

  varint(v: number): void {
    // Arithmetic, not bitwise: values go up to 2^53.
    let x = v;
    while (x >= 128) {
      this.byte((x % 128) + 128);
      x = Math.floor(x / 128);
    }
    this.byte(x);
  }

  zigzag(v: number): void {
    this.varint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  bytes(b: Uint8Array): void {
    while (this.n + b.length > this.buf.length) this.grow();
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  /** Append everything `other` holds (a byte loop: no view object for `set`). */
  append(other: SnapWriter): void {
    const len = other.n;
    while (this.n + len > this.buf.length) this.grow();
    const from = other.buf;
    const to = this.buf;
    let at = this.n;
    for (let i = 0; i < len; i++) to[at++] = from[i] ?? 0;
    this.n = at;
  }

  private grow(): void {
    const next = new Uint8Array(this.buf.length * 2);
    next.set(this.buf);
    this.buf = next;
    this.views = [];
    this.viewStart = [];
    this.viewLength = [];
    this.nextView = 0;
  }
}

const scratch = new SnapWriter();

/** Write the shared body of a keyframe. */
export function writeKeyBody(w: SnapWriter, tick: number, values: readonly number[]): void {
  w.varint(tick);
  w.varint(values.length);
  for (let i = 0; i < values.length; i++) w.zigzag(values[i] ?? 0);
}

/** The shared body of a keyframe. */
export function encodeKeyBody(tick: number, values: readonly number[]): Uint8Array {
  scratch.reset();
  writeKeyBody(scratch, tick, values);
  return scratch.take();
}

/** The prediction of one value from the receiver's last three (docs/protocol.md §14, Snapshots). */
export function predictValue(older: number, prev: number, base: number): number {
  return base - prev === prev - older ? 2 * base - prev : base;
}

/** Write the shared body of a delta from a receiver whose last three arrays are `older`, `prev` and `base` (same length as `next`). */
export function writeDeltaBody(w: SnapWriter, tick: number, older: readonly number[], prev: readonly number[], base: readonly number[], next: readonly number[]): void {
  w.varint(tick);
  let last = -1;
  for (let i = 0; i < next.length; i++) {
    const residual = (next[i] ?? 0) - predictValue(older[i] ?? 0, prev[i] ?? 0, base[i] ?? 0);
    if (residual === 0) continue;
    w.varint(i - last - 1);
    w.zigzag(residual);
    last = i;
  }
}

/** The shared body of a delta (see `writeDeltaBody`). */
export function encodeDeltaBody(tick: number, older: readonly number[], prev: readonly number[], base: readonly number[], next: readonly number[]): Uint8Array {
  scratch.reset();
  writeDeltaBody(scratch, tick, older, prev, base, next);
  return scratch.take();
}

/** Write one recipient's header (`ack`/`durable` null: not sent); the shared body follows it. */
export function writeSnapHeader(w: SnapWriter, key: boolean, ack: number | null, durable: number | null): void {
  w.byte(SNAP_TAG);
  w.byte((key ? SNAP_KEY : 0) | (ack !== null ? SNAP_ACK : 0) | (durable !== null ? SNAP_DURABLE : 0));
  if (ack !== null) w.varint(ack);
  if (durable !== null) w.varint(durable);
}

/** The frame for one recipient: its header, then a shared body. */
export function encodeSnapFrame(key: boolean, header: SnapHeader, body: Uint8Array): Uint8Array {
  scratch.reset();
  writeSnapHeader(scratch, key, header.ack, header.durable);
  scratch.bytes(body);
  return scratch.take();
}

/** Apply a decoded delta's residuals (client side): the new full array. */
export function applySnapDelta(older: readonly number[], prev: readonly number[], base: readonly number[], pairs: readonly number[]): number[] {
  const out = new Array<number>(base.length);
  for (let i = 0; i < base.length; i++) out[i] = predictValue(older[i] ?? 0, prev[i] ?? 0, base[i] ?? 0);
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const at = pairs[i] ?? 0;
    out[at] = (out[at] ?? 0) + (pairs[i + 1] ?? 0);
  }
  return out;
}

// ------------------------------------------------------------------------------------------ decoding

class Reader {
  pos = 0;
  constructor(private readonly b: Uint8Array) {}
  get done(): boolean {
    return this.pos >= this.b.length;
  }
  /** An unsigned varint, or null when truncated or longer than 8 bytes. */
  varint(): number | null {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const byte = this.b[this.pos++];
      if (byte === undefined) return null;
      v += (byte & 127) * scale;
      if (byte < 128) return Number.isSafeInteger(v) ? v : null;
      scale *= 128;
    }
    return null;
  }
  zigzag(): number | null {
    const u = this.varint();
    if (u === null) return null;
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
}

/** Decode a binary snapshot frame (its first byte is SNAP_TAG). Never throws. */
export function decodeSnapFrame(bytes: Uint8Array): SnapDecodeResult {
  const bad = (why: string): SnapDecodeResult => ({ ok: false, code: ErrorCode.MALFORMED_FRAME, message: `Snapshot frame is malformed: ${why}.`, id: null });
  if (bytes.length < 3 || bytes[0] !== SNAP_TAG) return bad("too short or not a snapshot");
  const flags = bytes[1] ?? 0;
  if ((flags & ~KNOWN_FLAGS) !== 0) return bad(`unknown flag bits ${flags & ~KNOWN_FLAGS}`);
  const r = new Reader(bytes);
  r.pos = 2;
  const ack = (flags & SNAP_ACK) !== 0 ? r.varint() : -1;
  const durable = (flags & SNAP_DURABLE) !== 0 ? r.varint() : -1;
  if (ack === null || durable === null) return bad("truncated header");
  const tick = r.varint();
  if (tick === null) return bad("truncated tick");
  const key = (flags & SNAP_KEY) !== 0;
  const d: number[] = [];
  if (key) {
    const n = r.varint();
    if (n === null || n > MAX_SNAP_VALUES) return bad("bad keyframe length");
    for (let i = 0; i < n; i++) {
      const v = r.zigzag();
      if (v === null) return bad("truncated keyframe");
      d.push(v);
    }
    if (!r.done) return bad("bytes after the keyframe");
  } else {
    let index = -1;
    while (!r.done) {
      const skip = r.varint();
      const v = skip === null ? null : r.zigzag();
      if (skip === null || v === null) return bad("truncated delta");
      index += skip + 1;
      if (index >= MAX_SNAP_VALUES) return bad("delta index out of range");
      d.push(index, v);
    }
  }
  return { ok: true, value: durable < 0 ? { t: "snap", tick, ack: ack < 0 ? null : ack, key, d } : { t: "snap", tick, ack: ack < 0 ? null : ack, key, d, dur: durable } };
}
