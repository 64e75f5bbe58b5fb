import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Heartbeat, manualTimers } from "../../src/client/internal";

function setup(intervalMs = 2000, deadAfterMs = 5000) {
  const timers = manualTimers();
  const pings: number[] = [];
  const dead: number[] = [];
  const diedAt: number[] = [];
  const hb = new Heartbeat({
    timers,
    intervalMs,
    deadAfterMs,
    sendPing: () => pings.push(timers.now()),
    onDead: (silent) => {
      dead.push(silent);
      diedAt.push(timers.now());
    },
  });
  return { timers, hb, pings, dead, diedAt };
}

describe("client heartbeat", () => {
  it("pings on the interval and never declares a link dead while every ping is answered", () => {
    const { timers, hb, pings, dead } = setup();
    hb.start();
    for (let i = 0; i < 50; i++) {
      timers.advance(2000);
      hb.received();
    }
    expect(pings).toEqual(Array.from({ length: 50 }, (_, i) => (i + 1) * 2000));
    expect(dead).toEqual([]);
  });

  it("declares a half-open link dead deadAfterMs after the first unanswered ping, and stops pinging", () => {
    const { timers, hb, pings, dead } = setup();
    hb.start();
    timers.advance(2000);
    timers.advance(4999);
    expect(dead).toEqual([]);
    timers.advance(1);
    expect(dead).toEqual([5000]);
    const count = pings.length;
    timers.advance(60_000);
    expect(pings.length).toBe(count);
    expect(timers.pending()).toBe(0);
  });

  it("for any arrival pattern, declares death exactly when some ping went unanswered for deadAfterMs", () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 6000 }), fc.integer({ min: 100, max: 5000 }), fc.array(fc.integer({ min: 1, max: 3000 }), { maxLength: 40 }), (interval, deadAfter, arrivals) => {
        const { timers, hb, pings, dead, diedAt } = setup(interval, deadAfter);
        hb.start();
        // Frames arrive after the given gaps; we check the verdict against a reference computed from the same timeline.
        let t = 0;
        const arrivalTimes: number[] = [];
        for (const gap of arrivals) {
          t += gap;
          arrivalTimes.push(t);
        }
        for (const at of arrivalTimes) {
          timers.advance(at - timers.now());
          if (dead.length > 0) break;
          hb.received();
        }
        if (dead.length === 0) timers.advance(interval + deadAfter);
        expect(dead).toHaveLength(1);
        // Death comes exactly deadAfter after the first ping that no frame answered within deadAfter — not earlier, not later.
        const unanswered = pings.filter((p) => !arrivalTimes.some((a) => a >= p && a < p + deadAfter));
        expect(diedAt).toEqual([Math.min(...unanswered.map((p) => p + deadAfter))]);
        expect(dead).toEqual([deadAfter]);
      }),
    );
  });

  it("adopts the server's interval from the welcome", () => {
    const { timers, hb, pings } = setup();
    hb.start();
    hb.setInterval(5000);
    timers.advance(4999);
    expect(pings).toEqual([]);
    timers.advance(1);
    expect(pings).toEqual([5000]);
  });

  it("refuses a dead-link timeout above five seconds", () => {
    expect(() => setup(2000, 5001)).toThrow(RangeError);
    expect(() => setup(2000, 0)).toThrow(RangeError);
  });

  it("with the room's parameters (ping 1.5 s, pong timeout 2 s adopted later), a link cut at any moment is declared dead 2–3.5 s after the cut", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000 }), (cutAt) => {
        const { timers, hb, dead, diedAt } = setup(2000, 5000);
        hb.start();
        // The welcome arrives at once: its interval and pong timeout apply from the next ping.
        hb.setInterval(1500);
        hb.setDeadAfter(2000);
        // Every ping is answered at once until the cut; nothing arrives after it.
        while (timers.now() < cutAt) {
          timers.advance(Math.min(100, cutAt - timers.now()));
          if (timers.now() < cutAt) hb.received();
        }
        timers.advance(10_000);
        expect(dead).toEqual([2000]);
        const detection = diedAt[0]! - cutAt;
        expect(detection).toBeGreaterThanOrEqual(2000 - 100);
        expect(detection).toBeLessThanOrEqual(1500 + 2000);
      }),
      { seed: 13, numRuns: 300 },
    );
  });

  it("ignores a pong timeout outside (0, 5000] from the welcome", () => {
    const { timers, hb, dead } = setup(1000, 3000);
    hb.start();
    hb.setDeadAfter(0);
    hb.setDeadAfter(60_000);
    timers.advance(1000 + 2999);
    expect(dead).toEqual([]);
    timers.advance(1);
    expect(dead).toEqual([3000]);
  });
});
