/**
 * Real-time inputs' action-log entries and durability (issue 12). Applying an input writes nothing:
 * its entry waits here until the next write of the record (an event's update or the checkpoint),
 * then rides inside the record (`pendingLog`, so state and log stay in step) until LOG_BATCH_ENTRIES
 * gather or the round stops, and becomes one action-batch row. Each write also marks every seat's
 * `lastInputId` durable, which is what `snap.dur` tells the seat.
 */
import type { ActionEntry, RoomRecord } from "./record";

/**
 * Real-time action-log entries carried in the record before they are written as one batch row. The
 * carried entries are live heap for as long as they ride (~170 B and 3 heap objects each: the entry, its
 * input, a boxed time), and live heap is what workerd's full collections mark: the floor's rooms with
 * about a room's worth of live objects added held 187 rooms per core instead of 291 (bench/floor-live.ts,
 * 2026-12-07). At 256 a racing room carried ~128 entries on average (~20 KB, about as much as the rest of
 * its core); at 32 it carries ~16, for one batch row per 32 inputs instead of 256 (bench/rows.ts:
 * 1,802 rows per room-hour with alarm writes in its scripted hour, goal 2,500).
 */
export const LOG_BATCH_ENTRIES = 32;

export class DeferredLog {
  /** Entries waiting for the next write of the record. */
  private deferred: ActionEntry[] = [];
  /** Per seat, `lastInputId` as of the last write (what storage holds). */
  private readonly durableIds: number[];
  /** Per seat, how many of the deferred entries are its inputs (applied, not yet durable). */
  private readonly waiting: number[];

  /** Built from storage (or a record just created and written): what it holds is durable. */
  constructor(record: RoomRecord) {
    this.durableIds = record.seats.map((s) => s.lastInputId);
    this.waiting = record.seats.map(() => 0);
  }

  /** One entry for the next write, counted in the record now. Returns how many of its seat's inputs now wait for a write. */
  add(record: RoomRecord, action: ActionEntry): number {
    record.actions += 1;
    this.deferred.push(action);
    if (action.kind !== "input" || action.seat === undefined) return 0;
    this.waiting[action.seat] = (this.waiting[action.seat] ?? 0) + 1;
    return this.waiting[action.seat] ?? 0;
  }

  /** Before other entries are logged: every entry waiting (carried or deferred), to go ahead of them. */
  takeAll(record: RoomRecord): ActionEntry[] {
    const out = record.pendingLog.length > 0 || this.deferred.length > 0 ? [...record.pendingLog, ...this.deferred] : [];
    record.pendingLog = [];
    this.deferred = [];
    return out;
  }

  /**
   * The record is being written: deferred entries go with it (the newest of the log), inside the
   * record while the round runs (`live`), as batch-row entries appended to `actions` once
   * LOG_BATCH_ENTRIES gather or the round stopped; every seat's `lastInputId` is durable from now.
   */
  written(record: RoomRecord, actions: ActionEntry[], live: boolean): void {
    const carry = this.deferred.length > 0 ? record.pendingLog.concat(this.deferred) : record.pendingLog;
    this.deferred = [];
    if (carry.length >= LOG_BATCH_ENTRIES || (carry.length > 0 && !live)) {
      actions.push(...carry);
      record.pendingLog = [];
    } else record.pendingLog = carry;
    record.seats.forEach((s, i) => {
      this.durableIds[i] = s.lastInputId;
      this.waiting[i] = 0;
    });
  }

  /** A seat's durable `lastInputId`: the current one if this batch writes (frames leave after the write), else the last written. */
  durable(record: RoomRecord, seat: number, writing: boolean): number {
    return writing ? (record.seats[seat]?.lastInputId ?? 0) : (this.durableIds[seat] ?? 0);
  }
}
