/**
 * The tick-jitter probe's reading of client arrival stamps (bench/stalls.ts): lateness is measured
 * against each room's own schedule, and late states of many rooms in the same 10 ms are told apart
 * from one room's own delay.
 */
import { describe, expect, it } from "vitest";
import { burstWindows, lateness } from "../../bench/stalls";

const STATE_MS = 50;
const TICKS_PER_STATE = 3;

/** `rooms` rooms, 100 states each, room r offset by r ms (its own phase); `delay(room, i)` adds to arrival i. */
function arrivals(rooms: number, delay: (room: number, i: number) => number) {
  return Array.from({ length: rooms }, (_, r) => Array.from({ length: 100 }, (_, i) => ({ at: 1000 + r + i * STATE_MS + delay(r, i), tick: i * TICKS_PER_STATE })));
}

describe("state lateness", () => {
  it("is zero for rooms that keep their own schedule, whatever their phase", () => {
    const l = lateness(arrivals(20, () => 0));
    expect(l.states).toBe(2000);
    expect(l.p99).toBeCloseTo(0, 6);
    expect(l.late).toBe(0);
  });

  it("counts a stall that holds every room's state as late states in bursts", () => {
    // State 50 of every room arrives 30 ms late: one thread-wide stall.
    const l = lateness(arrivals(20, (_, i) => (i === 50 ? 30 : 0)));
    expect(l.late).toBe(20);
    expect(l.lateInBursts).toBe(20);
    expect(l.worst[0]?.late).toBeGreaterThanOrEqual(10);
  });

  it("does not call one room's own late states a burst", () => {
    // Room 3 alone is 40 ms late on every tenth state.
    const l = lateness(arrivals(20, (r, i) => (r === 3 && i % 10 === 5 ? 40 : 0)));
    expect(l.late).toBe(10);
    expect(l.lateInBursts).toBe(0);
  });
});

describe("stall windows", () => {
  it("span from when the held states were due to when the last arrived, one window per stall", () => {
    // States 50 of every room 30 ms late (one stall); room 3 alone late at state 80 (not a stall).
    const w = burstWindows(arrivals(20, (r, i) => (i === 50 ? 30 : r === 3 && i === 80 ? 40 : 0)));
    expect(w).toHaveLength(1);
    expect(w[0]?.rooms).toBe(20);
    expect(w[0]?.from).toBeCloseTo(1000 + 50 * STATE_MS, 6);
    expect(w[0]?.to).toBeCloseTo(1000 + 19 + 50 * STATE_MS + 30, 6);
  });
});
