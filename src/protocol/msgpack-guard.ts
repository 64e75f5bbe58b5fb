/**
 * A bounded structural scan of msgpack bytes, run before msgpackr decodes them.
 *
 * msgpackr trusts declared lengths: a tiny frame of nested "array32" headers
 * can make a decoder allocate gigabytes. This scan walks the bytes once,
 * without allocating, and rejects anything outside DECODE_LIMITS, any
 * extension type, non-string map keys, the keys "__proto__", "constructor" and
 * "prototype", duplicate keys in one map (a decoder would silently keep one),
 * 64-bit integers beyond ±(2^53 − 1) (a decoder would round them), and
 * trailing bytes. Only frames that pass reach msgpackr.
 *
 * Allocation-free for every frame a room accepts (issue 12): it runs on every client frame, and a
 * cursor object, a DataView, a Set and a string per map key came to ~680 B a frame. The cursor is
 * module state (the scan is synchronous and never re-entered), lengths are read byte by byte, and
 * keys are compared as bytes (msgpack strings are compared by their payload, so a fixstr and a str8
 * spelling of one key are still duplicates). Only a rejection allocates (its reason).
 */
import { DECODE_LIMITS } from "./limits";

export type ScanResult = { ok: true } | { ok: false; reason: string };

export interface DecodeLimits {
  readonly maxDepth: number;
  readonly maxContainerLength: number;
  readonly maxStringBytes: number;
  readonly maxValues: number;
}
type Limits = DecodeLimits;

const OK: ScanResult = Object.freeze({ ok: true });

// The scan's cursor: position and values seen (module state instead of an object per frame).
let pos = 0;
let values = 0;

/**
 * Key spans of the maps being scanned ([start, length] pairs, a stack shared by nested maps), for the
 * duplicate check without a Set. Maps of more than DUP_SCAN_KEYS entries (server frames only: client
 * frames allow 64) use a Set, where pairwise comparison would be quadratic.
 */
const DUP_SCAN_KEYS = 64;
const keySpans = new Int32Array(2 * 256);
let keyTop = 0;

export function scanMsgpack(bytes: Uint8Array, limits: Limits = DECODE_LIMITS): ScanResult {
  if (bytes.length === 0) return { ok: false, reason: "empty frame" };
  pos = 0;
  values = 0;
  keyTop = 0;
  const error = scanValue(bytes, 0, limits);
  if (error !== null) return { ok: false, reason: error };
  if (pos !== bytes.length) return { ok: false, reason: "trailing bytes after the value" };
  return OK;
}

/** Returns null when the value at the cursor is acceptable, else a reason. */
function scanValue(bytes: Uint8Array, depth: number, limits: Limits): string | null {
  if (++values > limits.maxValues) return `more than ${limits.maxValues} values`;
  if (pos >= bytes.length) return "truncated value";
  const b = bytes[pos++] as number;

  if (b <= 0x7f || b >= 0xe0) return null; // fixints
  if (b >= 0x80 && b <= 0x8f) return scanMap(bytes, depth, b & 0x0f, limits);
  if (b >= 0x90 && b <= 0x9f) return scanArray(bytes, depth, b & 0x0f, limits);
  if (b >= 0xa0 && b <= 0xbf) return skip(bytes, b & 0x1f, limits.maxStringBytes, "string");

  switch (b) {
    case 0xc0: // nil
    case 0xc2: // false
    case 0xc3: // true
      return null;
    case 0xc4:
      return skipSized(bytes, 1, limits.maxStringBytes, "binary");
    case 0xc5:
      return skipSized(bytes, 2, limits.maxStringBytes, "binary");
    case 0xc6:
      return skipSized(bytes, 4, limits.maxStringBytes, "binary");
    case 0xca:
      return skip(bytes, 4, 4, "float32");
    case 0xcb:
      return skip(bytes, 8, 8, "float64");
    case 0xcc:
    case 0xd0:
      return skip(bytes, 1, 1, "int8");
    case 0xcd:
    case 0xd1:
      return skip(bytes, 2, 2, "int16");
    case 0xce:
    case 0xd2:
      return skip(bytes, 4, 4, "int32");
    case 0xcf:
    case 0xd3: {
      if (pos + 8 > bytes.length) return "truncated int64";
      const hi = uint32At(bytes, pos);
      const lo = uint32At(bytes, pos + 4);
      pos += 8;
      // Refused, not coerced: a number above 2^53 cannot be represented exactly. Non-negative values
      // fit when the high word is below 2^21; an int64 with its sign bit set is -(2^64 - raw), which
      // fits when raw ≥ 2^64 - 2^53 + 1 (high word 0xffe00000, low word ≥ 1, or a higher high word).
      const fits = hi < 0x200000 || (b === 0xd3 && (hi > 0xffe00000 || (hi === 0xffe00000 && lo >= 1)));
      return fits ? null : "integer beyond ±(2^53 - 1)";
    }
    case 0xd9:
      return skipSized(bytes, 1, limits.maxStringBytes, "string");
    case 0xda:
      return skipSized(bytes, 2, limits.maxStringBytes, "string");
    case 0xdb:
      return skipSized(bytes, 4, limits.maxStringBytes, "string");
    case 0xdc:
    case 0xdd: {
      const n = readLength(bytes, b === 0xdc ? 2 : 4);
      return n < 0 ? "truncated array header" : scanArray(bytes, depth, n, limits);
    }
    case 0xde:
    case 0xdf: {
      const n = readLength(bytes, b === 0xde ? 2 : 4);
      return n < 0 ? "truncated map header" : scanMap(bytes, depth, n, limits);
    }
    default:
      // 0xc1 (never used) and every extension type (0xc7–0xc9, 0xd4–0xd8).
      return `unsupported msgpack type 0x${b.toString(16)}`;
  }
}

