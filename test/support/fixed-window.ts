/**
 * Checking rate-limit outcomes against the fixed-window rule (the local Workers Rate Limiting
 * binding counts per key in windows aligned to the wall clock: floor(now / period)), without
 * depending on where a window boundary falls. Each attempt records the clock before and after
 * it; an attempt whose two readings fall in different windows may belong to either, and both
 * readings are tried.
 */
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
