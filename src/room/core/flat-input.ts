/**
 * Applied real-time inputs waiting in the deferred log without an object each (issue 12): a flat
 * plain object whose values are all small integers or booleans (a runner input is `{tick, jump?,
 * duck?}`) is kept as its values in a number column plus a reference to its shape, shared by every
 * room of the isolate; it is rebuilt, same keys in the same order, same values, when the record is
 * written. A racing room had ~28 inputs waiting on average at 60 s, 28 of its ~230 live objects
 * (bench/capacity/heap.ts, 2026-12-07), and what workerd's full collections pay for is objects.
 * Anything else (nested values, strings, other numbers, another prototype) is kept as the object it
 * is: the core does not know a game's input shape, and exactness comes before the saving.
 */

/** Keys of a flat input and which of its values are booleans. Immutable once made; shared across rooms. */
export class FlatShape {
  constructor(
    readonly keys: readonly string[],
    readonly bools: readonly boolean[],
  ) {}

  /** The input again, from its values at `vals[at ..]`: a plain object with the keys in their order. */
  build(vals: readonly number[], at: number): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    for (let j = 0; j < this.keys.length; j++) {
      const v = vals[at + j] ?? 0;
      o[this.keys[j] ?? ""] = this.bools[j] === true ? v === 1 : v;
    }
    return o;
  }
}

/** Shapes seen by this isolate. Bounded: a game whose inputs come in more shapes keeps the rest as objects. */
const shapes: FlatShape[] = [];
const MAX_SHAPES = 32;

/**
 * Integers V8 keeps unboxed everywhere (31-bit Smis under pointer compression, as in workerd): a
 * larger one would turn the number column into doubles and the rebuilt input's field into a boxed
 * number. -0 is not one (it would come back as 0).
 */
function small(v: number): boolean {
  return Number.isInteger(v) && v >= -0x40000000 && v < 0x40000000 && !Object.is(v, -0);
}

/**
 * Write a flat input's values at `vals[at ..]` and return its shape (`shape.keys.length` values
 * written), or null (nothing written) when it is not flat or its shape is not known and cannot be added.
 * Keys and values are read into module scratch (a `for in`, no `Object.keys`/`Object.values` lists):
 * this runs once per applied input.
 */
export function flatten(data: unknown, vals: number[], at: number): FlatShape | null {
  if (typeof data !== "object" || data === null || Object.getPrototypeOf(data) !== Object.prototype) return null;
  let n = 0;
  for (const key in data) {
    // Only own keys, as Object.keys: an enumerable key on Object.prototype would otherwise be copied in.
    if (!Object.prototype.hasOwnProperty.call(data, key)) continue;
    const v: unknown = Reflect.get(data, key);
    if (typeof v !== "boolean" && !(typeof v === "number" && small(v))) return null;
    // An own `__proto__` key (JSON.parse makes one) would set the rebuilt object's prototype instead.
    if (key === "__proto__") return null;
    scratchKeys[n] = key;
    scratchBools[n] = typeof v === "boolean";
    scratchVals[n] = typeof v === "boolean" ? (v ? 1 : 0) : v;
    n++;
  }
  const shape = find(n);
  if (shape !== null) for (let j = 0; j < n; j++) vals[at + j] = scratchVals[j] ?? 0;
  return shape;
}

/** The keys, kinds and values of the input being flattened (valid for its `n` entries). */
const scratchKeys: string[] = [];
const scratchBools: boolean[] = [];
const scratchVals: number[] = [];

function find(n: number): FlatShape | null {
  for (const s of shapes) {
    if (s.keys.length !== n) continue;
    let same = true;
    for (let j = 0; j < n && same; j++) same = s.keys[j] === scratchKeys[j] && s.bools[j] === scratchBools[j];
    if (same) return s;
  }
  if (shapes.length >= MAX_SHAPES) return null;
  const made = new FlatShape(scratchKeys.slice(0, n), scratchBools.slice(0, n));
  shapes.push(made);
  return made;
}
