/**
 * Rebuilds the server's quantised arrays from a connection's `snap` frames.
 *
 * The room sends every connection a keyframe first (`key: true`, `d` is the
 * whole array) and then deltas (`d` holds [index, residual, …] pairs: each
 * value is predicted from the last three arrays received, and only the misses
 * are sent; docs/protocol.md §14, Snapshots). The stream is ordered and
 * reliable, so the baselines of a delta are always the last three snaps
 * received (all the keyframe right after one); the client only has to apply
 * them in order.
 *
 * A delta without a baseline (the stream was reset on a reconnect, or a
 * corrupt delta was dropped) cannot be applied: it is ignored and reported
 * until the next keyframe. Note the room sends a keyframe only as the first
 * snap of a connection or when the array's length changes, and there is no
 * frame to ask for one: a client stuck without a baseline has to reconnect.
 *
 * `ack` is absolute (not delta-encoded) but only sent when it changed (null
 * otherwise), so it is taken from every frame that carries one, ignored ones
 * included.
 */
import { applySnapDelta } from "../../protocol/snap-codec";

/** The fields of a `snap` frame the stream reads (a decoded SnapFrame fits). */
export interface SnapLike {
  readonly tick: number;
  /** Null: unchanged since the previous frame. */
  readonly ack: number | null;
  readonly key: boolean;
  readonly d: readonly number[];
}

export type SnapIgnoredReason =
  /** A delta arrived while the stream had no baseline (after `reset()`, or before the first keyframe). */
  | "no-baseline"
  /** A delta named an index outside the array, or had an odd length: the baseline is dropped. */
  | "bad-delta";

export type SnapOutcome =
  | {
      readonly kind: "applied";
      readonly key: boolean;
      readonly tick: number;
      readonly ack: number;
      /** The full quantised array at `tick`: a fresh array, never mutated afterwards. */
      readonly values: readonly number[];
      /** The tick went backwards: a new round started (the room keeps sending deltas across rounds when the length is unchanged). */
      readonly rewound: boolean;
    }
  | { readonly kind: "ignored"; readonly reason: SnapIgnoredReason; readonly tick: number; readonly ack: number };

export interface SnapshotStreamStats {
  readonly keyframes: number;
  readonly deltas: number;
  /** Frames ignored (no baseline or corrupt delta). */
  readonly ignored: number;
  /** Times the tick went backwards (new rounds). */
  readonly rewinds: number;
}

export interface SnapshotStreamOptions {
  /** Called for every ignored frame, e.g. to log it or to decide to reconnect. */
  onIgnored?: (outcome: Extract<SnapOutcome, { kind: "ignored" }>) => void;
}

export class SnapshotStream {
  private current: readonly number[] | null = null;
  private previous: readonly number[] | null = null;
  private older: readonly number[] | null = null;
  private currentTick: number | null = null;
  private lastAck = 0;
  private counts = { keyframes: 0, deltas: 0, ignored: 0, rewinds: 0 };
  private readonly onIgnored: SnapshotStreamOptions["onIgnored"];

  constructor(options: SnapshotStreamOptions = {}) {
    this.onIgnored = options.onIgnored;
  }

  /** Apply one `snap` frame, in the order received. */
  apply(frame: SnapLike): SnapOutcome {
    if (frame.ack !== null) this.lastAck = frame.ack;
    if (frame.key) {
      const values = frame.d.slice();
      return this.accept(frame, values, true);
    }
    if (this.current === null) return this.ignore(frame, "no-baseline");
    if (!validDelta(frame.d, this.current.length)) {
      this.current = null;
      return this.ignore(frame, "bad-delta");
    }
    return this.accept(frame, applySnapDelta(this.older ?? this.current, this.previous ?? this.current, this.current, frame.d), false);
  }

  /** Forget the baseline (call on every new connection: the room starts it with a keyframe). The tick and ack are kept. */
  reset(): void {
    this.current = null;
    this.previous = null;
    this.older = null;
  }

  /** The latest full quantised array, or null without a baseline. */
  get values(): readonly number[] | null {
    return this.current;
  }

  /** The tick of `values` (the last applied frame), or null before any. */
  get tick(): number | null {
    return this.currentTick;
  }

  /** Highest input id of this seat the room had applied, from the last frame (ignored ones included). */
  get ack(): number {
    return this.lastAck;
  }

  /** True while deltas are being ignored for want of a keyframe. */
  get awaitingKeyframe(): boolean {
    return this.current === null;
  }

  get stats(): SnapshotStreamStats {
    return { ...this.counts };
  }

  private accept(frame: SnapLike, values: number[], key: boolean): SnapOutcome {
    const rewound = this.currentTick !== null && frame.tick < this.currentTick;
    if (rewound) this.counts.rewinds++;
    if (key) this.counts.keyframes++;
    else this.counts.deltas++;
    // After a keyframe all three baselines are the keyframe.
    this.older = key ? values : this.previous;
    this.previous = key ? values : this.current;
    this.current = values;
    this.currentTick = frame.tick;
    return { kind: "applied", key, tick: frame.tick, ack: this.lastAck, values, rewound };
  }

  private ignore(frame: SnapLike, reason: SnapIgnoredReason): SnapOutcome {
    this.counts.ignored++;
    const outcome = { kind: "ignored", reason, tick: frame.tick, ack: this.lastAck } as const;
    this.onIgnored?.(outcome);
    return outcome;
  }
}

function validDelta(pairs: readonly number[], length: number): boolean {
  if (pairs.length % 2 !== 0) return false;
  for (let i = 0; i < pairs.length; i += 2) {
    const index = pairs[i] as number;
    if (!Number.isInteger(index) || index < 0 || index >= length) return false;
  }
  return true;
}
