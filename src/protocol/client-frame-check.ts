/**
 * The client-frame check on the per-frame path: the same rules as the zod `ClientFrame` schema
 * (schemas.ts, still the documented source of the shapes), written out by hand so a room spends no
 * zod work on each frame. test/unit/client-frame-check.test.ts holds the two to the same verdict on
 * generated frames. Returns a result, never throws, no casts.
 */
import { MAX_INPUT_ID } from "./limits";
import type { ClientFrame } from "./schemas";

export type ClientFrameCheck = { readonly ok: true; readonly value: ClientFrame } | { readonly ok: false; readonly message: string };

type Plain = { readonly [key: string]: unknown };

function isPlain(raw: unknown): raw is Plain {
  return typeof raw === "object" && raw !== null && !Array.isArray(raw) && !(raw instanceof Uint8Array);
}

const FIELDS: { readonly [t: string]: readonly string[] } = {
  input: ["t", "id", "data"],
  rematch: ["t", "id"],
  resign: ["t", "id"],
  sync: ["t", "c"],
  ackCritical: ["t", "seq"],
};

function bad(path: string, why: string): ClientFrameCheck {
  return { ok: false, message: `${path === "" ? "" : ` at ${path}`}: ${why}` };
}

function inputId(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 1 && v <= MAX_INPUT_ID;
}

/** Check a decoded msgpack value against the client frame shapes. `message` starts with " at <field>" when a field is at fault. */
export function checkClientFrame(raw: unknown): ClientFrameCheck {
  if (!isPlain(raw)) return bad("", "expected an object");
  const t = raw.t;
  const fields = typeof t === "string" && Object.hasOwn(FIELDS, t) ? FIELDS[t] : undefined;
  if (fields === undefined || typeof t !== "string") return bad("t", "unknown frame type");
  // for…in with an own-key test is Object.keys without the array of keys per frame (issue 12).
  for (const key in raw) if (Object.hasOwn(raw, key) && !fields.includes(key)) return bad(key, "unrecognized key");
  switch (t) {
    case "input":
      if (!inputId(raw.id)) return bad("id", "expected an integer input id ≥ 1");
      if (raw.data === undefined) return bad("data", "expected a value");
      return { ok: true, value: { t, id: raw.id, data: raw.data } };
    case "rematch":
    case "resign":
      if (!inputId(raw.id)) return bad("id", "expected an integer input id ≥ 1");
      return { ok: true, value: { t, id: raw.id } };
    case "sync":
      if (typeof raw.c !== "number" || !Number.isFinite(raw.c)) return bad("c", "expected a finite number");
      return { ok: true, value: { t, c: raw.c } };
    default:
      if (typeof raw.seq !== "number" || !Number.isSafeInteger(raw.seq) || raw.seq < 1) return bad("seq", "expected an integer ≥ 1");
      return { ok: true, value: { t: "ackCritical", seq: raw.seq } };
  }
}
