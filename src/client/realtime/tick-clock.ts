/**
 * Maps (synced) server time to simulation ticks.
 *
 * The room runs tick t of a round during server time
 * [anchor + t·stepMs, anchor + (t+1)·stepMs), where `anchor` is the round's
 * start (the state is at tick t, i.e. t steps done, from anchor + t·stepMs on).
 * The anchor is not on the wire, so it is estimated from snapshots: a `snap`
 * for tick T received at server time `r` (ServerClock.serverNow at receipt)
 * was sent about one-way delay (rtt / 2) earlier, no earlier than
 * anchor + T·stepMs, so each snapshot gives the sample
 *
 *   r − rtt/2 − T·stepMs  =  anchor + (wake delay + queueing + clock error)
 *
 * The error terms beyond the clock's are delays and only ever add, so the
 * smallest sample of a recent window is the best (the same minimum filter as
 * ServerClock's). The estimate moves toward it by a fraction per snapshot (a
 * smoothed offset, so ticks do not jump on every sample), and jumps at once
 * on a new round (the tick went backwards) or when several snapshots in a row
 * disagree by more than `jumpMs` (the room skipped time after a stall, or the
 * clock offset was re-estimated).
 *
 * Three timelines come out of one anchor:
 * - `tickAt(now)`: the tick the server is at now (fractional).
 * - `inputTick(now)`: the tick to stamp on an input made now, i.e. the tick the
 *   server will be at when it arrives (rtt/2 + a margin ahead). This is the
 *   predicted tick: local prediction runs at it.
 * - `arrivalTickAt(now)`: the tick of the newest snapshot one can expect to
 *   hold now (rtt/2 behind); interpolation renders a delay behind it.
 *
 * Pure arithmetic over numbers handed in: no timers, no global clock.
 */

export interface TickClockOptions {
  /** Simulation ticks per second (RealtimeSpec.tickHz). */
  tickHz: number;
  /** Anchor samples kept for the minimum filter. Default 16 (0.8 s of snapshots at 20 Hz). */
  window?: number;
  /** Fraction of the gap to the filtered anchor closed per snapshot, in (0, 1]. Default 0.25. */
  smoothing?: number;
  /** Samples this far (ms) from the estimate, `jumpConfirm` times in a row, replace it outright. Default 250. */
  jumpMs?: number;
  /** Consecutive far samples needed for a jump. Default 3. */
  jumpConfirm?: number;
  /** Safety margin (ms) added to rtt/2 (and the observed jitter) for input stamps. Default one tick. */
  inputMarginMs?: number;
}

export interface TickClockStats {
  readonly samples: number;
  readonly jumps: number;
  readonly rewinds: number;
}

export class TickClock {
  readonly tickHz: number;
  readonly stepMs: number;
  private readonly windowSize: number;
  private readonly smoothing: number;
  private readonly jumpMs: number;
  private readonly jumpConfirm: number;
  private readonly inputMarginMs: number;

  private anchorMs: number | null = null;
  private windowSamples: number[] = [];
  private lastTick: number | null = null;
  private farCount = 0;
  private rtt = 0;
  private jitter = 0;
  private lastInputTick = 0;
  private counts = { samples: 0, jumps: 0, rewinds: 0 };

  constructor(options: TickClockOptions) {
    const { tickHz } = options;
    if (!(tickHz > 0) || !Number.isFinite(tickHz)) throw new RangeError(`tickHz must be a positive number; got ${tickHz}.`);
    this.tickHz = tickHz;
    this.stepMs = 1000 / tickHz;
    this.windowSize = Math.max(1, Math.trunc(options.window ?? 16));
    const smoothing = options.smoothing ?? 0.25;
    if (!(smoothing > 0 && smoothing <= 1)) throw new RangeError(`smoothing must be in (0, 1]; got ${smoothing}.`);
    this.smoothing = smoothing;
    this.jumpMs = options.jumpMs ?? 250;
    this.jumpConfirm = Math.max(1, Math.trunc(options.jumpConfirm ?? 3));
    this.inputMarginMs = options.inputMarginMs ?? this.stepMs;
  }

