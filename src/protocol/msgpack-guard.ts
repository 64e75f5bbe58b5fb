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
 */
import { DECODE_LIMITS } from "./limits";

export type ScanResult = { ok: true } | { ok: false; reason: string };

interface Cursor {
  pos: number;
  values: number;
}

export interface DecodeLimits {
  readonly maxDepth: number;
  readonly maxContainerLength: number;
  readonly maxStringBytes: number;
  readonly maxValues: number;
}
type Limits = DecodeLimits;

export function scanMsgpack(bytes: Uint8Array, limits: Limits = DECODE_LIMITS): ScanResult {
  if (bytes.length === 0) return { ok: false, reason: "empty frame" };
  const cursor: Cursor = { pos: 0, values: 0 };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const error = scanValue(bytes, view, cursor, 0, limits);
  if (error !== null) return { ok: false, reason: error };
  if (cursor.pos !== bytes.length) return { ok: false, reason: "trailing bytes after the value" };
  return { ok: true };
}

/** Returns null when the value at the cursor is acceptable, else a reason. */
function scanValue(bytes: Uint8Array, view: DataView, c: Cursor, depth: number, limits: Limits): string | null {
  if (++c.values > limits.maxValues) return `more than ${limits.maxValues} values`;
  if (c.pos >= bytes.length) return "truncated value";
  const b = bytes[c.pos++] as number;

  if (b <= 0x7f || b >= 0xe0) return null; // fixints
  if (b >= 0x80 && b <= 0x8f) return scanMap(bytes, view, c, depth, b & 0x0f, limits);
  if (b >= 0x90 && b <= 0x9f) return scanArray(bytes, view, c, depth, b & 0x0f, limits);
  if (b >= 0xa0 && b <= 0xbf) return skip(bytes, c, b & 0x1f, limits.maxStringBytes, "string");

  switch (b) {
    case 0xc0: // nil
    case 0xc2: // false
    case 0xc3: // true
      return null;
    case 0xc4:
      return skipSized(bytes, view, c, 1, limits.maxStringBytes, "binary");
    case 0xc5:
      return skipSized(bytes, view, c, 2, limits.maxStringBytes, "binary");
    case 0xc6:
      return skipSized(bytes, view, c, 4, limits.maxStringBytes, "binary");
    case 0xca:
      return skip(bytes, c, 4, 4, "float32");
    case 0xcb:
      return skip(bytes, c, 8, 8, "float64");
    case 0xcc:
    case 0xd0:
      return skip(bytes, c, 1, 1, "int8");
    case 0xcd:
    case 0xd1:
      return skip(bytes, c, 2, 2, "int16");
    case 0xce:
    case 0xd2:
      return skip(bytes, c, 4, 4, "int32");
    case 0xcf:
    case 0xd3: {
      if (c.pos + 8 > bytes.length) return "truncated int64";
      const v = b === 0xcf ? view.getBigUint64(c.pos) : view.getBigInt64(c.pos);
      c.pos += 8;
      // Refused, not coerced: a number above 2^53 cannot be represented exactly.
      return v > MAX_SAFE || v < -MAX_SAFE ? "integer beyond ±(2^53 - 1)" : null;
    }
    case 0xd9:
      return skipSized(bytes, view, c, 1, limits.maxStringBytes, "string");
    case 0xda:
      return skipSized(bytes, view, c, 2, limits.maxStringBytes, "string");
    case 0xdb:
      return skipSized(bytes, view, c, 4, limits.maxStringBytes, "string");
    case 0xdc:
    case 0xdd: {
      const n = readLength(bytes, view, c, b === 0xdc ? 2 : 4);
      return n === null ? "truncated array header" : scanArray(bytes, view, c, depth, n, limits);
    }
    case 0xde:
    case 0xdf: {
      const n = readLength(bytes, view, c, b === 0xde ? 2 : 4);
      return n === null ? "truncated map header" : scanMap(bytes, view, c, depth, n, limits);
    }
    default:
      // 0xc1 (never used) and every extension type (0xc7–0xc9, 0xd4–0xd8).
      return `unsupported msgpack type 0x${b.toString(16)}`;
  }
}

