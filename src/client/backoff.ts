/**
 * Reconnect delays: exponential backoff with full jitter.
 *
 * delay = random(0, min(capMs, baseMs · 2^attempt)). Full jitter (rather than
 * "exponential plus a little noise") spreads a crowd of clients that lost the
 * same server at the same moment over the whole window, so a restarted room
 * is not hit by every player in the same millisecond.
 */

export interface BackoffOptions {
  /** First window, in ms. Default 500: a blip on a healthy network is retried almost at once. */
  baseMs?: number;
  /**
   * Largest window, in ms. Default 30 000 until a room says otherwise: each room's welcome carries
   * `reconnect.maxDelayMs` (a fraction of its grace window), which lowers it for that client.
   */
  capMs?: number;
  /**
   * A welcomed connection that stayed open this long (ms) restarts the attempt
   * counter at 0; a shorter one restarts it at 1 (see connection-state.ts).
   * Default 2 000: a server that welcomes and then drops every connection at
   * once is retried with a 1 s window, not at the shortest delay.
   */
  stableAfterMs?: number;
  /** Uniform random number in [0, 1). Default Math.random; inject for tests. */
  random?: () => number;
}

export type ResolvedBackoff = Required<BackoffOptions>;

export const DEFAULT_BACKOFF: Readonly<Omit<ResolvedBackoff, "random">> = {
  baseMs: 500,
  capMs: 30_000,
  stableAfterMs: 2_000,
};

export function resolveBackoff(opts: BackoffOptions = {}): ResolvedBackoff {
  const baseMs = opts.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const capMs = opts.capMs ?? DEFAULT_BACKOFF.capMs;
  const stableAfterMs = opts.stableAfterMs ?? DEFAULT_BACKOFF.stableAfterMs;
  if (!(baseMs >= 0) || !(capMs >= baseMs) || !(stableAfterMs >= 0)) {
    throw new RangeError(`Invalid backoff options: need 0 ≤ baseMs ≤ capMs and stableAfterMs ≥ 0 (got ${baseMs}, ${capMs}, ${stableAfterMs}).`);
  }
  return { baseMs, capMs, stableAfterMs, random: opts.random ?? Math.random };
}

/** The upper bound of the jitter window for a 0-based attempt: min(cap, base · 2^attempt). */
export function backoffWindow(attempt: number, opts: ResolvedBackoff): number {
  // Past 2^60 the product is far beyond any cap; clamping keeps it finite.
  const exp = Math.min(Math.max(0, Math.floor(attempt)), 60);
  return Math.min(opts.capMs, opts.baseMs * 2 ** exp);
}

/** A delay drawn uniformly from [0, window) for a 0-based attempt. */
export function backoffDelay(attempt: number, opts: ResolvedBackoff): number {
  // A misbehaving injected RNG must not produce negative or out-of-window delays.
  const r = Math.min(Math.max(opts.random(), 0), 1);
  return Math.floor(r * backoffWindow(attempt, opts));
}

/** Whether a connection open from `openedAt` to `closedAt` lasted long enough to reset the attempt counter. */
export function wasStable(openedAt: number | null, closedAt: number, opts: Pick<ResolvedBackoff, "stableAfterMs">): boolean {
  return openedAt !== null && closedAt - openedAt >= opts.stableAfterMs;
}
