/**
 * A seat's remembered input outcomes (`SeatRecord.recent`), for exact answers to re-sent ids: one flat
 * array, OUTCOME_SLOTS slots per outcome, oldest first: [id, seq or tick or null, code or null, message
 * or null]. Flat rather than one small array per outcome (issue 12, "rooms per core"): a racing seat
 * remembers 32, and as 32 tuples they were 66 heap objects per seat (2 per outcome), ~12 KB and 264 of
 * the ~660 objects a 4-player racing room keeps alive (bench/capacity/heap.ts at 60 s, 2026-12-07);
 * workerd's full collections mark every one. Flat, a seat's outcomes are one array and its element
 * store whatever the count, ids and ticks small integers inside it, and the record saves them as one
 * msgpack array.
 */
import * as z from "zod";

/** Slots per outcome in the flat array. */
export const OUTCOME_SLOTS = 4;

export type OutcomeSlot = number | string | null;

/** Each outcome's slots have the types above; checked on load, so reads below need no casts. */
function wellFormed(a: readonly OutcomeSlot[]): boolean {
  if (a.length % OUTCOME_SLOTS !== 0) return false;
  for (let i = 0; i < a.length; i += OUTCOME_SLOTS) {
    const [id, seq, code, message] = [a[i], a[i + 1], a[i + 2], a[i + 3]];
    if (typeof id !== "number" || (seq !== null && typeof seq !== "number")) return false;
    if ((code !== null && typeof code !== "string") || (message !== null && typeof message !== "string")) return false;
  }
  return true;
}

/** The outcomes as stored since issue 12's change. */
const FlatOutcomes = z.array(z.union([z.number(), z.string(), z.null()])).refine(wellFormed, { message: "outcomes are not [id, seq, code, message] groups" });

/** As records written before it stored them: one [id, seq, code, message] tuple per outcome. */
const TupleOutcomes = z.array(z.tuple([z.number(), z.number().nullable(), z.string().nullable(), z.string().nullable()])).transform((tuples) => tuples.flat());

/** `SeatRecord.recent` as stored: flat, or a record written before that (tuples, read into the flat form). */
export const RecentOutcomesSchema = z.union([FlatOutcomes, TupleOutcomes]);

/**
 * Remember an outcome, dropping the oldest beyond `limit` outcomes; returns the array to keep. The array
 * that has just filled up is handed back as an exact-size copy (growing by pushes left it ~35 % spare
 * capacity, kept for the rest of the match); from then on it is reused and nothing is allocated.
 */
export function rememberOutcome(recent: OutcomeSlot[], limit: number, id: number, seq: number | null, code: string | null, message: string | null): OutcomeSlot[] {
  const len = recent.length;
  const drop = len + OUTCOME_SLOTS - limit * OUTCOME_SLOTS;
  if (drop <= 0) {
    recent.push(id, seq, code, message);
    return drop === 0 ? recent.slice() : recent;
  }
  // Full: shift in place and write the newest over the freed tail. `splice`/`shift` would allocate or
  // shrink and regrow the element store; changing the length would make it holey.
  for (let i = drop; i < len; i++) recent[i - drop] = recent[i] ?? null;
  if (drop > OUTCOME_SLOTS) recent.length = len - drop + OUTCOME_SLOTS; // more than `limit` stored (an older build's 64)
  const at = recent.length - OUTCOME_SLOTS;
  recent[at] = id;
  recent[at + 1] = seq;
  recent[at + 2] = code;
  recent[at + 3] = message;
  return recent;
}

/** Index of the first slot of the remembered outcome for this input id, or -1. */
export function findOutcome(recent: readonly OutcomeSlot[], id: number): number {
  for (let i = 0; i < recent.length; i += OUTCOME_SLOTS) if (recent[i] === id) return i;
  return -1;
}

/** The highest input id remembered, or `floor` if none is higher. */
export function highestOutcomeId(recent: readonly OutcomeSlot[], floor: number): number {
  let max = floor;
  for (let i = 0; i < recent.length; i += OUTCOME_SLOTS) {
    const id = recent[i];
    if (typeof id === "number" && id > max) max = id;
  }
  return max;
}

/** The outcome at index `at` (from `findOutcome`): its seq or tick, error code and message. */
export function outcomeSeq(recent: readonly OutcomeSlot[], at: number): number | null {
  const v = recent[at + 1];
  return typeof v === "number" ? v : null;
}
export function outcomeCode(recent: readonly OutcomeSlot[], at: number): string | null {
  const v = recent[at + 2];
  return typeof v === "string" ? v : null;
}
export function outcomeMessage(recent: readonly OutcomeSlot[], at: number): string | null {
  const v = recent[at + 3];
  return typeof v === "string" ? v : null;
}