function scanArray(bytes: Uint8Array, view: DataView, c: Cursor, depth: number, n: number, limits: Limits): string | null {
  if (depth + 1 > limits.maxDepth) return `nesting deeper than ${limits.maxDepth}`;
  if (n > limits.maxContainerLength) return `array of ${n} elements (limit ${limits.maxContainerLength})`;
  // Every element needs at least one byte: a declared length beyond the bytes left is a lie.
  if (n > bytes.length - c.pos) return "array length exceeds frame";
  for (let i = 0; i < n; i++) {
    const e = scanValue(bytes, view, c, depth + 1, limits);
    if (e !== null) return e;
  }
  return null;
}

function scanMap(bytes: Uint8Array, view: DataView, c: Cursor, depth: number, n: number, limits: Limits): string | null {
  if (depth + 1 > limits.maxDepth) return `nesting deeper than ${limits.maxDepth}`;
  if (n > limits.maxContainerLength) return `map of ${n} entries (limit ${limits.maxContainerLength})`;
  if (n * 2 > bytes.length - c.pos) return "map length exceeds frame";
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const start = c.pos;
    const keyError = scanKey(bytes, view, c, limits);
    if (keyError !== null) return keyError;
    // Keys compared by their encoded bytes: fixstr and str8 spellings of one key are told apart by the
    // header, so compare the decoded text instead.
    const key = keyText(bytes, start, c.pos);
    if (seen.has(key)) return "duplicate map key";
    seen.add(key);
    const e = scanValue(bytes, view, c, depth + 1, limits);
    if (e !== null) return e;
  }
  return null;
}

/** Map keys must be strings (fixstr or str8) and never "__proto__". */
function scanKey(bytes: Uint8Array, view: DataView, c: Cursor, limits: Limits): string | null {
  if (++c.values > limits.maxValues) return `more than ${limits.maxValues} values`;
  const b = bytes[c.pos++];
  let len: number | null;
  if (b !== undefined && b >= 0xa0 && b <= 0xbf) len = b & 0x1f;
  else if (b === 0xd9) len = readLength(bytes, view, c, 1);
  else return "map keys must be strings";
  if (len === null || len > limits.maxStringBytes || c.pos + len > bytes.length) return "bad map key";
  if (FORBIDDEN_KEYS.has(String.fromCharCode(...bytes.subarray(c.pos, c.pos + Math.min(len, 16))))) {
    return "forbidden map key";
  }
  c.pos += len;
  return null;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** Keys that reach prototypes or constructors when a decoded map is used as an object. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** The text of a key already scanned at [start, end): its bytes after the fixstr or str8 header. */
function keyText(bytes: Uint8Array, start: number, end: number): string {
  let text = "";
  for (let i = start + (bytes[start] === 0xd9 ? 2 : 1); i < end; i++) text += String.fromCharCode(bytes[i] as number);
  return text;
}

function readLength(bytes: Uint8Array, view: DataView, c: Cursor, size: 1 | 2 | 4): number | null {
  if (c.pos + size > bytes.length) return null;
  const n = size === 1 ? view.getUint8(c.pos) : size === 2 ? view.getUint16(c.pos) : view.getUint32(c.pos);
  c.pos += size;
  return n;
}

function skipSized(bytes: Uint8Array, view: DataView, c: Cursor, size: 1 | 2 | 4, max: number, what: string): string | null {
  const n = readLength(bytes, view, c, size);
  if (n === null) return `truncated ${what} header`;
  return skip(bytes, c, n, max, what);
}

function skip(bytes: Uint8Array, c: Cursor, n: number, max: number, what: string): string | null {
  if (n > max) return `${what} of ${n} bytes (limit ${max})`;
  if (c.pos + n > bytes.length) return `truncated ${what}`;
  c.pos += n;
  return null;
}
