/**
 * Snapshot interpolation for remote entities.
 *
 * Snapshots (a tick and a flat numeric array, e.g. a quantised state or
 * decoded entity positions) are buffered, and the renderer samples the
 * buffer a little in the past, at renderTick = tick − delayTicks, where the
 * two snapshots around renderTick are usually both there already. The default
 * delay is 2.5 snapshot intervals, enough to ride out one late or lost
 * snapshot plus arrival jitter.
 *
 * Per field, a mode says how it moves between snapshots: "lerp" (linear
 * interpolation, for positions) or "snap" (the value of the snapshot at or
 * before renderTick, for flags, kinds, phases, and absolute positions that
 * jump when an array slot is reused).
 *
 * At a snapshot's tick the sample is that snapshot's values exactly. Between
 * two snapshots a lerp field is a + (b − a)·f with f in [0, 1): monotonic in
 * renderTick, and within [a, b]. Past the newest snapshot (starved) lerp
 * fields are extrapolated along the last two snapshots' slope for at most
 * `maxExtrapolationTicks` (default one interval), then held there; before
 * the oldest, the oldest is held. Snapshots older than the one before the
 * sampled pair are dropped.
 *
 * A snapshot whose tick is below the newest one starts a new round: the
 * buffer is cleared (the stream is ordered, so this only happens then).
 */

export type FieldMode = "lerp" | "snap";

export interface SnapshotBufferOptions {
  /** Simulation ticks per second. */
  tickHz: number;
  /** Snapshots per second. */
  snapshotHz: number;
  /** Render this many ticks behind the tick handed to `render`. Default 2.5 × tickHz / snapshotHz. */
  delayTicks?: number;
  /** Per-field mode (an array, or a function of the index); missing entries lerp. Default all "lerp". */
  modes?: readonly FieldMode[] | ((index: number) => FieldMode);
  /** Snapshots kept at most. Default 32. */
  capacity?: number;
  /** Extrapolate lerp fields at most this far past the newest snapshot. Default one interval (tickHz / snapshotHz). */
  maxExtrapolationTicks?: number;
  /** Clamp for extrapolated lerp values (e.g. a height that must stay ≥ 0); identity by default. */
  bound?: (index: number, value: number) => number;
}

export type SampleKind =
  /** renderTick is a snapshot's tick: its values, unchanged. */
  | "exact"
  /** Between two snapshots. */
  | "interpolated"
  /** Past the newest snapshot, within the extrapolation bound. */
  | "extrapolated"
  /** Past the newest snapshot beyond the bound (or with a single snapshot): held. */
  | "held"
  /** Before the oldest snapshot kept: the oldest, held. */
  | "early";

export interface RenderSample {
  /** The tick sampled (fractional). */
  readonly tick: number;
  readonly kind: SampleKind;
  readonly values: readonly number[];
  /** The snapshot ticks used: the one at or before (or the nearest), and the next one, if any. */
  readonly from: number;
  readonly to: number | null;
}

export interface SnapshotBufferStats {
  /** Snapshots held. */
  readonly size: number;
  /** Snapshots newer than the last sampled tick: the cushion against starvation. */
  readonly depth: number;
  /** Times sampling ran past the newest snapshot after having had one ahead (starvation episodes). */
  readonly starvations: number;
  /** Samples taken past the newest snapshot (extrapolated or held). */
  readonly starvedSamples: number;
  readonly extrapolatedSamples: number;
  readonly heldSamples: number;
  readonly earlySamples: number;
  /** Snapshots dropped as too old (or beyond capacity). */
  readonly dropped: number;
  /** Clears caused by a tick going backwards (new rounds). */
  readonly resets: number;
}

interface Entry {
  readonly tick: number;
  readonly values: readonly number[];
}

export class SnapshotBuffer {
  readonly delayTicks: number;
  readonly intervalTicks: number;
  readonly maxExtrapolationTicks: number;
  private readonly modeOf: (index: number) => FieldMode;
  private readonly capacity: number;
  private readonly bound: (index: number, value: number) => number;
  private entries: Entry[] = [];
  private lastSampleTick: number | null = null;
  private starved = false;
  private counts = { starvations: 0, starvedSamples: 0, extrapolatedSamples: 0, heldSamples: 0, earlySamples: 0, dropped: 0, resets: 0 };

