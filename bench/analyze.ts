/**
 * Client-side figures of one measurement window [t0, t1] (performance.now()
 * ms): snapshot sizes, inter-arrival jitter, lateness against the ideal
 * schedule, skipped ticks, input-to-ack latency, and the per-room rates the
 * cost model needs. Samples outside the window (connection, warm-up,
 * teardown) are ignored.
 */
import type { FlushMark, SnapSample } from "./bot";
import { TICKS_PER_SNAPSHOT } from "./reactive";
import { round, sum, summarize, type Summary } from "./stats";

export const TICK_MS = 1000 / 60;
export const SNAPSHOT_MS = TICK_MS * TICKS_PER_SNAPSHOT;

/** What the analysis reads from one bot (bench/bot.ts's Bot, or a peer system's bot in bench/peers). */
export interface BotSamples {
  readonly snaps: readonly SnapSample[];
  readonly otherFrames: readonly { readonly at: number; readonly bytes: number }[];
  /** `probe`: a button-less ack-latency sample; inputs planned ahead (bench/reactive.ts) are counted but not timed. */
  readonly inputs: readonly { readonly sentAt: number; readonly ackAt: number | null; readonly probe?: boolean }[];
  readonly appliedMarks: readonly FlushMark[];
  readonly eventMarks: readonly FlushMark[];
  readonly errors: ReadonlyMap<string, number>;
  readonly knockedOut: boolean;
}

export interface RoomSamples {
  readonly bots: readonly BotSamples[];
}

export interface SentInWindow {
  readonly pings: number;
  readonly inputs: number;
  readonly bytesOut: number;
}

export interface WindowFigures {
  readonly seconds: number;
  readonly rooms: number;
  readonly bots: number;
  readonly snapshots: number;
  /** Ticks simulated in the window, summed over rooms (from the snapshot ticks seen). */
  readonly roomTicks: number;
  readonly bytes: {
    /** Mean snapshot payload in the window (deltas, after the first keyframe). */
    readonly perSnapshot: number;
    readonly perSnapshotSummary: Summary;
    /** Mean keyframe payload (one per connection, usually before the window). */
    readonly keyframe: number;
    /** Snapshot bytes / ticks those snapshots covered, per client. */
    readonly perClientPerTick: number;
    readonly snapPerClientPerSecond: number;
    /** Every server frame (snapshots, acks, updates), per client. */
    readonly allPerClientPerSecond: number;
    /** What each client sent (inputs + pings), per client. */
    readonly upPerClientPerSecond: number;
  };
  /** |inter-arrival interval − 50 ms|. */
  readonly jitterMs: Summary;
  /** Arrival − ideal time, ideal = first snapshot in the window + (tick − its tick) × 1000/60 ms. */
  readonly latenessMs: Summary;
  /** Same, anchored on each stream's earliest offset instead of its first snapshot (never negative). */
  readonly latenessBestMs: Summary;
  /** Σ (Δtick − 3) over consecutive snapshots where Δtick > 3, and how many such gaps. */
  readonly skippedTicks: number;
  readonly gaps: number;
  readonly ackMs: Summary;
  readonly inputs: number;
  readonly unacked: number;
  readonly errors: Record<string, number>;
  readonly knockedOut: number;
  readonly roomsEndedEarly: number;
  /** Rates per room per second of the window (cost-model inputs). */
  readonly perRoomSecond: {
    /** Incoming WebSocket messages the room receives: inputs + heartbeat pings. */
    readonly messages: number;
    readonly inputs: number;
    readonly pings: number;
    /** Snapshot intervals in which inputs were applied (acks arrived). */
    readonly inputIntervals: number;
    /** Snapshot intervals with an update carrying events (each update is one journal row). */
    readonly eventIntervals: number;
    /** Intervals with inputs or events: one record write each. */
    readonly persistIntervals: number;
  };
}

const inWindow = (at: number, t0: number, t1: number) => at >= t0 && at < t1;

function streamFigures(snaps: readonly SnapSample[]) {
  const jitter: number[] = [];
  const late: number[] = [];
  const sizes: number[] = [];
  let skipped = 0;
  let gaps = 0;
  let ticksCovered = 0;
  let bytesCovered = 0;
  const first = snaps[0];
  for (let i = 0; i < snaps.length; i++) {
    const s = snaps[i] as SnapSample;
    sizes.push(s.bytes);
    if (first) late.push(s.at - (first.at + (s.tick - first.tick) * TICK_MS));
    const prev = snaps[i - 1];
    if (!prev) continue;
    const dt = s.tick - prev.tick;
    jitter.push(Math.abs(s.at - prev.at - SNAPSHOT_MS));
    if (dt > TICKS_PER_SNAPSHOT) {
      skipped += dt - TICKS_PER_SNAPSHOT;
      gaps += 1;
    }
    ticksCovered += dt;
    bytesCovered += s.bytes;
  }
  const best = late.length > 0 ? Math.min(...late) : 0;
  return { jitter, late, lateBest: late.map((v) => v - best), sizes, skipped, gaps, ticksCovered, bytesCovered };
}

