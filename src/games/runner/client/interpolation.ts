/** How to interpolate and extrapolate runner snapshots (for SnapshotBuffer), remote runners included. */
import { QUANT_OBSTACLE_SLOTS } from "../constants";
import { QUANT_HEADER, QUANT_PER_OBSTACLE, QUANT_PER_SEAT } from "../quantize";
import type { FieldMode } from "../../../client/realtime/interpolation";

/**
 * Interpolation modes for a runner quantised array with `seatCount` seats:
 * tick, x and y lerp; speed, phase, flags and obstacle slots snap (obstacle x
 * is absolute, and a slot is cleared when its obstacle is passed).
 */
export function runnerFieldModes(seatCount: number): FieldMode[] {
  const modes: FieldMode[] = ["lerp", "snap", "snap"];
  for (let i = 0; i < seatCount; i++) modes.push("lerp", "lerp", "snap");
  for (let k = 0; k < QUANT_OBSTACLE_SLOTS * QUANT_PER_OBSTACLE; k++) modes.push("snap");
  return modes;
}

/** Clamp for extrapolated runner values: heights never below the ground. Pass as SnapshotBuffer's `bound`. */
export function runnerExtrapolationBound(seatCount: number): (index: number, value: number) => number {
  return (index, value) => {
    const rel = index - QUANT_HEADER;
    const isY = rel >= 0 && rel < seatCount * QUANT_PER_SEAT && rel % QUANT_PER_SEAT === 1;
    return isY ? Math.max(0, value) : value;
  };
}