  constructor(options: SnapshotBufferOptions) {
    const { tickHz, snapshotHz } = options;
    if (!(tickHz > 0) || !(snapshotHz > 0)) throw new RangeError("tickHz and snapshotHz must be positive.");
    this.intervalTicks = tickHz / snapshotHz;
    this.delayTicks = options.delayTicks ?? 2.5 * this.intervalTicks;
    this.maxExtrapolationTicks = Math.max(0, options.maxExtrapolationTicks ?? this.intervalTicks);
    this.capacity = Math.max(2, Math.trunc(options.capacity ?? 32));
    const modes = options.modes;
    this.modeOf = modes === undefined ? () => "lerp" : typeof modes === "function" ? modes : (i) => modes[i] ?? "lerp";
    this.bound = options.bound ?? ((_, v) => v);
  }

  /**
   * Add a snapshot. Returns "added", "replaced" (same tick as one held),
   * or "reset" (its tick is below the newest: a new round, the buffer was cleared first).
   */
  push(tick: number, values: readonly number[]): "added" | "replaced" | "reset" {
    const newest = this.entries[this.entries.length - 1];
    let result: "added" | "replaced" | "reset" = "added";
    if (newest !== undefined && tick < newest.tick) {
      this.clear();
      this.counts.resets++;
      result = "reset";
    } else if (newest !== undefined && tick === newest.tick) {
      this.entries[this.entries.length - 1] = { tick, values };
      return "replaced";
    }
    this.entries.push({ tick, values });
    if (this.entries.length > this.capacity) {
      this.counts.dropped += this.entries.length - this.capacity;
      this.entries.splice(0, this.entries.length - this.capacity);
    }
    return result;
  }

  /** Sample at `tick − delayTicks` (`tick` from TickClock.arrivalTickAt). */
  render(tick: number): RenderSample | null {
    return this.sample(tick - this.delayTicks);
  }

  /** Sample at exactly `renderTick`, or null while empty. */
  sample(renderTick: number): RenderSample | null {
    const entries = this.entries;
    const first = entries[0];
    const last = entries[entries.length - 1];
    if (first === undefined || last === undefined) return null;
    this.lastSampleTick = renderTick;

    if (renderTick > last.tick) {
      if (!this.starved) this.counts.starvations++;
      this.starved = true;
      this.counts.starvedSamples++;
      const prev = entries[entries.length - 2];
      if (prev === undefined || this.maxExtrapolationTicks === 0) {
        this.counts.heldSamples++;
        return { tick: renderTick, kind: "held", values: last.values.slice(), from: last.tick, to: null };
      }
      const ahead = Math.min(renderTick - last.tick, this.maxExtrapolationTicks);
      const kind: SampleKind = renderTick - last.tick <= this.maxExtrapolationTicks ? "extrapolated" : "held";
      if (kind === "extrapolated") this.counts.extrapolatedSamples++;
      else this.counts.heldSamples++;
      const g = ahead / (last.tick - prev.tick);
      const values = last.values.map((b, i) => {
        if (this.modeOf(i) !== "lerp") return b;
        const a = prev.values[i] ?? b;
        return this.bound(i, b + (b - a) * g);
      });
      return { tick: renderTick, kind, values, from: last.tick, to: null };
    }
    this.starved = false;

    if (renderTick < first.tick) {
      this.counts.earlySamples++;
      return { tick: renderTick, kind: "early", values: first.values.slice(), from: first.tick, to: null };
    }

    // The last entry at or before renderTick (renderTick ≤ last.tick, ≥ first.tick).
    let i = entries.length - 1;
    while (i > 0 && (entries[i] as Entry).tick > renderTick) i--;
    const a = entries[i] as Entry;
    // Keep one snapshot before the pair in use, in case the render tick steps back a little.
    if (i > 1) {
      this.counts.dropped += i - 1;
      entries.splice(0, i - 1);
      i = 1;
    }
    if (a.tick === renderTick) return { tick: renderTick, kind: "exact", values: a.values.slice(), from: a.tick, to: null };
    const b = entries[i + 1] as Entry;
    const f = (renderTick - a.tick) / (b.tick - a.tick);
    const values = a.values.map((va, k) => {
      if (this.modeOf(k) !== "lerp") return va;
      const vb = b.values[k] ?? va;
      return va + (vb - va) * f;
    });
    return { tick: renderTick, kind: "interpolated", values, from: a.tick, to: b.tick };
  }

  /** Drop everything (a new round, or a new stream). */
  clear(): void {
    this.entries = [];
    this.lastSampleTick = null;
    this.starved = false;
  }

  /** The newest snapshot's tick, or null. */
  get newestTick(): number | null {
    return this.entries[this.entries.length - 1]?.tick ?? null;
  }

  get size(): number {
    return this.entries.length;
  }

  get stats(): SnapshotBufferStats {
    const at = this.lastSampleTick;
    const depth = at === null ? this.entries.length : this.entries.filter((e) => e.tick > at).length;
    return { size: this.entries.length, depth, ...this.counts };
  }
}
