/**
 * Seeded random values for the conformance suite: arbitrary JSON (what a
 * hostile client can put in a frame), and values shaped by a zod schema (so
 * inputs get past the room's validation and reach the game), including the
 * edge numbers a game's rules must refuse rather than trip over.
 */
import * as z from "zod";
import type { Rng } from "../../games/rng";

const EDGE_NUMBERS = [0, -1, 1, 2, 7, -7, 0.5, 1e9, -1e9, 2 ** 31, 2 ** 32, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
const EDGE_STRINGS = ["", "a", "type", "__proto__", "constructor", "x".repeat(300), "\u0000", "é😀"];
const KEYS = ["type", "column", "tick", "seat", "id", "data", "__proto__", "quantity", "face", "jump", "duck", "x"];

function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[rng.int(items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

/** Any JSON value, nested at most `depth` deep. */
export function randomJson(rng: Rng, depth = 3): unknown {
  const kind = rng.int(depth > 0 ? 7 : 5);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.int(2) === 0;
    case 2:
      return rng.int(3) === 0 ? pick(rng, EDGE_NUMBERS) : rng.int(21) - 10;
    case 3:
      return pick(rng, EDGE_STRINGS);
    case 4:
      return rng.int(100);
    case 5:
      return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth - 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = rng.int(4); i > 0; i--) Object.defineProperty(out, pick(rng, KEYS), { value: randomJson(rng, depth - 1), enumerable: true, writable: true, configurable: true });
      return out;
    }
  }
}

function sampleNumber(schema: z.ZodNumber, rng: Rng): number {
  const lo = Math.max(schema.minValue ?? -1e6, -1e6);
  const hi = Math.min(schema.maxValue ?? 1e6, 1e6);
  const roll = rng.int(10);
  // Mostly small values (where game rules live), sometimes the schema's own bounds and beyond.
  const raw = roll < 6 ? rng.int(21) - 5 : roll < 8 ? (rng.int(2) === 0 ? lo : hi) : pick(rng, EDGE_NUMBERS);
  const clamped = Math.min(hi, Math.max(lo, raw));
  return schema.isInt ? Math.round(clamped) : clamped;
}

/** A value shaped like `schema` (it may still fail refinements: callers keep what parses). */
export function sampleOf(schema: z.core.$ZodType, rng: Rng, depth = 4): unknown {
  if (depth < 0) return null;
  if (schema instanceof z.ZodObject) {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(schema.shape)) {
      const v = sampleOf(field, rng, depth - 1);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  if (schema instanceof z.ZodUnion) return sampleOf(pick(rng, schema.options), rng, depth);
  if (schema instanceof z.ZodLiteral) return pick(rng, [...schema.values]);
  if (schema instanceof z.ZodEnum) return pick(rng, schema.options);
  if (schema instanceof z.ZodNumber) return sampleNumber(schema, rng);
  if (schema instanceof z.ZodBoolean) return rng.int(2) === 0;
  if (schema instanceof z.ZodString) return pick(rng, EDGE_STRINGS.slice(0, 4));
  if (schema instanceof z.ZodOptional) return rng.int(3) === 0 ? undefined : sampleOf(schema.unwrap(), rng, depth);
  if (schema instanceof z.ZodNullable) return rng.int(4) === 0 ? null : sampleOf(schema.unwrap(), rng, depth);
  if (schema instanceof z.ZodDefault) return rng.int(3) === 0 ? undefined : sampleOf(schema.unwrap(), rng, depth);
  if (schema instanceof z.ZodArray) return Array.from({ length: rng.int(4) }, () => sampleOf(schema.element, rng, depth - 1));
  if (schema instanceof z.ZodTuple) return schema.def.items.map((item) => sampleOf(item, rng, depth - 1));
  return randomJson(rng, 2);
}

/**
 * A schema-valid input, sometimes with one field replaced by arbitrary JSON first (the room refuses
 * those unless the schema takes them): null when `tries` samples never parse.
 */
export function validSample<T>(schema: z.ZodType<T>, rng: Rng, tries = 8): { value: T } | null {
  for (let i = 0; i < tries; i++) {
    let candidate = sampleOf(schema, rng);
    if (rng.int(4) === 0 && typeof candidate === "object" && candidate !== null && !Array.isArray(candidate)) {
      const keys = Object.keys(candidate);
      if (keys.length > 0) candidate = { ...candidate, [pick(rng, keys)]: randomJson(rng, 1) };
    }
    const parsed = schema.safeParse(candidate);
    if (parsed.success) return { value: parsed.data };
  }
  return null;
}
