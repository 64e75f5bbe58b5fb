/**
 * Real-time inputs' action-log entries and durability (issue 12). Applying an input writes nothing:
 * its entry waits here until the next write of the record (an event's update or the checkpoint),
 * then rides inside the record (`pendingLog`, so state and log stay in step) until LOG_BATCH_ENTRIES
 * gather or the round stops, and becomes one action-batch row. Each write also marks every seat's
 * `lastInputId` durable, which is what `snap.dur` tells the seat.
 */
import { carriedCount, carriedEntries, carriedEntry, copyCarried, emptyCarried, writeCarried, type CarriedLog } from "./carried-log";
import { FlatShape, flatten } from "./flat-input";
import type { ActionEntry, RoomRecord } from "./record";

/**
 * Real-time action-log entries carried in the record before they are written as one batch row. The
 * carried entries are live heap for as long as they ride (~170 B and 3 heap objects each as entries: the
 * entry, its input, a boxed time; as the columns they now are (carried-log.ts), the input and ~40 B), and
 * live heap is what workerd's full collections mark: the floor's rooms with
 * about a room's worth of live objects added held 187 rooms per core instead of 291 (bench/floor-live.ts,
 * 2026-12-07). At 256 a racing room carried ~128 entries on average (~20 KB, about as much as the rest of
 * its core); at 32 it carries ~16, for one batch row per 32 inputs instead of 256 (bench/rows.ts:
 * 1,802 rows per room-hour with alarm writes in its scripted hour, goal 2,500).
 */
export const LOG_BATCH_ENTRIES = 32;

export class DeferredLog {
  /**
   * Applied inputs waiting for the next write, packed in the carried log's columns (carried-log.ts);
   * the first `count` are in use, the rest keep their capacity for the next ones. Not one ActionEntry
   * each: with its boxed time that was 3 heap objects per input, and a racing room had ~28 waiting on
   * average at 60 s (84 objects, 4.4 KB; bench/capacity/heap.ts, 2026-12-07). The times (above the
   * small-integer range) have an array of their own, where they are stored unboxed; in `ints` the small
   * integers stay small integers, and so do the fields of the entries built from them when the record
   * is written (read from a double array, they would make the entries' fields boxed doubles).
   * A flat input (flat-input.ts) is not kept as its object either: `columns.data[i]` holds its shape
   * and `vals` its values, in entry order (`used` of them in use); it is rebuilt when the record is written.
   */
  private count = 0;
  private readonly columns: CarriedLog = emptyCarried();
  private readonly vals: number[] = [];
  private used = 0;
  /**
   * Per seat `s`: at `2s`, its `lastInputId` as of the last write (what storage holds); at `2s + 1`,
   * how many of the deferred entries are its inputs (applied, not yet durable). One list, not two:
   * two live objects fewer per room.
   */
  private readonly seats: number[];

  /** Built from storage (or a record just created and written): what it holds is durable. */
  constructor(record: RoomRecord) {
    this.seats = record.seats.flatMap((s) => [s.lastInputId, 0]);
  }

  /**
   * An applied human input's entry (`kind: "input"`) for the next write, counted in the record now.
   * Returns how many of its seat's inputs now wait for a write.
   */
  addInput(record: RoomRecord, round: number, seat: number, inputId: number, data: unknown, at: number, tick: number): number {
    record.actions += 1;
    const shape = flatten(data, this.vals, this.used);
    if (shape !== null) this.used += shape.keys.length;
    writeCarried(this.columns, this.count++, round, seat, inputId, shape ?? data, at, tick);
    const waiting = (this.seats[2 * seat + 1] ?? 0) + 1;
    this.seats[2 * seat + 1] = waiting;
    return waiting;
  }

  /** Before other entries are logged: every entry waiting (carried or deferred), to go ahead of them. */
  takeAll(record: RoomRecord): ActionEntry[] {
    if (carriedCount(record.pendingLog) === 0 && this.count === 0) return [];
    const out = carriedEntries(record.pendingLog);
    record.pendingLog = emptyCarried();
    this.drain((i) => out.push(carriedEntry(this.columns, i)));
    return out;
  }

  /**
   * The record is being written: deferred entries go with it (the newest of the log), inside the
   * record while the round runs (`live`), as batch-row entries appended to `actions` once
   * LOG_BATCH_ENTRIES gather or the round stopped; every seat's `lastInputId` is durable from now.
   */
  written(record: RoomRecord, actions: ActionEntry[], live: boolean): void {
    const carried = record.pendingLog;
    this.drain((i) => copyCarried(this.columns, i, carried));
    const n = carriedCount(carried);
    if (n >= LOG_BATCH_ENTRIES || (n > 0 && !live)) {
      carriedEntries(carried, actions);
      record.pendingLog = emptyCarried();
    }
    record.seats.forEach((s, i) => {
      this.seats[2 * i] = s.lastInputId;
      this.seats[2 * i + 1] = 0;
    });
  }

  /**
   * Hand each deferred entry's index, oldest first, to `each` (its input rebuilt in `columns.data[i]`
   * if it was flattened) and forget them (the columns keep their capacity).
   */
  private drain(each: (i: number) => void): void {
    const data = this.columns.data;
    let v = 0;
    for (let i = 0; i < this.count; i++) {
      const d = data[i];
      if (d instanceof FlatShape) {
        data[i] = d.build(this.vals, v);
        v += d.keys.length;
      }
      each(i);
      // Not kept alive by a slot no longer in use.
      data[i] = undefined;
    }
    this.count = 0;
    this.used = 0;
  }

  /** A seat's durable `lastInputId`: the current one if this batch writes (frames leave after the write), else the last written. */
  durable(record: RoomRecord, seat: number, writing: boolean): number {
    return writing ? (record.seats[seat]?.lastInputId ?? 0) : (this.seats[2 * seat] ?? 0);
  }
}
