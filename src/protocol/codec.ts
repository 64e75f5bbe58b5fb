/**
 * msgpack encoding and result-returning decoding of frames.
 *
 * Decoding runs three gates in order: size cap, bounded structural scan, zod
 * validation. It never throws and never casts: bad input yields a typed error
 * that the room turns into an `error` frame.
 */
import { Packr, Unpackr } from "msgpackr";
import type * as z from "zod";
import { ErrorCode } from "./codes";
import { MAX_CLIENT_FRAME_BYTES } from "./limits";
import { scanMsgpack, type DecodeLimits } from "./msgpack-guard";
import { ServerFrame, type ClientFrame } from "./schemas";
import { checkClientFrame } from "./client-frame-check";
import { decodeSnapFrame, SNAP_TAG } from "./snap-codec";

// Plain msgpack maps (no msgpackr records/extensions) so any msgpack library can speak the protocol.
const packr = new Packr({ useRecords: false, encodeUndefinedAsNil: true, moreTypes: false, variableMapSize: true });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: "number" });
/**
 * Client frames are decoded from one reused buffer: msgpackr makes a DataView for each buffer it reads
 * and stores it on the buffer as a new property, so a fresh view per frame was a DataView and a
 * property store per frame on the room's frame path (issue 12). Here the DataView is made once. Binary
 * values are copied out (`copyBuffers`), so nothing decoded refers to the buffer the next frame overwrites.
 */
const clientUnpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: "number", copyBuffers: true });
const clientScratch = new Uint8Array(MAX_CLIENT_FRAME_BYTES);

/** Largest server frame a client accepts (snapshots are bigger than inputs). */
export const MAX_SERVER_FRAME_BYTES = 256 * 1024;

export type DecodeResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly id: number | null };

export function encodeFrame(frame: ServerFrame | ClientFrame): Uint8Array {
  // Copy out of msgpackr's reusable buffer so callers may keep the bytes
  // (on Node, pack() returns a Buffer whose slice() would not copy).
  return new Uint8Array(packr.pack(frame));
}

/**
 * The same bytes without the copy, for a caller that hands them on at once and keeps nothing (the
 * room host: `ws.send` copies, the SSE stream base64s them). The view into msgpackr's buffer would
 * keep that buffer alive if kept. One copy less per acknowledgement (issue 12: allocation per frame).
 */
export function encodeFrameToSend(frame: ServerFrame): Uint8Array {
  return packr.pack(frame);
}

/** Decode and validate one client frame received by the room (a hand check with the schema's rules: no zod per frame). */
export function decodeClientFrame(data: ArrayBuffer | ArrayBufferView | string): DecodeResult<ClientFrame> {
  return decodeWith(data, MAX_CLIENT_FRAME_BYTES, checkClientFrame, undefined, clientScratch);
}

/** Decode and validate one server frame received by a client. */
export function decodeServerFrame(data: ArrayBuffer | ArrayBufferView | string): DecodeResult<ServerFrame> {
  // Real-time snapshots are binary, not msgpack (their first byte is one msgpack never uses).
  if (typeof data !== "string") {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (bytes[0] === SNAP_TAG) {
      if (bytes.byteLength > MAX_SERVER_FRAME_BYTES) return fail(ErrorCode.FRAME_TOO_LARGE, `Frame of ${bytes.byteLength} bytes exceeds the ${MAX_SERVER_FRAME_BYTES}-byte limit.`);
      return decodeSnapFrame(bytes);
    }
  }
  return decodeWith(data, MAX_SERVER_FRAME_BYTES, zodCheck(ServerFrame), { maxDepth: 16, maxContainerLength: 65536, maxStringBytes: 65536, maxValues: 1 << 20 });
}

type Check<T> = (raw: unknown) => { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

function zodCheck<T>(schema: z.ZodType<T>): Check<T> {
  return (raw) => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return { ok: true, value: parsed.data };
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    return { ok: false, message: `${where}: ${issue?.message ?? "invalid"}` };
  };
}

function decodeWith<T>(
  data: ArrayBuffer | ArrayBufferView | string,
  maxBytes: number,
  check: Check<T>,
  limits?: DecodeLimits,
  scratch?: Uint8Array,
): DecodeResult<T> {
  if (typeof data === "string") {
    return fail(ErrorCode.TEXT_NOT_ALLOWED, 'Text frames are not accepted; send binary msgpack (the only text frame is the heartbeat "ping").');
  }
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.byteLength > maxBytes) {
    return fail(ErrorCode.FRAME_TOO_LARGE, `Frame of ${bytes.byteLength} bytes exceeds the ${maxBytes}-byte limit.`);
  }
  const scan = scanMsgpack(bytes, limits);
  if (!scan.ok) return fail(ErrorCode.MALFORMED_FRAME, `Frame is not acceptable msgpack: ${scan.reason}.`);
  let raw: unknown;
  try {
    if (scratch !== undefined && bytes.byteLength <= scratch.byteLength) {
      scratch.set(bytes);
      raw = clientUnpackr.unpack(scratch, bytes.byteLength);
    } else {
      raw = unpackr.unpack(bytes);
    }
  } catch (err) {
    return fail(ErrorCode.MALFORMED_FRAME, `Frame could not be decoded: ${err instanceof Error ? err.message : "unknown error"}.`);
  }
  const checked = check(raw);
  if (!checked.ok) return fail(ErrorCode.INVALID_FRAME, `Frame is not valid${checked.message}.`, readId(raw));
  return checked; // the check's own result: no second object per frame (issue 12)
}

function fail(code: ErrorCode, message: string, id: number | null = null): DecodeResult<never> {
  return { ok: false, code, message, id };
}

/** Best-effort id of an invalid frame, so the client can match the error to its input. */
function readId(raw: unknown): number | null {
  if (typeof raw !== "object" || raw === null || !("id" in raw)) return null;
  const id = raw.id;
  return typeof id === "number" && Number.isSafeInteger(id) && id > 0 ? id : null;
}
