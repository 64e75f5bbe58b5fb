/**
 * The size budget of real-time snapshots (issue 12): a scripted 4-player runner race, stepped by
 * hand from a fixed seed, costs each client at most 326 bytes of `snap` frames per second (half of
 * Colyseus's 652 B/s for the same simulation and rates). Sizes, not timing: the race is exact.
 */
import { describe, expect, it } from "vitest";
import { scriptedRace } from "../support/scripted-race";

/** State bytes per client per second must stay at or under this (half of Colyseus's measured 652). */
const SNAP_BYTES_PER_CLIENT_PER_SECOND_BUDGET = 326;

describe("snapshot bytes", () => {
  it("keeps a scripted 4-player race at or under 326 bytes of snapshots per client per second", () => {
    const perConn = new Map<string, number>();
    let snaps = 0;
    const { seconds } = scriptedRace(4, 60, 7, (out) => {
      if (out.kind !== "frame" || out.frame.t !== "snap") return;
      perConn.set(out.conn, (perConn.get(out.conn) ?? 0) + out.bytes.byteLength);
      if (out.conn === "c0") snaps++;
    });
    const rates = [...perConn.values()].map((b) => b / seconds);
    const worst = Math.max(...rates);
    console.log(`snap bytes per client per second: ${rates.map((x) => x.toFixed(1)).join(", ")} over ${seconds} s, ${snaps} snapshots each`);
    expect(perConn.size).toBe(4);
    expect(snaps).toBeGreaterThan(19 * seconds);
    expect(worst).toBeLessThanOrEqual(SNAP_BYTES_PER_CLIENT_PER_SECOND_BUDGET);
  });
});
