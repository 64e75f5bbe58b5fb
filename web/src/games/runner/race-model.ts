/**
 * The local picture of a race, built with the SDK's real-time helpers
 * (src/client/realtime): snapshots rebuilt from `snap` frames
 * (SnapshotStream), the server's tick estimated from them (TickClock), other
 * runners sampled a little in the past between real snapshots
 * (SnapshotBuffer), and the player's own runner predicted from their inputs
 * (RunnerPrediction, from the runner's own client folder), so a jump shows at once.
 */
import { SnapshotBuffer, SnapshotStream, TickClock } from "../../../../src/client/realtime";
import { RunnerPrediction, runnerExtrapolationBound, runnerFieldModes, type RunnerBody } from "../../../../src/games/runner/client";
import { SNAPSHOT_HZ, TICK_HZ } from "../../../../src/games/runner/constants";
import type { RunnerInput } from "../../../../src/games/runner/schema";
import { decodeQuantized, type RunnerFrame } from "../../../../src/games/runner/quantize";
import type { SnapFrame } from "../../../../src/protocol/schemas";
import type { RunnerView } from "../../../../src/games/runner";
import { frameOfView } from "./view";

function decode(values: readonly number[]): RunnerFrame | null {
  try {
    return decodeQuantized(values);
  } catch {
    return null;
  }
}

export class RaceModel {
  private readonly stream = new SnapshotStream();
  private readonly clock = new TickClock({ tickHz: TICK_HZ });
  private buffer: SnapshotBuffer | null = null;
  private bufferSeats = 0;
  private prediction: RunnerPrediction | null = null;
  private latestFrame: RunnerFrame | null = null;
  private viewFrame: RunnerFrame | null = null;

  constructor(
    private readonly serverNow: () => number,
    private readonly rtt: () => number | null,
  ) {}

  /** A new connection: its snapshot stream starts over with a keyframe. */
  newConnection(): void {
    this.stream.reset();
  }

  /** A new round: forget the old one's timeline and prediction. */
  newRound(): void {
    this.clock.reset();
    this.buffer?.clear();
    this.latestFrame = null;
    this.prediction = null;
  }

  /** Predict for `seat` in a round of `maxTicks` (from the room view). */
  setSeat(seat: number | null, maxTicks: number | null): void {
    if (seat === null || maxTicks === null) return;
    if (this.prediction && this.prediction.seat === seat && this.prediction.maxTicks === maxTicks) return;
    this.prediction = new RunnerPrediction({ seat, maxTicks });
  }

  onView(view: RunnerView | null): void {
    this.viewFrame = frameOfView(view);
  }

  onSnap(frame: SnapFrame): void {
    const out = this.stream.apply(frame);
    if (out.kind !== "applied") return;
    const decoded = decode(out.values);
    if (!decoded) return;
    if (out.rewound) this.newRound();
    this.clock.observe(out.tick, this.serverNow(), this.rtt());
    if (!this.buffer || this.bufferSeats !== decoded.players.length) {
      this.bufferSeats = decoded.players.length;
      this.buffer = new SnapshotBuffer({
        tickHz: TICK_HZ,
        snapshotHz: SNAPSHOT_HZ,
        modes: runnerFieldModes(this.bufferSeats),
        bound: runnerExtrapolationBound(this.bufferSeats),
      });
    }
    this.buffer.push(out.tick, out.values);
    this.latestFrame = decoded;
    if (this.prediction && decoded.players[this.prediction.seat]) this.prediction.onSnapshot(out.tick, out.values, out.ack);
  }

  /** The newest authoritative frame (a snapshot, else the room view). */
  latest(): RunnerFrame | null {
    if (this.latestFrame && this.viewFrame && this.viewFrame.tick > this.latestFrame.tick) return this.viewFrame;
    return this.latestFrame ?? this.viewFrame;
  }

  /** The server's current tick (fractional), or the latest frame's before any snapshot. */
  serverTick(): number | null {
    if (this.clock.anchored && this.latest()?.phase !== "over") return Math.max(0, this.clock.tickAt(this.serverNow()));
    return this.latest()?.tick ?? null;
  }

  /** The tick to stamp an input made now with (null before the first snapshot). */
  inputTick(): number | null {
    return this.clock.anchored ? this.clock.inputTick(this.serverNow()) : null;
  }

  /** Every runner as it was a little in the past, between two real snapshots. */
  remote(): RunnerFrame | null {
    const latest = this.latest();
    if (!this.buffer || !this.clock.anchored || latest?.phase === "over") return latest;
    const sample = this.buffer.render(this.clock.arrivalTickAt(this.serverNow()));
    return (sample && decode(sample.values)) ?? latest;
  }

  /** Our own runner, predicted up to the input tick (null when not seated or before the first snapshot). */
  own(): RunnerBody | null {
    const tick = this.inputTick();
    if (!this.prediction || tick === null || !this.latestFrame || this.latest()?.phase === "over") return null;
    return this.prediction.advanceTo(tick);
  }

  /** A local input, predicted at once; returns the handle to pass to `settled`. */
  applyLocal(input: RunnerInput): number | null {
    return this.prediction ? this.prediction.applyLocal(input).key : null;
  }

  /**
   * The SDK settled a local input. Its wire id is only known now (the SDK
   * does not expose it at send time); acks arrive before the snapshot that
   * includes the input, so reconciliation still sees the id in time.
   */
  settled(key: number | null, id: number | null, ok: boolean): void {
    const p = this.prediction;
    if (!p || key === null) return;
    if (id === null) {
      // Never sent (outbox full, client closed): an id below every ack drops it at the next snapshot.
      p.setId(key, -1);
      return;
    }
    p.setId(key, id);
    if (!ok) p.reject(id);
  }
}
