/**
 * Billable-operation counters of one room, for the operator, benchmarks and the cost model. They are
 * cumulative over the room's life: each save writes them into the record's row (no extra row or
 * write), and a new instance adds what was saved to its own. What happened after the last save of an
 * instance that is then evicted (pings answered, frames that changed nothing) is not counted.
 */
import * as z from "zod";
import { acceptsAsIs } from "../../protocol/zod-fast-path";
import type { RoomCore } from "../core/room-core";

export interface OpsCounters {
  bornAt: number;
  lastEventAt: number;
  alarmWrites: number;
  alarmRuns: number;
  storageWrites: number;
  rowsWritten: number;
  messages: number;
  /** Frames from sockets the room had already closed (policy, replaced, timed out): dropped unread. */
  droppedFrames: number;
  /** Rows written by earlier instances, from the stored counters. */
  rowsBefore: number;
  /** Awake time of earlier instances (ms), from the stored counters. */
  awakeMsBefore: number;
  /** Instances that loaded this room from storage (1 for a room never evicted). */
  instances: number;
  /** Turn-based liveness watchdog runs (in-memory timer, no storage): the awake-time price of half-open detection. */
  livenessChecks: number;
  /** Real-time loop ticks this instance ran, and those that ran LATE_LOOP_MS or more after their snapshot boundary. */
  loopTicks: number;
  loopTicksLate: number;
}

/**
 * A loop tick this late past its boundary sends its states late enough that a client's gap to the
 * previous state reaches 75 ms (1.5 intervals of 50 ms) if that one was on time: the lateness a
 * 20 Hz stream cannot absorb.
 */
export const LATE_LOOP_MS = 25;

/** Count one real-time loop tick that ran `lateMs` after its boundary. */
export function countLoopTick(ops: OpsCounters, lateMs: number): void {
  ops.loopTicks += 1;
  if (lateMs >= LATE_LOOP_MS) ops.loopTicksLate += 1;
}

/** The counters that add up across instances, as stored in the room row. */
const Stored = z.object({
  alarmWrites: z.number(),
  alarmRuns: z.number(),
  storageWrites: z.number(),
  rowsWritten: z.number(),
  messages: z.number(),
  droppedFrames: z.number(),
  /** Absent in counters stored before the liveness watchdog. */
  livenessChecks: z.number().default(0),
  awakeMs: z.number(),
  instances: z.number(),
});
type Stored = z.infer<typeof Stored>;

export function newOpsCounters(): OpsCounters {
  return { bornAt: Date.now(), lastEventAt: Date.now(), alarmWrites: 0, alarmRuns: 0, storageWrites: 0, rowsWritten: 0, messages: 0, droppedFrames: 0, livenessChecks: 0, loopTicks: 0, loopTicksLate: 0, rowsBefore: 0, awakeMsBefore: 0, instances: 1 };
}

/**
 * One storage transaction, counted as it is written (its counters go in the same row, last).
 * `instanceRows` is what SQLite reported for this instance so far (RoomStorage counts every cursor,
 * tickets and rating reports included); `rowsWritten` adds the earlier instances' total.
 */
export function countSave(ops: OpsCounters, instanceRows: number): OpsCounters {
  ops.storageWrites += 1;
  ops.rowsWritten = ops.rowsBefore + instanceRows;
  return ops;
}

/** The counters to store with the record (after countSave, so the save counts itself). */
export function storedOps(ops: OpsCounters): string {
  const stored: Stored = {
    alarmWrites: ops.alarmWrites,
    alarmRuns: ops.alarmRuns,
    storageWrites: ops.storageWrites,
    rowsWritten: ops.rowsWritten,
    messages: ops.messages,
    droppedFrames: ops.droppedFrames,
    livenessChecks: ops.livenessChecks,
    awakeMs: ops.awakeMsBefore + (ops.lastEventAt - ops.bornAt),
    instances: ops.instances,
  };
  return JSON.stringify(stored);
}

/**
 * A new instance found counters in storage: add them to what this instance counted before loading
 * (an alarm run, a message), and count this instance. Unreadable counters are ignored.
 */
export function restoreOps(ops: OpsCounters, raw: unknown): void {
  // zod only when the precompiled check cannot vouch for the counters as they are (zod-fast-path.ts): on a wake.
  const parsed = acceptsAsIs(Stored, raw) ? { success: true as const, data: raw } : Stored.safeParse(raw);
  if (!parsed.success) return;
  const s = parsed.data;
  ops.alarmWrites += s.alarmWrites;
  ops.alarmRuns += s.alarmRuns;
  ops.storageWrites += s.storageWrites;
  ops.rowsBefore = s.rowsWritten;
  ops.rowsWritten += s.rowsWritten;
  ops.messages += s.messages;
  ops.droppedFrames += s.droppedFrames;
  ops.livenessChecks += s.livenessChecks;
  ops.awakeMsBefore = s.awakeMs;
  ops.instances = s.instances + 1;
}

/** The counters as reported by `RoomObject.metrics()`, with the core's simulation counters (of this instance). */
export function opsReport(ops: OpsCounters, core: RoomCore | null, instanceRows: number): Record<string, number> {
  const { awakeMsBefore, rowsBefore, ...rest } = ops;
  return {
    ...rest,
    rowsWritten: rowsBefore + instanceRows,
    awakeMs: awakeMsBefore + (ops.lastEventAt - ops.bornAt),
    steps: core?.metrics.steps ?? 0,
    droppedSteps: core?.metrics.droppedSteps ?? 0,
  };
}
