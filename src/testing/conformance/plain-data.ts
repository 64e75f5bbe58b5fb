/**
 * Plain data, structurally: what the room may persist with msgpack, hash, send
 * as JSON and compare. Only null, booleans, finite numbers, strings, dense
 * arrays and plain objects; anything else (undefined, NaN, Map, Set, Date, a
 * class instance) would change or vanish on a round trip.
 */
import { Packr } from "msgpackr";

// The same msgpack settings as the state hash (src/protocol/state-hash.ts), minus the lenient undefined handling.
const packr = new Packr({ useRecords: false, moreTypes: false, variableMapSize: true, mapsAsObjects: true, int64AsType: "number" });

/** Where `value` stops being plain data (a path and why), or null when it is plain throughout. */
export function plainDataProblem(value: unknown, path = "$"): string | null {
  if (value === null || typeof value === "boolean" || typeof value === "string") return null;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0) ? null : `${path} is ${String(value)}, which does not survive JSON`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return `${path}[${i}] is a hole in a sparse array`;
      const p = plainDataProblem(value[i], `${path}[${i}]`);
      if (p) return p;
    }
    return null;
  }
  if (typeof value !== "object") return `${path} is a ${typeof value}`;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return `${path} is a ${value.constructor?.name ?? "non-plain object"}, not a plain object`;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) return `${path}.${k} is undefined (msgpack and JSON drop or change it; use null)`;
    const p = plainDataProblem(v, `${path}.${k}`);
    if (p) return p;
  }
  return null;
}

/** Why `value` does not come back identical from msgpack and from JSON, or null when both are exact. */
export function roundTripProblem(value: unknown): string | null {
  const plain = plainDataProblem(value);
  if (plain) return plain;
  if (!deepEqual(packr.unpack(packr.pack(value)), value)) return "it changes on a msgpack round trip";
  if (!deepEqual(JSON.parse(JSON.stringify(value)), value)) return "it changes on a JSON round trip";
  return null;
}

/** A deep copy through msgpack: what the room gets back after persisting. */
export function msgpackCopy<T>(value: T): unknown {
  return packr.unpack(packr.pack(value));
}

/** msgpack bytes of any value (to forge frames a hostile client could send). */
export function msgpackBytes(value: unknown): Uint8Array {
  return new Uint8Array(packr.pack(value));
}

/** Structural equality of plain data (key order ignored, as msgpack and JSON readers ignore it). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(Reflect.get(a, k), Reflect.get(b, k)));
}

/**
 * Where `needle` occurs in `haystack`, or null. An object needle matches any object holding all of
 * its fields with equal values (so `{hand, dice}` is found inside `{type: "yourDice", hand, dice}`);
 * any other needle matches an equal subtree.
 */
export function findValue(haystack: unknown, needle: unknown, path = "$"): string | null {
  if (matches(haystack, needle)) return path;
  if (typeof haystack !== "object" || haystack === null) return null;
  if (Array.isArray(haystack)) {
    for (let i = 0; i < haystack.length; i++) {
      const p = findValue(haystack[i], needle, `${path}[${i}]`);
      if (p) return p;
    }
    return null;
  }
  for (const [k, v] of Object.entries(haystack)) {
    const p = findValue(v, needle, `${path}.${k}`);
    if (p) return p;
  }
  return null;
}

function matches(candidate: unknown, needle: unknown): boolean {
  if (typeof needle !== "object" || needle === null || Array.isArray(needle)) return deepEqual(candidate, needle);
  if (typeof candidate !== "object" || candidate === null || Array.isArray(candidate)) return false;
  const fields = Object.entries(needle);
  return fields.length > 0 && fields.every(([k, v]) => Object.prototype.hasOwnProperty.call(candidate, k) && deepEqual(Reflect.get(candidate, k), v));
}

function leaves(value: unknown): number {
  if (typeof value !== "object" || value === null) return 1;
  return Object.values(value).reduce<number>((n, v) => n + leaves(v), 0);
}

/**
 * What to look for to find a secret: the whole value, and each array or object field of an object
 * secret holding at least three values (the dice inside `{hand, dice}`), which a leak may carry
 * without the rest. Smaller fields (one or two dice) are too likely to equal something public.
 */
export function secretNeedles(value: unknown): unknown[] {
  const out = [value];
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const v of Object.values(value)) if (typeof v === "object" && v !== null && leaves(v) >= 3) out.push(v);
  }
  return out;
}
