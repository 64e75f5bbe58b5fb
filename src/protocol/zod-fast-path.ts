/**
 * A precompiled, allocation-free fast path for zod schemas on the per-frame path (issue 12: the zod
 * parse of each real-time input was 2.1 MB per 10 s at 150 runner rooms, ~260 B per input: zod's
 * payload, context, result and a copy of the object).
 *
 * zod stays the single source of every shape: `acceptsAsIs` reads the schema's own definition once
 * (objects, numbers with their bounds and integer format, booleans, optionals, literals, enums) and
 * compiles a predicate that says only "zod would accept this value and return it unchanged". When it
 * says so the caller uses the value as is; otherwise (a bad value, a key zod would strip, a default
 * zod would fill in, or a schema with anything this does not understand: transforms, pipes, lazies,
 * tuples, records, discriminated unions, string formats other than a plain regex…) the caller runs
 * zod, which gives the verdict and the documented error text as before.
 *
 * Also on the wake path (storage.ts, socket-attachment.ts): a room's first zod parse of its stored
 * record in an isolate ran zod's lazy initialisation of every nested schema (~5-12 ms in workerd,
 * bench/wake-profile.ts), the tail of the wake figure; the fast path reads only the definitions.
 * test/unit/zod-fast-path.test.ts holds the predicate to zod on generated values.
 */
import type * as z from "zod";

import { arrayCheck, defOf, objectCheck, recordCheck, unionCheck, type Def, type Predicate } from "./zod-fast-path-shapes";

const compiled = new WeakMap<object, Predicate | null>();

/** Whether zod would accept `value` for `schema` and return it unchanged (false: ask zod). */
export function acceptsAsIs<T>(schema: z.ZodType<T>, value: unknown): value is T {
  const check = compile(schema);
  return check !== null && check(value);
}

/** Schemas being compiled: a recursive schema (z.json()) meets itself through a lazy. */
const compiling = new WeakSet<object>();

/** A predicate for the schema, or null when the schema uses anything not understood here (memoised). */
function compile(schema: unknown): Predicate | null {
  if (typeof schema !== "object" || schema === null) return null;
  const known = compiled.get(schema);
  if (known !== undefined) return known;
  // Met again while being compiled: look the result up when a value is checked (false if it came out null).
  if (compiling.has(schema)) return (v) => compiled.get(schema)?.(v) ?? false;
  compiling.add(schema);
  const check = compileNew(schema);
  compiling.delete(schema);
  compiled.set(schema, check);
  return check;
}

function compileNew(schema: unknown): Predicate | null {
  const def = defOf(schema);
  if (def === null) return null;
  const all = Array.isArray(def.checks) ? def.checks : [];
  // Refinements (`.refine(fn)`) run after the type's own parse, on a value that passed it: here, after the predicate.
  const refinements: ((v: unknown) => unknown)[] = [];
  const checks: unknown[] = [];
  for (const c of all) {
    const fn = refinement(c);
    if (fn === null) checks.push(c);
    else refinements.push(fn);
  }
  const base = typeCheck(def, checks);
  if (base === null || refinements.length === 0) return base;
  return (v) => {
    if (!base(v)) return false;
    for (const fn of refinements) {
      const r = fn(v);
      // An async refinement is zod's to run (it throws for it in a synchronous parse).
      if (r instanceof Promise || !r) return false;
    }
    return true;
  };
}

/** A `.refine(fn)` check's function, or null for any other check. */
function refinement(check: unknown): ((v: unknown) => unknown) | null {
  const d = defOf(check);
  if (d === null || d.type !== "custom" || !("check" in d) || d.check !== "custom" || d.when !== undefined) return null;
  const fn = d.fn;
  return typeof fn === "function" ? (v) => fn(v) : null;
}

function typeCheck(def: Def, checks: readonly unknown[]): Predicate | null {
  switch (def.type) {
    case "number":
      return numberCheck(checks);
    case "boolean":
      return checks.length === 0 ? (v) => typeof v === "boolean" : null;
    case "string":
      return stringCheck(checks);
    case "null":
      return checks.length === 0 ? (v) => v === null : null;
    // Anything but `undefined`, whose key zod may leave out of the copy it returns.
    case "unknown":
    case "any":
      return checks.length === 0 ? (v) => v !== undefined : null;
    case "literal":
      return checks.length === 0 && Array.isArray(def.values) && def.values.every(isPrimitive) ? listCheck(def.values) : null;
    case "enum":
      return checks.length === 0 && typeof def.entries === "object" && def.entries !== null ? listCheck(Object.values(def.entries)) : null;
    case "object":
      return checks.length === 0 ? objectCheck(def, compile) : null;
    case "array":
      return checks.length === 0 ? arrayCheck(def, compile) : null;
    case "nullable": {
      const inner = checks.length === 0 ? compile(def.innerType) : null;
      return inner === null ? null : (v) => v === null || inner(v);
    }
    // A present value is parsed by the inner schema; an absent one gets the default (not "as is").
    case "default": {
      const inner = checks.length === 0 ? compile(def.innerType) : null;
      return inner === null ? null : (v) => v !== undefined && inner(v);
    }
    case "union":
      return checks.length === 0 && def.discriminator === undefined ? unionCheck(def, compile) : null;
    case "record":
      return checks.length === 0 ? recordCheck(def, compile) : null;
    case "lazy":
      return checks.length === 0 && typeof def.getter === "function" ? compile(def.getter()) : null;
    default:
      return null;
  }
}

/** z.string(), or with `.regex(re)` checks (zod resets `lastIndex` and tests, as here). */
function stringCheck(checks: readonly unknown[]): Predicate | null {
  const patterns: RegExp[] = [];
  for (const c of checks) {
    const d = defOf(c);
    if (d === null || !("check" in d) || d.check !== "string_format" || d.format !== "regex" || !(d.pattern instanceof RegExp)) return null;
    patterns.push(d.pattern);
  }
  return (v) => {
    if (typeof v !== "string") return false;
    for (const p of patterns) {
      p.lastIndex = 0;
      if (!p.test(v)) return false;
    }
    return true;
  };
}

function isPrimitive(v: unknown): boolean {
  return v === null || ["string", "number", "boolean"].includes(typeof v);
}

function listCheck(values: readonly unknown[]): Predicate {
  const allowed = values.slice();
  // NaN never equals itself, in zod's literal check too: leave such lists to zod.
  return (v) => allowed.includes(v) && v === v;
}

/** z.number() with `.int()` (safeint), `.min`, `.max`, `.gt`, `.lt`: finite numbers within the bounds. */
function numberCheck(checks: readonly unknown[]): Predicate | null {
  let min = -Infinity;
  let minInclusive = true;
  let max = Infinity;
  let maxInclusive = true;
  let integer = false;
  for (const c of checks) {
    const d = defOf(c);
    if (d === null || !("check" in d)) return null;
    if (d.check === "number_format" && "format" in d && d.format === "safeint") integer = true;
    else if ((d.check === "greater_than" || d.check === "less_than") && "value" in d && typeof d.value === "number" && "inclusive" in d) {
      if (d.check === "greater_than") {
        min = d.value;
        minInclusive = d.inclusive === true;
      } else {
        max = d.value;
        maxInclusive = d.inclusive === true;
      }
    } else return null;
  }
  return (v) =>
    typeof v === "number" &&
    Number.isFinite(v) &&
    (!integer || Number.isSafeInteger(v)) &&
    (minInclusive ? v >= min : v > min) &&
    (maxInclusive ? v <= max : v < max);
}
