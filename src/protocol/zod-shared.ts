/**
 * The zod schemas that recur across the wire, HTTP and stored shapes, built once per isolate and shared
 * by every field that has that shape (issue 12, "rooms per core": the worker's fixed heap).
 *
 * Every zod schema is a graph of ~11 heap objects (its internals and the closures zod's init makes), and
 * every chained step (`.int()`, `.min()`, `.nullable()`) builds another schema that keeps the one it
 * came from (`_zod.parent`): `z.number()` is ~11 nodes, `z.number().int()` ~56 (the integer format is a
 * schema of its own), `z.number().int().min(0)` ~87. A full mark-compact marks all of them on the
 * isolate's one thread, however many rooms it holds; the same few shapes written out at ~250 fields
 * were ~10 k of the worker's ~80 k live nodes. A schema is immutable, so one instance serves every
 * field; further steps (`nonNegInt.max(15)`) still build their own.
 */
import * as z from "zod";

export const str = z.string();
export const num = z.number();
export const int = z.number().int();
export const bool = z.boolean();
/** Any value (zod's `unknown`). */
export const anything = z.unknown();
/** Integers from 0 (counts, sequence numbers, versions). */
export const nonNegInt = int.min(0);
/** Integers from 1. */
export const posInt = int.min(1);
export const strOrNull = str.nullable();
export const numOrNull = num.nullable();
export const intOrNull = int.nullable();
export const nonEmptyStr = str.min(1);
/** A seat index (rooms have at most 16 seats). */
export const seatIndex = nonNegInt.max(15);
/** Who holds a seat. */
export const seatKind = z.enum(["human", "ai"]);
/** A match's mode: against people or against the room's AI. */
export const matchMode = z.enum(["pvp", "ai"]);
/** A connection's role in a room. */
export const connRole = z.enum(["player", "spectator"]);
