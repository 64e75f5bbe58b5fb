/**
 * Client-side token bucket mirroring the room's per-connection frame budget
 * (welcome.limits: burst, perSecond), so the client never trips RATE_LIMITED.
 *
 * This matters for correctness, not just politeness: after a reconnect the
 * client re-sends its whole outbox (up to 32 inputs) plus clock syncs and
 * critical acks, which can exceed the room's burst; a rate-limited input is
 * answered with an error that carries no id and would count as a strike
 * towards a policy close. Frames wait here in order instead.
 *
 * A small headroom is kept below the room's burst because frames sent some
 * milliseconds apart can arrive back to back, after less refill than we
 * accounted for.
 */
import type { TimerHandle, Timers } from "./timers";

export interface PacerLimits {
  readonly burst: number;
  readonly perSecond: number;
}

/** Tokens kept in reserve below the room's burst. */
const HEADROOM = 2;
/** Fraction of the room's refill rate we allow ourselves, for the same reason. */
const RATE_FACTOR = 0.9;

export class Pacer {
  private queue: (() => void)[] = [];
  private tokens = 0;
  private capacity = 1;
  private perMs = 0;
  private refilledAt = 0;
  private timer: TimerHandle | null = null;

  constructor(private readonly timers: Timers) {}

  /** Start a connection's budget full, as the room does for a new socket. */
  reset(limits: PacerLimits): void {
    this.cancel();
    this.capacity = Math.max(1, Math.floor(limits.burst) - HEADROOM);
    this.perMs = Math.max(0, limits.perSecond * RATE_FACTOR) / 1000;
    this.tokens = this.capacity;
    this.refilledAt = this.timers.now();
  }

  /** Run `send` now if the budget allows, else in order once it does. */
  submit(send: () => void): void {
    this.queue.push(send);
    this.drain();
  }

  /** Drop everything queued (the connection is gone; the outbox re-sends inputs later). */
  cancel(): void {
    this.queue = [];
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  get queued(): number {
    return this.queue.length;
  }

  private drain(): void {
    this.refill();
    while (this.queue.length > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      this.queue.shift()?.();
    }
    if (this.queue.length > 0 && this.timer === null && this.perMs > 0) {
      const wait = Math.ceil((1 - this.tokens) / this.perMs);
      this.timer = this.timers.setTimeout(() => {
        this.timer = null;
        this.drain();
      }, wait);
    }
  }

  private refill(): void {
    const now = this.timers.now();
    this.tokens = Math.min(this.capacity, this.tokens + Math.max(0, now - this.refilledAt) * this.perMs);
    this.refilledAt = now;
  }
}
