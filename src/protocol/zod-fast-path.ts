/**
 * A precompiled, allocation-free fast path for zod schemas on the per-frame path (issue 12: the zod
 * parse of each real-time input was 2.1 MB per 10 s at 150 runner rooms, ~260 B per input: zod's
 * payload, context, result and a copy of the object).
 *
 * zod stays the single source of every shape: `acceptsAsIs` reads the schema's own definition once
 * (objects, numbers with their bounds and integer format, booleans, optionals, literals, enums) and
 * compiles a predicate that says only "zod would accept this value and return it unchanged". When it
 * says so the caller uses the value as is; otherwise (a bad value, a key zod would strip, or a schema
 * with anything this does not understand: refinements, transforms, defaults, strings with checks…)
 * the caller runs zod, which gives the verdict and the documented error text as before.
 * test/unit/zod-fast-path.test.ts holds the predicate to zod on generated values.
 */
import type * as z from "zod";

type Predicate = (value: unknown) => boolean;

/** zod's definition objects as far as read here (zod 4 keeps them at `schema._zod.def`). */
interface Def {
  readonly type?: unknown;
  readonly shape?: unknown;
  readonly catchall?: unknown;
  readonly innerType?: unknown;
  readonly checks?: unknown;
  readonly values?: unknown;
  readonly entries?: unknown;
}

const compiled = new WeakMap<object, Predicate | null>();

/** Whether zod would accept `value` for `schema` and return it unchanged (false: ask zod). */
export function acceptsAsIs<T>(schema: z.ZodType<T>, value: unknown): value is T {
  let check = compiled.get(schema);
  if (check === undefined) {
    check = compile(schema);
    compiled.set(schema, check);
  }
  return check !== null && check(value);
}

function defOf(schema: unknown): Def | null {
  if (typeof schema !== "object" || schema === null || !("_zod" in schema)) return null;
  const inner = schema._zod;
  if (typeof inner !== "object" || inner === null || !("def" in inner)) return null;
  const def = inner.def;
  return typeof def === "object" && def !== null ? def : null;
}

/** A predicate for the schema, or null when the schema uses anything not understood here. */
function compile(schema: unknown): Predicate | null {
  const def = defOf(schema);
  if (def === null) return null;
  const checks = Array.isArray(def.checks) ? def.checks : [];
  switch (def.type) {
    case "number":
      return numberCheck(checks);
    case "boolean":
      return checks.length === 0 ? (v) => typeof v === "boolean" : null;
    case "string":
      return checks.length === 0 ? (v) => typeof v === "string" : null;
    case "literal":
      return checks.length === 0 && Array.isArray(def.values) && def.values.every(isPrimitive) ? listCheck(def.values) : null;
    case "enum":
      return checks.length === 0 && typeof def.entries === "object" && def.entries !== null ? listCheck(Object.values(def.entries)) : null;
    case "object":
      return checks.length === 0 ? objectCheck(def) : null;
    default:
      return null;
  }
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

/** A strict or stripping z.object of understood fields; extra keys leave the value to zod (strict: an error, strip: a copy). */
function objectCheck(def: Def): Predicate | null {
  const shape = def.shape;
  if (typeof shape !== "object" || shape === null) return null;
  const catchall = def.catchall === undefined ? null : defOf(def.catchall);
  if (def.catchall !== undefined && catchall?.type !== "never") return null;
  const fields: { readonly key: string; readonly optional: boolean; readonly check: Predicate }[] = [];
  for (const [key, field] of Object.entries(shape)) {
    const d = defOf(field);
    const optional = d?.type === "optional";
    const check = compile(optional ? d?.innerType : field);
    if (check === null) return null;
    fields.push({ key, optional, check });
  }
  return (v) => {
    if (typeof v !== "object" || v === null) return false;
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype) return false;
    let present = 0;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      if (f === undefined) return false;
      if (!Object.hasOwn(v, f.key)) {
        if (f.optional) continue;
        return false;
      }
      present += 1;
      const value: unknown = Reflect.get(v, f.key);
      if (value === undefined && f.optional) continue;
      if (!f.check(value)) return false;
    }
    // No key beyond the shape's (counted, not listed: no array of keys per value).
    let own = 0;
    for (const key in v) if (Object.hasOwn(v, key)) own += 1;
    return own === present;
  };
}
