/** The room's loop-lateness counters (ops-counters.ts): what counts as a late tick for a 20 Hz stream. */
import { describe, expect, it } from "vitest";
import { countLoopTick, LATE_LOOP_MS, newOpsCounters } from "../../src/room/host/ops-counters";

describe("loop tick lateness", () => {
  it("counts every tick, and as late only those 25 ms or more past their boundary", () => {
    const ops = newOpsCounters();
    for (const late of [0, 3, 24.9, 25, 40, -1]) countLoopTick(ops, late);
    expect(LATE_LOOP_MS).toBe(25);
    expect(ops.loopTicks).toBe(6);
    expect(ops.loopTicksLate).toBe(2);
  });

  it("starts a new instance's counts at zero", () => {
    const ops = newOpsCounters();
    expect(ops.loopTicks).toBe(0);
    expect(ops.loopTicksLate).toBe(0);
  });
});
