import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alarmTime, dueDeadlines, nextWake, planSteps } from "../../src/room/core/ticker";
import { addStrike, takeToken } from "../../src/room/core/token-bucket";

describe("ticker arithmetic", () => {
  it("picks the earliest deadline, or none", () => {
    expect(nextWake([])).toBeNull();
    expect(nextWake([{ key: "a", at: 30 }, { key: "b", at: 10 }, { key: "c", at: 20 }])).toBe(10);
  });

  it("lists due deadlines earliest first, ties in listing order", () => {
    const due = dueDeadlines([{ key: "turn", at: 5 }, { key: "grace", at: 5 }, { key: "later", at: 50 }, { key: "ai", at: 1 }], 10);
    expect(due.map((d) => d.key)).toEqual(["ai", "turn", "grace"]);
  });

  it("never schedules an alarm in the past", () => {
    expect(alarmTime(100, 500)).toBe(501);
    expect(alarmTime(900, 500)).toBe(900);
    expect(alarmTime(null, 500)).toBeNull();
  });

  it("runs owed fixed steps, catches up a late wake, and caps the catch-up", () => {
    expect(planSteps(1000, 1000, 50, 5)).toEqual({ steps: 0, anchor: 1000, dropped: 0 });
    expect(planSteps(1000, 1049, 50, 5)).toEqual({ steps: 0, anchor: 1000, dropped: 0 });
    expect(planSteps(1000, 1050, 50, 5)).toEqual({ steps: 1, anchor: 1050, dropped: 0 });
    expect(planSteps(1000, 1175, 50, 5)).toEqual({ steps: 3, anchor: 1150, dropped: 0 });
    expect(planSteps(1000, 2000, 50, 5)).toEqual({ steps: 5, anchor: 2000, dropped: 15 });
  });

  it("never runs a step twice nor drifts, however wakes are spread", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 200 }), (gaps) => {
        let anchor = 0;
        let now = 0;
        let total = 0;
        for (const g of gaps) {
          now += g;
          const p = planSteps(anchor, now, 16, 1_000_000);
          total += p.steps;
          anchor = p.anchor;
        }
        expect(total).toBe(Math.floor(now / 16));
        expect(anchor).toBe(total * 16);
      }),
    );
  });
});

describe("token bucket and strikes", () => {
  it("allows a burst, then refills at the sustained rate", () => {
    const b = { tokens: 3, tokensAt: 0 }; // full, as a new connection's (connections.ts)
    expect([takeToken(b, 0, 3, 10), takeToken(b, 0, 3, 10), takeToken(b, 0, 3, 10), takeToken(b, 0, 3, 10)]).toEqual([true, true, true, false]);
    expect(takeToken(b, 50, 3, 10)).toBe(false);
    expect(takeToken(b, 100, 3, 10)).toBe(true);
  });

  it("counts strikes within a window and starts over after it", () => {
    const s = { strikeCount: 0, strikeWindowStart: 0 };
    expect([addStrike(s, 0, 1000), addStrike(s, 500, 1000), addStrike(s, 999, 1000)]).toEqual([1, 2, 3]);
    expect(addStrike(s, 2500, 1000)).toBe(1);
  });
});
