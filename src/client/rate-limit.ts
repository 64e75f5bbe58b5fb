/**
 * What the client does when the room refuses an input for lack of frame
 * budget (an `error` frame with code RATE_LIMITED and the input's id).
 *
 * The room processes inputs of a seat strictly in id order: once it refused
 * input N it also refuses ("holds") every later input, naming each, until N
 * itself is sent again (src/room/frames.ts). None of them was processed, so
 * none is settled: they stay in the outbox, and after a backoff long enough
 * for the room's bucket (welcome.limits) to refill, the client re-sends N and
 * everything after it, in order, behind its pacer. Inputs submitted meanwhile
 * wait for that re-send instead of being held too.
 *
 * One subtlety: a refusal can arrive for a copy that has already been
 * replaced. Inputs sent after N are refused while in flight; if their
 * refusals arrive after the re-send began, acting on them would re-send (or
 * hold) inputs that are already on their way again. Every copy gets exactly
 * one reply and replies come in order, so counting copies sent against
 * refusals received per id tells a stale refusal from a current one.
 */
import type { PacerLimits } from "./pacer";

/** At least one second: frames still in flight when the refusal arrives use up part of the refill. */
export const RATE_LIMIT_MIN_BACKOFF_MS = 1000;
export const RATE_LIMIT_MAX_BACKOFF_MS = 30_000;
/** Tokens asked for beyond the re-sent inputs (the pacer keeps the same reserve). */
const HEADROOM = 2;

/**
 * How long to wait before re-sending `count` refused inputs: until the room's
 * bucket holds enough tokens for them (at most a full bucket; the pacer
 * spreads the rest), at least RATE_LIMIT_MIN_BACKOFF_MS, doubled for each
 * consecutive round that brought no progress, capped.
 */
export function rateLimitBackoff(limits: PacerLimits, count: number, rounds: number): number {
  if (!(limits.perSecond > 0)) return RATE_LIMIT_MAX_BACKOFF_MS;
  const need = Math.min(Math.max(1, Math.floor(limits.burst)), Math.max(1, count) + HEADROOM);
  const refill = Math.ceil((need / limits.perSecond) * 1000);
  const base = Math.max(RATE_LIMIT_MIN_BACKOFF_MS, refill);
  return Math.min(RATE_LIMIT_MAX_BACKOFF_MS, base * 2 ** Math.min(Math.max(0, rounds), 16));
}

/** Per-connection state: which inputs are held, and how many copies of each went out. */
export class RateLimitHold {
  /** Lowest refused id waiting to be re-sent, or null when nothing is held. */
  private heldFrom: number | null = null;
  /** Consecutive re-send rounds without any input settling. */
  private noProgress = 0;
  private readonly copies = new Map<number, { sent: number; refused: number }>();

  get from(): number | null {
    return this.heldFrom;
  }

  get held(): boolean {
    return this.heldFrom !== null;
  }

  get rounds(): number {
    return this.noProgress;
  }

  /** A copy of input `id` actually left on this connection. */
  sent(id: number): void {
    const c = this.copies.get(id);
    if (c) c.sent += 1;
    else this.copies.set(id, { sent: 1, refused: 0 });
  }

  /**
   * A RATE_LIMITED reply naming `id`. Returns false when it answers an older
   * copy while a newer one is already out (ignore it); else records the hold
   * and returns true.
   */
  refused(id: number): boolean {
    const c = this.copies.get(id);
    if (c) {
      c.refused += 1;
      if (c.refused < c.sent) return false;
    }
    this.holdFrom(id);
    return true;
  }

  /** Inputs that were queued but never sent must go out with the re-send too. */
  holdFrom(id: number): void {
    if (this.heldFrom === null || id < this.heldFrom) this.heldFrom = id;
  }

  /** Time to re-send: returns the first held id and clears the hold (a new round begins). */
  release(): number | null {
    const from = this.heldFrom;
    this.heldFrom = null;
    if (from !== null) this.noProgress += 1;
    return from;
  }

  /** Input `id` settled: the room is making progress again. */
  settled(id: number): void {
    this.copies.delete(id);
    this.noProgress = 0;
  }
}
