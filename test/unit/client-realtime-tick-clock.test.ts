import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SnapshotBuffer, TickClock } from "../../src/client/realtime";

const STEP = 1000 / 60;

interface Arrival {
  tick: number;
  /** True server time the snapshot left. */
  sent: number;
  /** True server time it arrived. */
  arrived: number;
}

/**
 * Snapshots every 3 ticks of a round anchored at `anchor`, sent after a wake
 * delay and delivered after `oneWay` + jitter (in order, as on a socket).
 */
function arrivals(anchor: number, oneWay: number, delays: readonly { wake: number; jitter: number }[]): Arrival[] {
  let last = -Infinity;
  return delays.map(({ wake, jitter }, i) => {
    const tick = 3 * (i + 1);
    const sent = anchor + tick * STEP + wake;
    const arrived = Math.max(last, sent + oneWay + jitter);
    last = arrived;
    return { tick, sent, arrived };
  });
}

/** Delays where every 8th snapshot is a quiet one (no wake delay, ≤ 1 ms jitter), as happens on a real link. */
const delaysArb = (maxJitter: number) =>
  fc.array(fc.record({ wake: fc.double({ min: 0, max: 4, noNaN: true }), jitter: fc.double({ min: 0, max: maxJitter, noNaN: true }) }), { minLength: 64, maxLength: 120 }).chain((list) =>
    fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: list.length, maxLength: list.length }).map((quiet) =>
      list.map((d, i) => (i % 8 === 0 ? { wake: 0, jitter: quiet[i] ?? 0 } : d)),
    ),
  );

describe("client tick clock", () => {
  it("converges to the round's anchor under jittered arrivals: within the quiet snapshots' delay plus the clock error", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000_000, max: 2_000_000_000 }),
        fc.integer({ min: 2, max: 150 }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        delaysArb(80),
        (anchor, oneWay, clockError, delays) => {
          const clock = new TickClock({ tickHz: 60 });
          for (const a of arrivals(anchor, oneWay, delays)) clock.observe(a.tick, a.arrived + clockError, 2 * oneWay);
          const est = clock.anchor ?? Number.NaN;
          // Every sample is at or after anchor + clockError; the quiet ones within 1 ms of it.
          expect(est - (anchor + clockError)).toBeGreaterThanOrEqual(-1e-6);
          expect(est - (anchor + clockError)).toBeLessThanOrEqual(1.01);
          // So the tick read off the synced clock is the server's to within 1.01 + 3 ms.
          for (const x of [anchor + 10_000, anchor + 10_000 + STEP / 2, anchor + 12_345.6]) {
            expect(Math.abs(clock.tickAt(x + clockError) - (x - anchor) / STEP)).toBeLessThanOrEqual(1.01 / STEP + 1e-9);
          }
        },
      ),
    );
  });

  it("stamps inputs so that they reach the room before it simulates their tick when jitter stays within the margin, and never stamps a lower tick", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000_000, max: 2_000_000_000 }), fc.integer({ min: 2, max: 150 }), delaysArb(10), fc.array(fc.double({ min: 0, max: 14, noNaN: true }), { minLength: 20 }), (anchor, oneWay, delays, inputJitter) => {
        const clock = new TickClock({ tickHz: 60 });
        const list = arrivals(anchor, oneWay, delays);
        let prevStamp = -1;
        list.forEach((a, i) => {
          clock.observe(a.tick, a.arrived, 2 * oneWay);
          if (i < 24) return; // let the minimum filter see a few quiet snapshots
          const j = inputJitter[i % inputJitter.length] ?? 0;
          const stamp = clock.inputTick(a.arrived);
          expect(stamp).toBeGreaterThanOrEqual(prevStamp);
          prevStamp = stamp;
          // The room runs tick `stamp` at anchor + (stamp + 1)·STEP: the input must be there by then.
          const reachesRoom = a.arrived + oneWay + j;
          expect(reachesRoom).toBeLessThan(anchor + (stamp + 1) * STEP);
          // …and not absurdly early: within the lead (rtt/2 + jitter + one tick) plus a tick of rounding.
          expect(stamp).toBeLessThanOrEqual(Math.floor((a.arrived - anchor + clock.leadMs) / STEP) + 1);
        });
      }),
    );
  });

  it("lets an interpolation buffer rendering 2.5 intervals behind the expected arrival never starve while jitter stays under 70 ms", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 150 }), delaysArb(70), (oneWay, delays) => {
        const anchor = 5_000_000;
        const clock = new TickClock({ tickHz: 60 });
        const buf = new SnapshotBuffer({ tickHz: 60, snapshotHz: 20 });
        const list = arrivals(anchor, oneWay, delays);
        let next = 0;
        const end = list.at(-1)!.arrived;
        // Render frames every 4 ms of (server) time, delivering what has arrived first.
        for (let now = list[0]!.arrived; now <= end; now += 4) {
          while (next < list.length && list[next]!.arrived <= now) {
            const a = list[next++]!;
            clock.observe(a.tick, a.arrived, 2 * oneWay);
            buf.push(a.tick, [a.tick * 10]);
          }
          const s = buf.render(clock.arrivalTickAt(now));
          if (next > 24) expect(s?.kind === "extrapolated" || s?.kind === "held").toBe(false);
        }
      }),
      { numRuns: 50 },
    );
  });

  it("ignores a single outlier, but adopts a new timeline after three snapshots agree on it (the room skipped time)", () => {
    const clock = new TickClock({ tickHz: 60 });
    const anchor = 1_000_000;
    for (let t = 3; t <= 90; t += 3) clock.observe(t, anchor + t * STEP + 20, 40);
    expect(clock.anchor).toBeCloseTo(anchor, 6);
    clock.observe(93, anchor + 93 * STEP + 20 + 900, 40);
    expect(clock.anchor).toBeCloseTo(anchor, 6);
    // The room dropped 2 s of steps: its anchor moved 2000 ms later.
    for (let t = 96; t <= 102; t += 3) clock.observe(t, anchor + 2000 + t * STEP + 20, 40);
    expect(clock.anchor).toBeCloseTo(anchor + 2000, 6);
    expect(clock.stats).toMatchObject({ jumps: 1 });
  });

  it("re-anchors at once when the tick goes backwards (a new round)", () => {
    const clock = new TickClock({ tickHz: 60 });
    for (let t = 3; t <= 300; t += 3) clock.observe(t, 1_000_000 + t * STEP, 0);
    const stampBefore = clock.inputTick(1_000_000 + 300 * STEP);
    clock.observe(3, 9_000_000 + 3 * STEP, 0);
    expect(clock.anchor).toBeCloseTo(9_000_000, 6);
    expect(clock.stats.rewinds).toBe(1);
    expect(clock.currentTick(9_000_000 + 60 * STEP + 1)).toBe(60);
    expect(clock.inputTick(9_000_000 + 3 * STEP)).toBeLessThan(stampBefore);
  });

  it("reads tick 0 before any snapshot and never a negative tick", () => {
    const clock = new TickClock({ tickHz: 60 });
    expect(clock.anchored).toBe(false);
    expect(clock.currentTick(123)).toBe(0);
    clock.observe(0, 10_000, 0);
    expect(clock.currentTick(5_000)).toBe(0);
    expect(() => new TickClock({ tickHz: 0 })).toThrow(RangeError);
  });
});
