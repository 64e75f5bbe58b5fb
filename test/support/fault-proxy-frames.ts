/**
 * Follows WebSocket frame boundaries (RFC 6455 §5.2) in one direction of a
 * proxied byte stream, so a fault can be placed provably inside a frame
 * rather than by luck. Only the headers are parsed; payloads are skipped.
 *
 * A stream starts as HTTP: the upgrade request (up) or the 101 response
 * (down). Frames start after the blank line ending the headers. Anything
 * else (plain TCP, a rejected upgrade) is "opaque" and never parsed.
 */
import type { Rng } from "../../src/games/rng";
import type { Direction } from "./fault-proxy-link";

/** One frame overlapping a chunk. `start` is chunk-relative (negative when it began in an earlier chunk). */
export interface FrameSpan {
  start: number;
  /** Header + payload bytes; null while the header is still incomplete at the end of the chunk. */
  length: number | null;
}

export interface ChunkScan {
  /** Chunk offset where frame bytes begin, or null if the chunk carries none. */
  framesFrom: number | null;
  frames: FrameSpan[];
}

/** Where to cut a chunk: forward `cutAt` bytes, which leaves the stream `frameOffset` bytes into a frame. */
export interface CutPoint {
  cutAt: number;
  frameOffset: number;
  frameLength: number | null;
}

const END_OF_HEADERS = [13, 10, 13, 10];
// An upgrade handshake longer than this is not one we are going to parse.
const MAX_HTTP_HEAD = 16 * 1024;

export class FrameTracker {
  mode: "http" | "frames" | "opaque" = "http";
  /** Frames fully received in this direction. */
  framesSeen = 0;
  private head: number[] = [];
  private matched = 0;
  private header = Buffer.alloc(14);
  private consumed = 0;
  private frameLength: number | null = null;

  constructor(readonly direction: Direction) {}

  /** Advance over a chunk and describe the frames it overlaps. */
  feed(chunk: Buffer): ChunkScan {
    const frames: FrameSpan[] = [];
    let i = 0;
    if (this.mode === "http") {
      i = this.skipHttpHead(chunk);
      if (i < 0) return { framesFrom: null, frames };
    }
    if (this.mode !== "frames") return { framesFrom: null, frames };
    const framesFrom = i;
    if (this.consumed > 0) frames.push({ start: -this.consumed, length: this.frameLength });
    while (i < chunk.length) {
      if (this.consumed === 0) frames.push({ start: i, length: null });
      const span = frames[frames.length - 1]!;
      if (this.frameLength === null) {
        this.header[this.consumed++] = chunk[i++]!;
        const need = headerLength(this.header, this.consumed);
        if (need !== null && this.consumed === need) {
          this.frameLength = need + payloadLength(this.header);
          span.length = this.frameLength;
        }
      } else {
        const take = Math.min(this.frameLength - this.consumed, chunk.length - i);
        i += take;
        this.consumed += take;
      }
      if (this.frameLength !== null && this.consumed === this.frameLength) {
        this.framesSeen++;
        this.consumed = 0;
        this.frameLength = null;
      }
    }
    return { framesFrom, frames };
  }

  /** Returns the chunk offset just past the headers, or -1 if they continue beyond this chunk. */
  private skipHttpHead(chunk: Buffer): number {
    if (this.head.length === 0 && chunk.length > 0 && chunk[0] !== (this.direction === "up" ? 0x47 : 0x48)) {
      this.mode = "opaque"; // not "G"ET / "H"TTP: not a handshake
      return -1;
    }
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      this.head.push(b);
      this.matched = b === END_OF_HEADERS[this.matched] ? this.matched + 1 : b === 13 ? 1 : 0;
      if (this.matched === 4) {
        this.mode = this.isUpgrade() ? "frames" : "opaque";
        this.head = [];
        return i + 1;
      }
      if (this.head.length > MAX_HTTP_HEAD) {
        this.mode = "opaque";
        this.head = [];
        return -1;
      }
    }
    return -1;
  }

  private isUpgrade(): boolean {
    const text = Buffer.from(this.head).toString("latin1");
    if (this.direction === "down") return /^HTTP\/1\.[01] 101 /.test(text);
    return text.startsWith("GET ") && /\r\nupgrade:[ \t]*websocket/i.test(text);
  }
}

/** Header size once its first two bytes are known: 2, plus extended length, plus the client's mask key. */
function headerLength(h: Buffer, have: number): number | null {
  if (have < 2) return null;
  const len7 = h[1]! & 0x7f;
  const masked = (h[1]! & 0x80) !== 0;
  return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (masked ? 4 : 0);
}

function payloadLength(h: Buffer): number {
  const len7 = h[1]! & 0x7f;
  if (len7 === 126) return h.readUInt16BE(2);
  if (len7 === 127) return Number(h.readBigUInt64BE(2));
  return len7;
}

/** The frame that position `p` of the chunk lies strictly inside, if any. */
function spanInside(frames: FrameSpan[], p: number): FrameSpan | null {
  for (const f of frames) if (f.start < p && (f.length === null || p < f.start + f.length)) return f;
  return null;
}

/**
 * Pure: pick a seeded cut position in a scanned chunk such that forwarding
 * `cutAt` bytes stops strictly inside a frame (at least one byte of it sent,
 * at least one withheld). Prefers cuts that forward some but not all of the
 * chunk; cutAt is 0 only when the chunk's sole frame byte would complete a
 * frame begun in an earlier chunk. Null when the chunk has no frame bytes.
 */
export function chooseCut(scan: ChunkScan, chunkLength: number, rng: Rng): CutPoint | null {
  if (scan.framesFrom === null) return null;
  const lo = scan.framesFrom + 1;
  if (lo > chunkLength) return null;
  const hi = lo <= chunkLength - 1 ? chunkLength - 1 : chunkLength;
  const pick = lo + rng.int(hi - lo + 1);
  // Boundaries are isolated points (every frame is at least 2 bytes), so the
  // neighbours of a boundary are inside a frame. Last resort: forward none of
  // the chunk, which is still mid-frame when the chunk continues a frame.
  for (const p of [pick, pick + 1, pick - 1, scan.framesFrom]) {
    if ((p < lo && p !== scan.framesFrom) || p > chunkLength) continue;
    const span = spanInside(scan.frames, p);
    if (span) return { cutAt: p, frameOffset: p - span.start, frameLength: span.length };
  }
  return null;
}