  /**
   * One snapshot: the room was at `tick` when it sent it, and it arrived at
   * server time `serverNowAtArrival`. `rttMs` is ServerClock.rtt (null: keep the last one, initially 0).
   */
  observe(tick: number, serverNowAtArrival: number, rttMs: number | null = null): void {
    if (!Number.isFinite(tick) || !Number.isFinite(serverNowAtArrival)) return;
    if (rttMs !== null && Number.isFinite(rttMs) && rttMs >= 0) this.rtt = rttMs;
    const sample = serverNowAtArrival - this.rtt / 2 - tick * this.stepMs;
    this.counts.samples++;
    const rewound = this.lastTick !== null && tick < this.lastTick;
    this.lastTick = tick;
    if (this.anchorMs === null || rewound) {
      if (rewound) this.counts.rewinds++;
      this.lastInputTick = 0;
      this.restart(sample);
      return;
    }
    if (Math.abs(sample - this.anchorMs) > this.jumpMs) {
      this.farCount++;
      if (this.farCount >= this.jumpConfirm) {
        this.counts.jumps++;
        // The timeline moved: stamps restart from the new estimate (monotonic again from here).
        this.lastInputTick = 0;
        this.restart(sample);
      }
      // An unconfirmed outlier is left out of the window (an early one would drag the minimum).
      return;
    } else {
      this.farCount = 0;
    }
    this.windowSamples.push(sample);
    if (this.windowSamples.length > this.windowSize) this.windowSamples.splice(0, this.windowSamples.length - this.windowSize);
    const target = Math.min(...this.windowSamples);
    this.jitter += 0.1 * (sample - target - this.jitter);
    this.anchorMs += (target - this.anchorMs) * this.smoothing;
  }

  /** Forget the anchor (e.g. when a round ends); the next snapshot anchors afresh. */
  reset(): void {
    this.anchorMs = null;
    this.windowSamples = [];
    this.lastTick = null;
    this.farCount = 0;
    this.jitter = 0;
    this.lastInputTick = 0;
  }

  /** True once a snapshot has been observed. */
  get anchored(): boolean {
    return this.anchorMs !== null;
  }

  /** Estimated server time of tick 0 of the round, or null before any snapshot. */
  get anchor(): number | null {
    return this.anchorMs;
  }

  /** The round-trip time in use (ms). */
  get rttMs(): number {
    return this.rtt;
  }

  /** Smoothed delay of snapshots beyond the best one (ms): how irregular arrivals are. */
  get jitterMs(): number {
    return this.jitter;
  }

  /** How far ahead of the server's tick inputs are stamped (ms): rtt/2 + jitter + margin. */
  get leadMs(): number {
    return this.rtt / 2 + this.jitter + this.inputMarginMs;
  }

  /** The server's tick at server time `serverNow`, fractional (0 before any snapshot). */
  tickAt(serverNow: number): number {
    if (this.anchorMs === null) return this.lastTick ?? 0;
    return (serverNow - this.anchorMs) / this.stepMs;
  }

  /** The server's current tick (whole, never negative). */
  currentTick(serverNow: number): number {
    return Math.max(0, Math.floor(this.tickAt(serverNow)));
  }

  /**
   * The tick to stamp on an input made at `serverNow`: the tick the server
   * will be at when it arrives. Local prediction runs at this tick. It never
   * decreases within a round (the estimate may slide back a little): the room
   * applies a seat's inputs in id order only if their ticks do not go back,
   * which the cumulative `ack` of snapshots relies on. (After a jump of the
   * estimate, see `jumpMs`, it restarts from the new one.)
   */
  inputTick(serverNow: number): number {
    const t = Math.max(0, Math.floor(this.tickAt(serverNow + this.leadMs)), this.lastInputTick);
    if (this.anchorMs !== null) this.lastInputTick = t;
    return t;
  }

  /** The tick of the newest snapshot one can expect to have received by `serverNow` (fractional). */
  arrivalTickAt(serverNow: number): number {
    return this.tickAt(serverNow - this.rtt / 2);
  }

  get stats(): TickClockStats {
    return { ...this.counts };
  }

  private restart(sample: number): void {
    this.anchorMs = sample;
    this.windowSamples = [sample];
    this.farCount = 0;
    this.jitter = 0;
  }
}
