import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ServerClock } from "../../src/client/internal";

describe("client server-clock estimate", () => {
  it("takes the offset from the lowest-RTT sample among the last eight, so its error is at most that RTT / 2", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.array(fc.record({ out: fc.integer({ min: 0, max: 2000 }), back: fc.integer({ min: 0, max: 2000 }), gap: fc.integer({ min: 0, max: 5000 }) }), { minLength: 1, maxLength: 30 }),
        (trueOffset, trips) => {
          const clock = new ServerClock();
          let t = 1_700_000_000_000;
          const kept: { rtt: number; offset: number }[] = [];
          for (const trip of trips) {
            t += trip.gap;
            const sent = t;
            const serverTime = sent + trip.out + trueOffset;
            const received = sent + trip.out + trip.back;
            expect(clock.addSample(sent, serverTime, received)).toBe(true);
            kept.push({ rtt: trip.out + trip.back, offset: serverTime + (trip.out + trip.back) / 2 - received });
            t = received;
          }
          const window = kept.slice(-8);
          const minRtt = Math.min(...window.map((s) => s.rtt));
          expect(clock.rtt).toBe(minRtt);
          expect(clock.offset).toBe(window.find((s) => s.rtt === minRtt)?.offset);
          expect(Math.abs(clock.serverNow(t) - (t + trueOffset))).toBeLessThanOrEqual(minRtt / 2);
          expect(clock.sampleCount).toBe(window.length);
        },
      ),
    );
  });

  it("forgets a fast sample once eight newer ones arrived, so the estimate follows route changes", () => {
    const clock = new ServerClock();
    clock.addSample(0, 1000, 10);
    for (let i = 1; i <= 8; i++) clock.addSample(i * 1000, i * 1000 + 5000, i * 1000 + 200);
    expect(clock.rtt).toBe(200);
  });

  it("rejects impossible samples (negative or huge round trips, non-finite times)", () => {
    const clock = new ServerClock();
    expect(clock.addSample(100, 5, 50)).toBe(false);
    expect(clock.addSample(0, 5, 120_000)).toBe(false);
    expect(clock.addSample(0, Number.NaN, 10)).toBe(false);
    expect(clock.rtt).toBeNull();
  });

  it("uses the welcome's server time as a rough hint until the first real sample", () => {
    const clock = new ServerClock();
    expect(clock.serverNow(1000)).toBe(1000);
    clock.hint(5000, 1000);
    expect(clock.serverNow(2000)).toBe(6000);
    clock.addSample(2000, 7000, 2100);
    expect(clock.offset).toBe(7000 + 50 - 2100);
  });
});
