/**
 * Checking rate-limit outcomes against the fixed-window rule (the local Workers Rate Limiting
 * binding counts per key in windows aligned to the wall clock: floor(now / period)), without
 * depending on where a window boundary falls. Each attempt records the clock before and after
 * it; an attempt whose two readings fall in different windows may belong to either, and both
 * readings are tried.
 */
import { expect } from "vitest";

export interface Attempt {
  readonly before: number;
  readonly after: number;
  readonly limited: boolean;
}

/** Null when every outcome is exactly what a fixed window of `limit` per `periodSeconds` gives; else the first mismatch. */
export function fixedWindowMismatch(attempts: readonly Attempt[], limit: number, periodSeconds: number): string | null {
  const windowOf = (t: number) => Math.floor(t / (periodSeconds * 1000));
  const walk = (i: number, counts: ReadonlyMap<number, number>): string | null => {
    const a = attempts[i];
    if (!a) return null;
    let first: string | null = null;
    for (let w = windowOf(a.before); w <= windowOf(a.after); w++) {
      const used = counts.get(w) ?? 0;
      if (a.limited !== used >= limit) {
        first ??= `attempt ${i}: ${a.limited ? "limited" : "allowed"} with ${used} of ${limit} used in its window`;
        continue;
      }
      const next = new Map(counts);
      if (!a.limited) next.set(w, used + 1);
      const rest = walk(i + 1, next);
      if (rest === null) return null;
      first ??= rest;
    }
    return first;
  };
  return walk(0, new Map());
}

/** Run attempts until the first refusal (at most `max`), then one more: it must be refused as well. */
export async function attemptUntilLimited(max: number, attempt: () => Promise<boolean>): Promise<Attempt[]> {
  const out: Attempt[] = [];
  while (out.length < max) {
    const before = Date.now();
    const limited = await attempt();
    out.push({ before, after: Date.now(), limited });
    if (limited && out.filter((a) => a.limited).length === 2) break;
  }
  return out;
}

/**
 * The whole check of one cap: attempts until two are refused (at most 10 × limit); a refused one must
 * be 429 with `Retry-After: <period>` and the RATE_LIMITED body naming the period, an allowed one must
 * answer `okStatus` (or one of them); and the outcomes must be exactly a fixed window's of `limit` per `periodSeconds`.
 */
export async function expectFixedWindowCap(limit: number, periodSeconds: number, okStatus: number | readonly number[], attempt: () => Promise<Response>): Promise<Attempt[]> {
  const attempts = await attemptUntilLimited(10 * limit, async () => {
    const res = await attempt();
    if (res.status !== 429) {
      expect(typeof okStatus === "number" ? [okStatus] : okStatus).toContain(res.status);
      await res.body?.cancel();
      return false;
    }
    expect(res.headers.get("Retry-After")).toBe(String(periodSeconds));
    expect(await res.json()).toMatchObject({ error: { code: "RATE_LIMITED", message: expect.stringContaining(`${periodSeconds} seconds`) } });
    return true;
  });
  expect(attempts.filter((a) => a.limited)).toHaveLength(2);
  expect(fixedWindowMismatch(attempts, limit, periodSeconds)).toBeNull();
  return attempts;
}
