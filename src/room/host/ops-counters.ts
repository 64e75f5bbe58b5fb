/** Billable-operation counters of one Durable Object instance, for benchmarks and the cost model. */
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
  /** Turn-based liveness watchdog runs (in-memory timer, no storage): the awake-time price of half-open detection. */
  livenessChecks: number;
}

export function newOpsCounters(): OpsCounters {
  return { bornAt: Date.now(), lastEventAt: Date.now(), alarmWrites: 0, alarmRuns: 0, storageWrites: 0, rowsWritten: 0, messages: 0, droppedFrames: 0, livenessChecks: 0 };
}

/** One storage transaction: the record row, one action-log batch row when there are new actions, and the journal rows. */
export function countSave(ops: OpsCounters, actions: number, journal: number): void {
  ops.storageWrites += 1;
  ops.rowsWritten += 1 + (actions > 0 ? 1 : 0) + journal;
}

/** The counters as reported by `RoomObject.metrics()`, with the core's simulation counters. */
export function opsReport(ops: OpsCounters, core: RoomCore | null): Record<string, number> {
  return {
    ...ops,
    awakeMs: ops.lastEventAt - ops.bornAt,
    steps: core?.metrics.steps ?? 0,
    droppedSteps: core?.metrics.droppedSteps ?? 0,
  };
}
