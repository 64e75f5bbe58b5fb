/**
 * Client-side token bucket mirroring the room's per-connection frame budget
 * (welcome.limits: burst, perSecond), so the client never trips RATE_LIMITED.
 *
 * This matters for correctness, not just politeness: after a reconnect the
 * client re-sends its whole outbox (up to 32 inputs) plus clock syncs and
 * critical acks, which can exceed the room's burst; a rate-limited input is
 * refused (and the room holds every later input until it is re-sent), and
 * excess frames count towards a policy close. Frames wait here in order
 * instead.
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

interface Queued {
  readonly send: () => void;
  /** The input id the frame carries, or null (sync, ackCritical). */
  readonly inputId: number | null;
}

export class Pacer {
  private queue: Queued[] = [];
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

  /** Run `send` now if the budget allows, else in order once it does. `inputId` tags input frames (see `withdrawInputs`). */
  submit(send: () => void, inputId: number | null = null): void {
    this.queue.push({ send, inputId });
    this.drain();
  }

  /**
   * The room refused a frame for lack of budget: its bucket is empty now,
   * whatever our model said. Start the model from zero so what follows is
   * released at the refill rate only.
   */
  exhaust(): void {
    this.tokens = 0;
    this.refilledAt = this.timers.now();
  }

  /** Take queued (not yet sent) input frames out of the queue; returns their ids. Other frames stay, in order. */
  withdrawInputs(): number[] {
    const ids: number[] = [];
    this.queue = this.queue.filter((q) => {
      if (q.inputId === null) return true;
      ids.push(q.inputId);
      return false;
    });
    return ids;
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
      this.queue.shift()?.send();
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