export function analyzeWindow(rooms: readonly RoomSamples[], t0: number, t1: number, sent: SentInWindow): WindowFigures {
  const seconds = (t1 - t0) / 1000;
  const bots = rooms.flatMap((r) => r.bots);
  const jitter: number[] = [];
  const late: number[] = [];
  const lateBest: number[] = [];
  const sizes: number[] = [];
  const ack: number[] = [];
  let skipped = 0;
  let gaps = 0;
  let ticksCovered = 0;
  let bytesCovered = 0;
  let roomTicks = 0;
  let endedEarly = 0;
  let inputIntervals = 0;
  let eventIntervals = 0;
  let persistIntervals = 0;
  let inputs = 0;
  let unacked = 0;
  let otherBytes = 0;
  for (const room of rooms) {
    let ticks = 0;
    let lastAt = -Infinity;
    const applied = new Set<number>();
    const events = new Set<number>();
    for (const bot of room.bots) {
      const snaps = bot.snaps.filter((s) => inWindow(s.at, t0, t1));
      const f = streamFigures(snaps);
      jitter.push(...f.jitter);
      late.push(...f.late);
      lateBest.push(...f.lateBest);
      sizes.push(...f.sizes);
      skipped += f.skipped;
      gaps += f.gaps;
      ticksCovered += f.ticksCovered;
      bytesCovered += f.bytesCovered;
      const a = snaps[0];
      const b = snaps[snaps.length - 1];
      if (a && b) ticks = Math.max(ticks, b.tick - a.tick + TICKS_PER_SNAPSHOT);
      if (b) lastAt = Math.max(lastAt, b.at);
      for (const m of bot.appliedMarks) if (inWindow(m.at, t0, t1)) applied.add(m.snapTick);
      for (const m of bot.eventMarks) if (inWindow(m.at, t0, t1)) events.add(m.snapTick);
      for (const i of bot.inputs) {
        if (!inWindow(i.sentAt, t0, t1)) continue;
        inputs += 1;
        if (i.probe === false) continue;
        if (i.ackAt === null) unacked += 1;
        else ack.push(i.ackAt - i.sentAt);
      }
      otherBytes += sum(bot.otherFrames.filter((o) => inWindow(o.at, t0, t1)).map((o) => o.bytes));
    }
    roomTicks += ticks;
    if (lastAt < t1 - 4 * SNAPSHOT_MS) endedEarly += 1;
    inputIntervals += applied.size;
    eventIntervals += events.size;
    persistIntervals += new Set([...applied, ...events]).size;
  }
  const keyframes = bots.flatMap((b) => b.snaps.filter((s) => s.key).map((s) => s.bytes));
  const errors: Record<string, number> = {};
  for (const bot of bots) for (const [k, v] of bot.errors) errors[k] = (errors[k] ?? 0) + v;
  const perClientSecond = (bytes: number) => round(bytes / Math.max(1, bots.length) / seconds, 1);
  const roomSeconds = Math.max(1e-9, rooms.length * seconds);
  return {
    seconds: round(seconds, 2),
    rooms: rooms.length,
    bots: bots.length,
    snapshots: sizes.length,
    roomTicks,
    bytes: {
      perSnapshot: round(sum(sizes) / Math.max(1, sizes.length), 2),
      perSnapshotSummary: summarize(sizes),
      keyframe: round(sum(keyframes) / Math.max(1, keyframes.length), 1),
      perClientPerTick: round(bytesCovered / Math.max(1, ticksCovered), 2),
      snapPerClientPerSecond: perClientSecond(sum(sizes)),
      allPerClientPerSecond: perClientSecond(sum(sizes) + otherBytes),
      upPerClientPerSecond: perClientSecond(sent.bytesOut),
    },
    jitterMs: summarize(jitter),
    latenessMs: summarize(late),
    latenessBestMs: summarize(lateBest),
    skippedTicks: skipped,
    gaps,
    ackMs: summarize(ack),
    inputs,
    unacked,
    errors,
    knockedOut: bots.filter((b) => b.knockedOut).length,
    roomsEndedEarly: endedEarly,
    perRoomSecond: {
      messages: round((sent.inputs + sent.pings) / roomSeconds),
      inputs: round(sent.inputs / roomSeconds),
      pings: round(sent.pings / roomSeconds),
      inputIntervals: round(inputIntervals / roomSeconds),
      eventIntervals: round(eventIntervals / roomSeconds),
      persistIntervals: round(persistIntervals / roomSeconds),
    },
  };
}
