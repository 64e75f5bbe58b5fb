/**
 * The size budget of real-time snapshots (issue 12): a scripted 4-player runner race, stepped by
 * hand from a fixed seed, costs each client at most 326 bytes of `snap` frames per second (half of
 * Colyseus's 652 B/s for the same simulation and rates). Sizes, not timing: the race is exact.
 */
import { describe, expect, it } from "vitest";
import { scriptedInput, step, type RunnerInput, type RunnerState } from "../../src/games/runner";
import { RoomStepper } from "../support/room-stepper";

/** State bytes per client per second must stay at or under this (half of Colyseus's measured 652). */
export const SNAP_BYTES_PER_CLIENT_PER_SECOND_BUDGET = 326;

/** A 4-player race to the end with bots that play like the bench's: every seat's snapshot bytes. */
export function scriptedRaceBytes(seconds: number): { perConn: Map<string, number>; snaps: number; seconds: number } {
  const r = new RoomStepper({ game: "runner", seats: 4, options: { durationSeconds: seconds } }, 7);
  const conns = ["c0", "c1", "c2", "c3"];
  const perConn = new Map<string, number>();
  let snaps = 0;
  r.tap((out) => {
    if (out.kind !== "frame" || out.frame.t !== "snap") return;
    perConn.set(out.conn, (perConn.get(out.conn) ?? 0) + out.bytes.byteLength);
    if (out.conn === "c0") snaps++;
  });
  conns.forEach((c, i) => r.connect(c, `p${i}`));
  const ids = [0, 0, 0, 0];
  const start = r.now;
  while (r.core.record.status === "playing") {
    let state = r.core.record.game as RunnerState;
    for (let k = 0; k < 3; k++) {
      const inputs: { seat: number; input: RunnerInput }[] = [];
      conns.forEach((conn, seat) => {
        const input = scriptedInput(state, seat);
        if (!input) return;
        ids[seat] = (ids[seat] ?? 0) + 1;
        r.send(conn, { t: "input", id: ids[seat] ?? 1, data: input });
        inputs.push({ seat, input });
      });
      state = step(state, inputs).state;
    }
    r.advance(50);
  }
  return { perConn, snaps, seconds: (r.now - start) / 1000 };
}

describe("snapshot bytes", () => {
  it("keeps a scripted 4-player race at or under 326 bytes of snapshots per client per second", () => {
    const { perConn, snaps, seconds } = scriptedRaceBytes(60);
    const rates = [...perConn.values()].map((b) => b / seconds);
    const worst = Math.max(...rates);
    console.log(`snap bytes per client per second: ${rates.map((x) => x.toFixed(1)).join(", ")} over ${seconds} s, ${snaps} snapshots each`);
    expect(perConn.size).toBe(4);
    expect(snaps).toBeGreaterThan(19 * seconds);
    expect(worst).toBeLessThanOrEqual(SNAP_BYTES_PER_CLIENT_PER_SECOND_BUDGET);
  });
});