function scanArray(bytes: Uint8Array, depth: number, n: number, limits: Limits): string | null {
  if (depth + 1 > limits.maxDepth) return `nesting deeper than ${limits.maxDepth}`;
  if (n > limits.maxContainerLength) return `array of ${n} elements (limit ${limits.maxContainerLength})`;
  // Every element needs at least one byte: a declared length beyond the bytes left is a lie.
  if (n > bytes.length - pos) return "array length exceeds frame";
  for (let i = 0; i < n; i++) {
    const e = scanValue(bytes, depth + 1, limits);
    if (e !== null) return e;
  }
  return null;
}

function scanMap(bytes: Uint8Array, depth: number, n: number, limits: Limits): string | null {
  if (depth + 1 > limits.maxDepth) return `nesting deeper than ${limits.maxDepth}`;
  if (n > limits.maxContainerLength) return `map of ${n} entries (limit ${limits.maxContainerLength})`;
  if (n * 2 > bytes.length - pos) return "map length exceeds frame";
  const base = keyTop;
  // Pairwise comparison while the map is small and the span stack has room; a Set otherwise.
  const spans = n <= DUP_SCAN_KEYS && base + 2 * n <= keySpans.length;
  const seen = spans ? null : new Set<string>();
  for (let i = 0; i < n; i++) {
    const keyError = scanKey(bytes, limits);
    if (keyError !== null) return keyError;
    // scanKey leaves the key's payload just before the cursor.
    const len = keyLength;
    const start = pos - len;
    if (seen === null) {
      for (let k = base; k < keyTop; k += 2) {
        if (sameBytes(bytes, keySpans[k] as number, keySpans[k + 1] as number, start, len)) return "duplicate map key";
      }
      keySpans[keyTop] = start;
      keySpans[keyTop + 1] = len;
      keyTop += 2;
    } else {
      const key = keyText(bytes, start, len);
      if (seen.has(key)) return "duplicate map key";
      seen.add(key);
    }
    const e = scanValue(bytes, depth + 1, limits);
    if (e !== null) return e;
  }
  keyTop = base;
  return null;
}

/** Length of the key scanKey last accepted (a second return value without an object). */
let keyLength = 0;

/** Map keys must be strings (fixstr or str8) and never "__proto__", "constructor" or "prototype". */
function scanKey(bytes: Uint8Array, limits: Limits): string | null {
  if (++values > limits.maxValues) return `more than ${limits.maxValues} values`;
  const b = bytes[pos++];
  let len: number;
  if (b !== undefined && b >= 0xa0 && b <= 0xbf) len = b & 0x1f;
  else if (b === 0xd9) len = readLength(bytes, 1);
  else return "map keys must be strings";
  if (len < 0 || len > limits.maxStringBytes || pos + len > bytes.length) return "bad map key";
  if (isForbidden(bytes, pos, len)) return "forbidden map key";
  pos += len;
  keyLength = len;
  return null;
}

/** Keys that reach prototypes or constructors when a decoded map is used as an object (as bytes). */
const FORBIDDEN_KEYS = ["__proto__", "constructor", "prototype"].map((k) => Uint8Array.from(k, (ch) => ch.charCodeAt(0)));

function isForbidden(bytes: Uint8Array, start: number, len: number): boolean {
  for (let k = 0; k < FORBIDDEN_KEYS.length; k++) {
    const key = FORBIDDEN_KEYS[k];
    if (key === undefined || key.length !== len) continue;
    let i = 0;
    while (i < len && bytes[start + i] === key[i]) i++;
    if (i === len) return true;
  }
  return false;
}

/** Whether the byte spans [a, a + aLen) and [b, b + bLen) of `bytes` hold the same bytes. */
function sameBytes(bytes: Uint8Array, a: number, aLen: number, b: number, bLen: number): boolean {
  if (aLen !== bLen) return false;
  for (let i = 0; i < aLen; i++) if (bytes[a + i] !== bytes[b + i]) return false;
  return true;
}

/** The text of a key payload (large maps only: the Set path). Bytes as char codes, as compared above. */
function keyText(bytes: Uint8Array, start: number, len: number): string {
  let text = "";
  for (let i = start; i < start + len; i++) text += String.fromCharCode(bytes[i] as number);
  return text;
}

function uint32At(bytes: Uint8Array, at: number): number {
  return (bytes[at] as number) * 0x1000000 + (((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number));
}

/** A big-endian length of `size` bytes at the cursor, or -1 when the frame ends first. */
function readLength(bytes: Uint8Array, size: 1 | 2 | 4): number {
  if (pos + size > bytes.length) return -1;
  const at = pos;
  pos += size;
  if (size === 1) return bytes[at] as number;
  if (size === 2) return ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
  return uint32At(bytes, at);
}

function skipSized(bytes: Uint8Array, size: 1 | 2 | 4, max: number, what: string): string | null {
  const n = readLength(bytes, size);
  if (n < 0) return `truncated ${what} header`;
  return skip(bytes, n, max, what);
}

function skip(bytes: Uint8Array, n: number, max: number, what: string): string | null {
  if (n > max) return `${what} of ${n} bytes (limit ${max})`;
  if (pos + n > bytes.length) return `truncated ${what}`;
  pos += n;
  return null;
}
