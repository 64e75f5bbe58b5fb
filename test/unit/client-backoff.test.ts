import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_BACKOFF, backoffDelay, backoffWindow, resolveBackoff, wasStable } from "../../src/client";

describe("client backoff", () => {
  it("documents its defaults: 500 ms base, 30 s cap, stable after 2 s", () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 500, capMs: 30_000, stableAfterMs: 2_000 });
  });

  it("draws every delay from [0, min(cap, base·2^attempt)] whatever the random source returns", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 200_000 }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        (attempt, baseMs, extra, r) => {
          const opts = resolveBackoff({ baseMs, capMs: baseMs + extra, random: () => r });
          const d = backoffDelay(attempt, opts);
          const window = Math.min(opts.capMs, baseMs * 2 ** Math.min(attempt, 60));
          expect(backoffWindow(attempt, opts)).toBe(window);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(window);
          expect(Number.isFinite(d)).toBe(true);
        },
      ),
    );
  });

  it("uses the full window (full jitter): the random number scales the whole window, not a small part of it", () => {
    const opts = resolveBackoff({ random: () => 0.999999 });
    expect(backoffDelay(0, opts)).toBe(499);
    expect(backoffDelay(3, opts)).toBe(3999);
    expect(backoffDelay(40, opts)).toBe(29_999);
    expect(backoffDelay(5, resolveBackoff({ random: () => 0 }))).toBe(0);
  });

  it("grows the window monotonically with the attempt until it reaches the cap", () => {
    const opts = resolveBackoff();
    const windows = Array.from({ length: 12 }, (_, i) => backoffWindow(i, opts));
    expect(windows.slice(0, 7)).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000]);
    for (let i = 1; i < windows.length; i++) expect(windows[i]).toBeGreaterThanOrEqual(windows[i - 1] ?? 0);
  });

  it("counts a connection as stable only once it stayed open for stableAfterMs", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 60_000 }), (openedAt, lasted) => {
        expect(wasStable(openedAt, openedAt + lasted, { stableAfterMs: 10_000 })).toBe(lasted >= 10_000);
      }),
    );
    expect(wasStable(null, 1e9, { stableAfterMs: 0 })).toBe(false);
  });

  it("rejects inconsistent options instead of misbehaving later", () => {
    expect(() => resolveBackoff({ baseMs: 1000, capMs: 10 })).toThrow(RangeError);
    expect(() => resolveBackoff({ baseMs: -1 })).toThrow(RangeError);
  });
});
