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
}

export function newOpsCounters(): OpsCounters {
  return { bornAt: Date.now(), lastEventAt: Date.now(), alarmWrites: 0, alarmRuns: 0, storageWrites: 0, rowsWritten: 0, messages: 0, droppedFrames: 0 };
}

/** One storage transaction; `rowsWritten` is the total SQLite reported for this instance (RoomStorage counts it from each cursor, tickets included). */
export function countSave(ops: OpsCounters, rowsWritten: number): void {
  ops.storageWrites += 1;
  ops.rowsWritten = rowsWritten;
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
