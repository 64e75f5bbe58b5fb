/**
 * The container shapes of the zod fast path (zod-fast-path.ts): objects, arrays, records and unions,
 * each built from its parts' predicates through the `compile` it is given (that file memoises it and
 * handles recursive schemas).
 */

export type Predicate = (value: unknown) => boolean;
type Compile = (schema: unknown) => Predicate | null;

/** zod's definition objects as far as read here (zod 4 keeps them at `schema._zod.def`). */
export interface Def {
  readonly type?: unknown;
  readonly shape?: unknown;
  readonly catchall?: unknown;
  readonly innerType?: unknown;
  readonly checks?: unknown;
  readonly values?: unknown;
  readonly entries?: unknown;
  readonly element?: unknown;
  readonly options?: unknown;
  readonly discriminator?: unknown;
  readonly fn?: unknown;
  readonly when?: unknown;
  readonly format?: unknown;
  readonly pattern?: unknown;
  readonly getter?: unknown;
  readonly keyType?: unknown;
  readonly valueType?: unknown;
}

export function defOf(schema: unknown): Def | null {
  if (typeof schema !== "object" || schema === null || !("_zod" in schema)) return null;
  const inner = schema._zod;
  if (typeof inner !== "object" || inner === null || !("def" in inner)) return null;
  const def = inner.def;
  return typeof def === "object" && def !== null ? def : null;
}

/** z.array(element) without length checks: zod returns a copy of the same elements when each is accepted as is. */
export function arrayCheck(def: Def, compile: Compile): Predicate | null {
  const element = compile(def.element);
  if (element === null) return null;
  return (v) => {
    if (!Array.isArray(v)) return false;
    for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
    return true;
  };
}

/** Types whose predicate is exactly zod's verdict (accepted means returned unchanged), none of them objects. */
const EXACT = new Set(["number", "boolean", "string", "null", "literal", "enum"]);

/** For the container types: values zod refuses for their type alone, whatever the schema inside. */
function refusedByType(def: Def | null): Predicate | null {
  switch (def?.type) {
    case "array":
      return (v) => !Array.isArray(v);
    case "object":
    case "record":
      return (v) => typeof v !== "object" || v === null || Array.isArray(v);
    default:
      return null;
  }
}

/**
 * z.union: zod returns the first option that accepts. A value is taken as is when some option takes it
 * as is and every option before it certainly refuses it: an exact type (primitives: its predicate is
 * zod's verdict), or a container refusing the value for its type. Otherwise zod decides.
 */
export function unionCheck(def: Def, compile: Compile): Predicate | null {
  if (!Array.isArray(def.options) || def.options.length === 0) return null;
  const options = def.options.map((o) => {
    const d = defOf(o);
    const check = compile(o);
    return { check, exact: check !== null && EXACT.has(String(d?.type)), refused: refusedByType(d) };
  });
  if (options.every((o) => o.check === null)) return null;
  return (v) => {
    for (const o of options) {
      if (o.check !== null && o.check(v)) return true;
      if (o.exact || (o.refused !== null && o.refused(v))) continue;
      return false;
    }
    return false;
  };
}

/** z.record(z.string(), value): a plain object with enumerable string keys only ("__proto__" zod would drop). */
export function recordCheck(def: Def, compile: Compile): Predicate | null {
  const key = defOf(def.keyType);
  if (key?.type !== "string" || (Array.isArray(key.checks) && key.checks.length > 0)) return null;
  const value = compile(def.valueType);
  if (value === null) return null;
  return (v) => {
    if (typeof v !== "object" || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false;
    for (const k of Reflect.ownKeys(v)) {
      if (typeof k !== "string" || k === "__proto__" || !Object.prototype.propertyIsEnumerable.call(v, k)) return false;
      if (!value(Reflect.get(v, k))) return false;
    }
    return true;
  };
}

/** A strict or stripping z.object of understood fields; extra keys leave the value to zod (strict: an error, strip: a copy). */
export function objectCheck(def: Def, compile: Compile): Predicate | null {
  const shape = def.shape;
  if (typeof shape !== "object" || shape === null) return null;
  const catchall = def.catchall === undefined ? null : defOf(def.catchall);
  // `.strict()` (never) refuses extra keys, `.passthrough()` (unknown) copies them as they are.
  if (def.catchall !== undefined && catchall?.type !== "never" && catchall?.type !== "unknown") return null;
  const extraKeys = catchall?.type === "unknown";
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
    if (extraKeys) return true;
    // No key beyond the shape's (counted, not listed: no array of keys per value).
    let own = 0;
    for (const key in v) if (Object.hasOwn(v, key)) own += 1;
    return own === present;
  };
}
