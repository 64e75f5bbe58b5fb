/**
 * The action-log entries a real-time room's record carries until they make one batch row
 * (`RoomRecord.pendingLog`, see deferred-log.ts): applied human inputs only, stored as columns. Entry
 * `i`'s round, seat, input id and tick are `ints[i * CARRIED_INTS ..]`, its time `ats[i]`, its input
 * `data[i]`. Columns rather than one ActionEntry each (issue 12): a carried entry with its boxed time
 * was 3 live heap objects for as long as it rode, ~15 riding in a racing room on average (43 of its
 * ~320 objects at 60 s, bench/capacity/heap.ts); as columns they are the inputs and four arrays.
 * The entries are built as the log has them (same fields, same order) when they leave the record.
 */
import * as z from "zod";
import type { ActionEntry } from "../../protocol";

/** Integers per carried entry in `ints`. */
export const CARRIED_INTS = 4;

const int = z.number().int();

/** The columns as stored since issue 12's change. */
const Columns = z
  .object({ ints: z.array(int), ats: z.array(z.number()), data: z.array(z.unknown()) })
  .refine((c) => c.ints.length === c.ats.length * CARRIED_INTS && c.data.length === c.ats.length, { message: "carried log columns differ in length" });

export type CarriedLog = z.infer<typeof Columns>;

/**
 * As records written before stored them: entries. Only applied human inputs were ever carried (the
 * deferred log's), so an entry of another kind is a corrupt record and fails to load like one.
 */
const CarriedEntry = z.object({ kind: z.literal("input"), round: int, seat: int.min(0), by: z.literal("human"), inputId: int, data: z.unknown(), at: z.number(), tick: int });
const Entries = z.array(CarriedEntry).transform((entries) => {
  const c = emptyCarried();
  for (const e of entries) pushCarried(c, e.round, e.seat, e.inputId, e.data, e.at, e.tick);
  return c;
});

/** `RoomRecord.pendingLog` as stored: columns, or entries in a record written before (read into columns). */
export const CarriedLogSchema = z.union([Columns, Entries]);

export function emptyCarried(): CarriedLog {
  return { ints: [], ats: [], data: [] };
}

export function carriedCount(c: CarriedLog): number {
  return c.ats.length;
}

/** Write entry `i` of the columns (at their end: a new entry; below it: over a slot no longer in use). */
export function writeCarried(c: CarriedLog, i: number, round: number, seat: number, inputId: number, data: unknown, at: number, tick: number): void {
  const k = i * CARRIED_INTS;
  const n = c.ints;
  n[k] = round;
  n[k + 1] = seat;
  n[k + 2] = inputId;
  n[k + 3] = tick;
  c.ats[i] = at;
  c.data[i] = data;
}

export function pushCarried(c: CarriedLog, round: number, seat: number, inputId: number, data: unknown, at: number, tick: number): void {
  writeCarried(c, c.ats.length, round, seat, inputId, data, at, tick);
}

/** Entry `i` of `from`, appended to `to`. */
export function copyCarried(from: CarriedLog, i: number, to: CarriedLog): void {
  const k = i * CARRIED_INTS;
  const n = from.ints;
  pushCarried(to, n[k] ?? 0, n[k + 1] ?? 0, n[k + 2] ?? 0, from.data[i], from.ats[i] ?? 0, n[k + 3] ?? 0);
}

/** Entry `i` as the action log holds it. */
export function carriedEntry(c: CarriedLog, i: number): ActionEntry {
  const k = i * CARRIED_INTS;
  const n = c.ints;
  return { kind: "input", round: n[k] ?? 0, seat: n[k + 1] ?? 0, by: "human", inputId: n[k + 2] ?? null, data: c.data[i], at: c.ats[i] ?? 0, tick: n[k + 3] ?? 0 };
}

/** The carried entries as the action log holds them, oldest first, appended to `out`. */
export function carriedEntries(c: CarriedLog, out: ActionEntry[] = []): ActionEntry[] {
  for (let i = 0; i < c.ats.length; i++) out.push(carriedEntry(c, i));
  return out;
}
