/**
 * Server clock estimate from `sync` round trips.
 *
 * Each sample is (client send time c, server time s, client receive time r).
 * The server stamped s somewhere inside [c, r]; assuming the middle, the
 * offset is s + rtt/2 − r, wrong by at most rtt/2. So the sample with the
 * lowest RTT among the recent ones is the most trustworthy: queueing delay
 * only ever adds to RTT, never subtracts (minimum-RTT filter, as in NTP).
 * Only the last few samples are kept so the estimate follows route changes
 * and clock drift.
 */

export interface ClockSample {
  readonly rtt: number;
  readonly offset: number;
}

export const DEFAULT_CLOCK_SAMPLES = 8;
/** Samples with a longer round trip are discarded as useless (or a stale/bogus echo). */
const MAX_SAMPLE_RTT_MS = 60_000;

export class ServerClock {
  private samples: ClockSample[] = [];
  private coarseOffset: number | null = null;

  constructor(private readonly maxSamples = DEFAULT_CLOCK_SAMPLES) {
    if (!Number.isInteger(maxSamples) || maxSamples < 1) throw new RangeError(`maxSamples must be a positive integer; got ${maxSamples}.`);
  }

  /** Record one round trip. Returns false (and ignores it) when the times are impossible. */
  addSample(clientSent: number, serverTime: number, clientReceived: number): boolean {
    const rtt = clientReceived - clientSent;
    if (!Number.isFinite(rtt) || !Number.isFinite(serverTime) || rtt < 0 || rtt > MAX_SAMPLE_RTT_MS) return false;
    this.samples.push({ rtt, offset: serverTime + rtt / 2 - clientReceived });
    if (this.samples.length > this.maxSamples) this.samples.splice(0, this.samples.length - this.maxSamples);
    return true;
  }

  /**
   * A one-way hint (e.g. `welcome.serverTime` at receipt), used only until the
   * first real sample: it is late by an unknown one-way delay.
   */
  hint(serverTime: number, clientReceived: number): void {
    if (Number.isFinite(serverTime)) this.coarseOffset = serverTime - clientReceived;
  }

  /** The lowest-RTT sample among the kept ones, or null. */
  best(): ClockSample | null {
    let best: ClockSample | null = null;
    for (const s of this.samples) if (best === null || s.rtt < best.rtt) best = s;
    return best;
  }

  /** Estimated server time minus local time, in ms (0 when nothing is known yet). */
  get offset(): number {
    return this.best()?.offset ?? this.coarseOffset ?? 0;
  }

  /** Round-trip time of the best recent sample, or null before any. */
  get rtt(): number | null {
    return this.best()?.rtt ?? null;
  }

  /** Estimated server time at local time `localNow`. */
  serverNow(localNow: number): number {
    return localNow + this.offset;
  }

  get sampleCount(): number {
    return this.samples.length;
  }
}

/** What the sync schedule needs from a connection: send a frame, and timers that die with it. */
export interface SyncChannel {
  send(build: () => { t: "sync"; c: number }): void;
  schedule(fn: () => void, ms: number): unknown;
}

export interface ClockSyncOptions {
  /** Syncs right after a welcome, 200 ms apart. Default 3: enough for the min-RTT filter to pick a quiet one. */
  initialSamples?: number;
  /** Then one every this many ms (≥ 1000). Default 15 000: clocks drift slowly; syncs cost frame budget. */
  intervalMs?: number;
}

/** Spacing of the first syncs, so they do not all share one queueing delay. */
const INITIAL_SYNC_SPACING_MS = 200;

/** Send sync requests on a connection for as long as it lives (the channel's timers stop with it). */
export function startClockSync(channel: SyncChannel, now: () => number, opts: ClockSyncOptions = {}): void {
  const initial = Math.max(1, opts.initialSamples ?? 3);
  const interval = Math.max(1000, opts.intervalMs ?? 15_000);
  let sent = 0;
  const tick = () => {
    // The timestamp is taken when the frame actually leaves (it may wait behind the pacer).
    channel.send(() => ({ t: "sync", c: now() }));
    sent += 1;
    channel.schedule(tick, sent < initial ? INITIAL_SYNC_SPACING_MS : interval);
  };
  tick();
}
