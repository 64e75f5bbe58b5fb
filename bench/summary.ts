/**
 * The seven headline figures, derived from the ramp steps: the first step
 * (one 4-player room, the longest window) gives the per-client figures, the
 * ramp gives capacity, CPU and memory per room, and the cost model uses the
 * first step's measured per-room rates.
 */
import type { BenchConfig } from "./config";
import { costPerRoomHour, type CostModel } from "./cost";
import type { StepResult } from "./step";
import { round, sum, type Summary } from "./stats";

export interface Capacity {
  /** The most rooms whose step kept p99 lateness under the limit (null if even the first step failed). */
  readonly rooms: number | null;
  readonly limitMs: number;
  /** Why the ramp stopped. */
  readonly stoppedBecause: string;
  /** Whether the decisive step was marked unreliable (load generator over its CPU limit). */
  readonly decidedByUnreliableStep: boolean;
  /** Whether the decisive steps ran while other processes loaded the machine. */
  readonly noisy: boolean;
}

export interface Headline {
  readonly bandwidth: { bytesPerClientPerTick: number; bytesPerSnapshot: number; keyframeBytes: number; snapBytesPerClientPerSecond: number; allBytesPerClientPerSecond: number; upBytesPerClientPerSecond: number };
  readonly jitter: { jitterMs: Summary; skippedTicks: number; gaps: number; snapshots: number; latenessMs: Summary; latenessBestMs: Summary };
  readonly ack: { ackMs: Summary; inputs: number; unacked: number };
  readonly cpu: { baselineUsPerRoomTick: number; baselineUsPerRoomTickNet: number; allWindowsUsPerRoomTick: number; allWindowsUsPerRoomTickNet: number; largestPassingStep: { rooms: number; usPerRoomTick: number; usPerRoomTickNet: number } | null };
  readonly capacity: Capacity;
  readonly memory: { rss0Bytes: number; perStep: { rooms: number; rssBytes: number; perRoomBytes: number; marginalPerRoomBytes: number }[]; perRoomBytes: number | null; marginalPerRoomBytes: number | null };
  readonly cost: CostModel;
}

export function buildHeadline(steps: readonly StepResult[], rss0: number, idleCpuMsPerSecond: number, capacity: Capacity): Headline | null {
  const base = steps[0];
  if (!base) return null;
  const f = base.figures;
  const passing = steps.filter((s) => s.pass && !s.loadgen.unreliable);
  const largest = passing[passing.length - 1] ?? null;
  const cpuMs = sum(steps.map((s) => s.server.workerdCpuMs));
  const idleMs = sum(steps.map((s) => idleCpuMsPerSecond * s.windowSeconds));
  const ticks = Math.max(1, sum(steps.map((s) => s.figures.roomTicks)));
  const perStep = steps.map((s) => ({ rooms: s.rooms, rssBytes: s.server.rssBytes, perRoomBytes: Math.round((s.server.rssBytes - rss0) / s.rooms), marginalPerRoomBytes: Math.round((s.server.rssBytes - s.server.rssBeforeBytes) / s.rooms) }));
  const biggest = perStep[perStep.length - 1];
  return {
    bandwidth: {
      bytesPerClientPerTick: f.bytes.perClientPerTick,
      bytesPerSnapshot: f.bytes.perSnapshot,
      keyframeBytes: f.bytes.keyframe,
      snapBytesPerClientPerSecond: f.bytes.snapPerClientPerSecond,
      allBytesPerClientPerSecond: f.bytes.allPerClientPerSecond,
      upBytesPerClientPerSecond: f.bytes.upPerClientPerSecond,
    },
    jitter: { jitterMs: f.jitterMs, skippedTicks: f.skippedTicks, gaps: f.gaps, snapshots: f.snapshots, latenessMs: f.latenessMs, latenessBestMs: f.latenessBestMs },
    ack: { ackMs: f.ackMs, inputs: f.inputs, unacked: f.unacked },
    cpu: {
      baselineUsPerRoomTick: base.server.usPerRoomTick,
      baselineUsPerRoomTickNet: base.server.usPerRoomTickNet,
      allWindowsUsPerRoomTick: round((cpuMs * 1000) / ticks, 2),
      allWindowsUsPerRoomTickNet: round(((cpuMs - idleMs) * 1000) / ticks, 2),
      largestPassingStep: largest ? { rooms: largest.rooms, usPerRoomTick: largest.server.usPerRoomTick, usPerRoomTickNet: largest.server.usPerRoomTickNet } : null,
    },
    capacity,
    memory: { rss0Bytes: rss0, perStep, perRoomBytes: biggest ? biggest.perRoomBytes : null, marginalPerRoomBytes: biggest ? biggest.marginalPerRoomBytes : null },
    cost: costPerRoomHour(f.perRoomSecond),
  };
}

/** Decide whether the ramp continues after `step`; returns the reason to stop, or null. */
export function stopReason(step: StepResult, cfg: BenchConfig, nextRooms: number, secondsLeft: number, estimate: number): string | null {
  if (!step.pass) return `p99 lateness ${step.figures.latenessMs.p99} ms ≥ ${cfg.lateLimitMs} ms at ${step.rooms} rooms`;
  if (step.loadgen.unreliable) return `load generator at ${Math.round(step.loadgen.cpuCores * 100)}% of a core at ${step.rooms} rooms (measurements no longer reliable)`;
  if (nextRooms > cfg.maxRooms) return `reached BENCH_MAX_ROOMS (${cfg.maxRooms})`;
  if (estimate > secondsLeft) return `time budget: the ${nextRooms}-room step (~${Math.round(estimate)} s) would not fit in the ${Math.round(secondsLeft)} s left`;
  return null;
}
