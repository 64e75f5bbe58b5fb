/**
 * Client heartbeat: sends the text "ping" every interval and declares the
 * link dead when a ping stays unanswered — no "pong" and no other frame —
 * for `deadAfterMs`. Both come from the room's welcome (`heartbeat.pingIntervalMs`,
 * `heartbeat.pongTimeoutMs`: 1.5 s and 2 s in Connect Four), so a link cut at
 * any moment is declared dead within interval + timeout (docs/protocol.md §10.1).
 *
 * This is what catches half-open links (a laptop lid closed, a NAT entry
 * expired, Wi-Fi switched): the socket still looks open and `send` succeeds,
 * but nothing comes back, and the browser may not notice for minutes.
 * Measuring from the unanswered ping (not from the last frame received)
 * means a quiet room is never mistaken for a dead one.
 */
import type { TimerHandle, Timers } from "./timers";

export interface HeartbeatOptions {
  timers: Timers;
  sendPing: () => void;
  onDead: (silentMs: number) => void;
  /** Ping interval in ms. Default 2000 (used until the welcome says otherwise). */
  intervalMs?: number;
  /** Default 5000; must be in (0, 5000] so a dead link is noticed within 5 s of a ping. */
  deadAfterMs?: number;
}

export const DEFAULT_PING_INTERVAL_MS = 2000;
export const DEFAULT_DEAD_AFTER_MS = 5000;
export const MAX_DEAD_AFTER_MS = 5000;

export function checkDeadAfter(ms: number): number {
  if (!(ms > 0 && ms <= MAX_DEAD_AFTER_MS)) throw new RangeError(`heartbeat deadAfterMs must be in (0, ${MAX_DEAD_AFTER_MS}]; got ${ms}.`);
  return ms;
}

export class Heartbeat {
  private intervalMs: number;
  private deadAfterMs: number;
  private pingTimer: TimerHandle | null = null;
  private deadTimer: TimerHandle | null = null;
  private waitingSince: number | null = null;
  private running = false;

  constructor(private readonly opts: HeartbeatOptions) {
    this.intervalMs = positive(opts.intervalMs ?? DEFAULT_PING_INTERVAL_MS, DEFAULT_PING_INTERVAL_MS);
    this.deadAfterMs = checkDeadAfter(opts.deadAfterMs ?? DEFAULT_DEAD_AFTER_MS);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedulePing();
  }

  stop(): void {
    this.running = false;
    this.clear();
  }

  /** Adopt the server's interval (welcome.heartbeat.pingIntervalMs); applies from the next ping. */
  setInterval(ms: number): void {
    this.intervalMs = positive(ms, this.intervalMs);
    if (!this.running) return;
    if (this.pingTimer !== null) this.opts.timers.clearTimeout(this.pingTimer);
    this.schedulePing();
  }

  /**
   * Adopt the room's pong timeout (welcome.heartbeat.pongTimeoutMs) unless the caller chose one;
   * applies from the next unanswered ping. Values outside (0, 5000] are ignored.
   */
  setDeadAfter(ms: number): void {
    if (ms > 0 && ms <= MAX_DEAD_AFTER_MS) this.deadAfterMs = ms;
  }

  /** Anything at all arrived from the server: the link is alive. */
  received(): void {
    this.waitingSince = null;
    if (this.deadTimer !== null) {
      this.opts.timers.clearTimeout(this.deadTimer);
      this.deadTimer = null;
    }
  }

  private schedulePing(): void {
    this.pingTimer = this.opts.timers.setTimeout(() => this.ping(), this.intervalMs);
  }

  private ping(): void {
    if (!this.running) return;
    const { timers } = this.opts;
    this.opts.sendPing();
    // Sending may have failed and torn the connection down (which stops us).
    if (!this.running) return;
    // Only the oldest unanswered ping counts: a later ping must not push the deadline back.
    if (this.deadTimer === null) {
      this.waitingSince = timers.now();
      this.deadTimer = timers.setTimeout(() => {
        const silent = timers.now() - (this.waitingSince ?? timers.now());
        this.stop();
        this.opts.onDead(silent);
      }, this.deadAfterMs);
    }
    this.schedulePing();
  }

  private clear(): void {
    const { timers } = this.opts;
    if (this.pingTimer !== null) timers.clearTimeout(this.pingTimer);
    if (this.deadTimer !== null) timers.clearTimeout(this.deadTimer);
    this.pingTimer = null;
    this.deadTimer = null;
    this.waitingSince = null;
  }
}

function positive(ms: number, fallback: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms : fallback;
}
