/**
 * The `ack` frame written by hand, byte for byte what the protocol's msgpack encoder (codec.ts: msgpackr
 * with variableMapSize, no records) writes for it: a fixmap of `t`, `id`, `seq`, optional `tick`,
 * `dup`, in that order, unsigned integers in their smallest form. Acks are most of the room's
 * msgpack-encoded frames (one per input), and on workerd msgpackr's result goes through the Node
 * Buffer shim (`Buffer` > `_from` > `fromArrayBuffer`): a CPU profile at 50 runner rooms put the ack's
 * encoding at ~5 % of the isolate's samples (bench/results/tick-cpu-2026-12-07.md). Anything this does not
 * write exactly like msgpackr (another key order, an extra or undefined key, integers outside 0..2^32−1)
 * is left to msgpackr: `null`. test/unit/ack-codec.test.ts holds the bytes to msgpackr's.
 */
import type { ServerFrame } from "./schemas";

type Ack = Extract<ServerFrame, { t: "ack" }>;

/** Keys in the order every ack is built with (realtime-play.ts, frame-handler.ts). */
const WITH_TICK = ["t", "id", "seq", "tick", "dup"] as const;
const FIXSTR = 0xa0;
const FIXMAP = 0x80;
const NIL = 0xc0;

/** Reused: the bytes are handed on at once (ws.send copies them), as encodeFrameToSend's are. */
const out = new Uint8Array(64);
let pos = 0;

function str(s: string): void {
  // Only the ASCII keys and "ack" above: one byte a character, fixstr.
  out[pos++] = FIXSTR | s.length;
  for (let i = 0; i < s.length; i++) out[pos++] = s.charCodeAt(i);
}

function uint(v: number): boolean {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) return false;
  if (v < 0x80) out[pos++] = v;
  else if (v < 0x100) {
    out[pos++] = 0xcc;
    out[pos++] = v;
  } else if (v < 0x10000) {
    out[pos++] = 0xcd;
    out[pos++] = v >>> 8;
    out[pos++] = v & 0xff;
  } else {
    out[pos++] = 0xce;
    out[pos++] = v >>> 24;
    out[pos++] = (v >>> 16) & 0xff;
    out[pos++] = (v >>> 8) & 0xff;
    out[pos++] = v & 0xff;
  }
  return true;
}

/** The ack's bytes (a view into a reused buffer, valid until the next call), or null to let msgpackr encode it. */
export function encodeAck(frame: Ack): Uint8Array | null {
  // Own keys in order, counted without a list (no allocation): exactly t, id, seq, [tick,] dup.
  const hasTick = Object.hasOwn(frame, "tick");
  let n = 0;
  for (const key in frame) {
    if (!Object.hasOwn(frame, key)) continue;
    const expected = hasTick ? WITH_TICK[n] : n < 3 ? WITH_TICK[n] : n === 3 ? "dup" : undefined;
    if (key !== expected) return null;
    n++;
  }
  if (n !== (hasTick ? 5 : 4)) return null;
  pos = 0;
  out[pos++] = FIXMAP | n;
  str("t");
  str("ack");
  str("id");
  if (!uint(frame.id)) return null;
  str("seq");
  if (frame.seq === null) out[pos++] = NIL;
  else if (!uint(frame.seq)) return null;
  if (hasTick) {
    str("tick");
    if (frame.tick === undefined || !uint(frame.tick)) return null;
  }
  str("dup");
  out[pos++] = frame.dup ? 0xc3 : 0xc2;
  return out.subarray(0, pos);
}
