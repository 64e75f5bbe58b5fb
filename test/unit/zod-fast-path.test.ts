import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { c4InputSchema } from "../../src/games/connect-four";
import { liarsDiceInputSchema } from "../../src/games/liars-dice/schema";
import { runnerInputSchema } from "../../src/games/runner/schema";
import { acceptsAsIs } from "../../src/protocol/zod-fast-path";
import { zodAsIs } from "../support/zod-as-is";

/** Values near the shapes (right keys, wrong keys, extra keys, edge numbers) and anything at all. */
const edgeNumber = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 5400, 5401, 0.5, -1000, 1000, 1001, Number.MAX_SAFE_INTEGER, 2 ** 53, NaN, Infinity, -Infinity, 1e300),
  fc.integer({ min: -2000, max: 6000 }),
  fc.double(),
);
const fieldValue = fc.oneof(edgeNumber, fc.boolean(), fc.constantFrom("dropDisc", "bid", "liar", "", null, undefined), fc.constant([]), fc.constant({}));
const nearShape = fc.dictionary(fc.constantFrom("tick", "jump", "duck", "type", "column", "count", "face", "extra", "__x"), fieldValue, { maxKeys: 5 });
/** Runner-like inputs: mostly the right keys, sometimes a wrong value or an extra key. */
const runnerLike = fc
  .record(
    { tick: fc.oneof(fc.integer({ min: 0, max: 5400 }), edgeNumber), jump: fc.oneof(fc.boolean(), fieldValue), duck: fc.oneof(fc.boolean(), fieldValue), extra: fieldValue },
    { requiredKeys: [] },
  );
/** Values for the synthetic enum/bounds schema below: its bounds are -1 and 10, both exclusive. */
const synthLike = fc.record(
  { e: fc.oneof(fc.constantFrom("a", "b", "c"), fieldValue), n: fc.oneof(fc.constantFrom(-1, -0.5, 0, 9.5, 10, 11), edgeNumber), s: fc.oneof(fc.string(), fieldValue) },
  { requiredKeys: ["e", "n"] },
);
const anyValue = fc.oneof(
  nearShape,
  runnerLike,
  synthLike,
  fc.anything(),
  fc.jsonValue(),
  fc.array(fc.oneof(edgeNumber, fc.string(), fc.constant(null)), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom("e", "n", "s", "__proto__", "x"), fc.oneof(fieldValue, fc.jsonValue()), { maxKeys: 4 }),
  fc.constant(new Uint8Array(2)),
  fc.constant(Object.create(null)),
);

const SCHEMAS: [string, z.ZodType][] = [
  ["runner input (strict object)", runnerInputSchema],
  ["connect-four input (stripping object with a literal)", c4InputSchema],
  ["liar's dice input (discriminated union: left to zod)", liarsDiceInputSchema],
  ["enum, gt/lt bounds, string", z.object({ e: z.enum(["a", "b"]), n: z.number().gt(-1).lt(10), s: z.string().optional() }).strict()],
  ["a refinement", z.object({ n: z.number().refine((n) => n !== 3) }).strict()],
  ["nullable, default, regex string, passthrough", z.object({ e: z.enum(["a", "b"]).nullable(), n: z.number().int().default(4), s: z.string().regex(/^[a-z]*$/).optional() }).passthrough()],
  ["an array of a union of primitives with a refinement on the array", z.object({ e: z.array(z.union([z.number(), z.string(), z.null()])).refine((a) => a.length % 2 === 0), n: z.unknown() }).strict()],
  ["a union of containers (array before object)", z.union([z.array(z.number()), z.object({ e: z.string() }), z.string()])],
  ["a union whose first option strips keys (only the first option can vouch)", z.union([z.object({ e: z.string() }), z.object({ e: z.string(), n: z.number() }).strict()])],
  ["z.json()", z.json()],
  ["z.record(z.string(), z.number())", z.record(z.string(), z.number())],
];

describe("the zod fast path", () => {
  for (const [name, schema] of SCHEMAS) {
    it(`accepts a value as is only when zod accepts it unchanged: ${name}`, () => {
      fc.assert(
        fc.property(anyValue, (value) => {
          if (acceptsAsIs(schema, value)) expect(zodAsIs(schema, value)).toBe(true);
        }),
        { numRuns: 5000 },
      );
    });
  }

  it("takes the fast path for every runner input zod accepts unchanged, so zod runs only for bad inputs", () => {
    let fast = 0;
    fc.assert(
      fc.property(fc.oneof(runnerLike, nearShape), (value) => {
        const asIs = zodAsIs(runnerInputSchema, value);
        expect(acceptsAsIs(runnerInputSchema, value)).toBe(asIs);
        if (asIs) fast += 1;
      }),
      { numRuns: 20_000 },
    );
    expect(fast).toBeGreaterThan(100);
    expect(acceptsAsIs(runnerInputSchema, { tick: 12, jump: true })).toBe(true);
    expect(acceptsAsIs(c4InputSchema, { type: "dropDisc", column: 3 })).toBe(true);
  });

  it("takes a JSON value as is for z.json() exactly when zod returns it unchanged (an own __proto__ key zod drops)", () => {
    const json = z.json();
    let fast = 0;
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const asIs = zodAsIs(json, value);
        expect(acceptsAsIs(json, value)).toBe(asIs);
        if (asIs) fast += 1;
      }),
      { numRuns: 2000 },
    );
    expect(fast).toBeGreaterThan(1500);
    expect(acceptsAsIs(json, JSON.parse('{"__proto__": 1}'))).toBe(false);
  });
});
