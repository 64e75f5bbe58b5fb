/**
 * What the capacity bench's parent and its load-generator processes say to
 * each other over IPC, and the reduction of one window's samples to mergeable
 * figures (histograms and counts, never every sample), so the parent can pool
 * any number of load generators exactly.
 */
import type { SystemName } from "../peers/systems";

/** Where a load generator points its bots. */
export interface Target {
  readonly system: SystemName;
  /** http://127.0.0.1:port of the server. */
  readonly base: string;
}

export interface OpenSpec {
  /** Unique within the run: the parent's handle of the room. */
  readonly key: string;
  /** Course seed (the peers; Edgeroom derives its own from the match secret). */
  readonly seed: number;
}

export type LoadgenRequest =
  | { readonly seq: number; readonly cmd: "init"; readonly target: Target }
  | { readonly seq: number; readonly cmd: "open"; readonly rooms: readonly OpenSpec[]; readonly matchSeconds: number; readonly timeoutMs: number }
  | { readonly seq: number; readonly cmd: "close"; readonly keys: readonly string[] }
  | { readonly seq: number; readonly cmd: "mark" }
  | { readonly seq: number; readonly cmd: "collect"; readonly ackGraceMs: number }
  | { readonly seq: number; readonly cmd: "exit" };

/**
 * A load generator's own stalls over a window: arrivals are stamped on its event loop, so a stall of its own
 * (a collection of its heap, a burst of decoding) shows as late states of every room it drives.
 */
export interface LoadgenStalls {
  readonly eldP99Ms: number;
  /** The longest event-loop delay (its resolution subtracted). */
  readonly eldMaxMs: number;
  /** Its garbage collector: the longest pause and the sum of pauses. */
  readonly gcMaxMs: number;
  readonly gcMs: number;
}

export type LoadgenReply =
  | { readonly seq: number; readonly ok: false; readonly error: string }
  | {
      readonly seq: number;
      readonly ok: true;
      readonly opened?: readonly { key: string; id: string }[];
      readonly window?: WindowReduction & LoadgenStalls & { readonly loadgenCpuMs: number; readonly loadgenSeconds: number };
    };

/** Simulation ticks per state at 60 Hz simulation and 20 Hz states. */
export const TICKS_PER_STATE = 3;

/** Inter-arrival histogram: bin i counts gaps in [i, i+1) × GAP_BIN_MS; the last bin holds everything above. */
export const GAP_BIN_MS = 0.5;
export const GAP_BINS = 4000;

export interface WindowReduction {
  readonly seconds: number;
  readonly rooms: number;
  readonly bots: number;
  /** Bots that received at least two states in the window. */
  readonly streams: number;
  readonly snapshots: number;
  readonly gapHistogram: number[];
  /** Σ over rooms of the simulation ticks advanced in the window (server tick stamps, scaled to the window). */
  readonly roomTicks: number;
  readonly snapBytes: number;
  /** Every server message (states, acks, other frames). */
  readonly allBytes: number;
  /** Input → ack latencies (ms) of the probes sent in the window (bench/reactive.ts). */
  readonly ackMs: number[];
  /** Every input sent in the window (planned and probes). */
  readonly inputs: number;
  /** Probes sent in the window; `unacked` counts those without an ack. */
  readonly probes: number;
  readonly unacked: number;
  readonly knockedOut: number;
  readonly closed: number;
  /**
   * Rooms whose match ended (every bot knocked out, the match over, or a socket closed): left out of every
   * other figure (a room that stops sending is not a server that cannot keep up) and replaced by the ramp.
   */
  readonly endedRooms: number;
  readonly endedKeys: string[];
  /**
   * Rooms where the bots failed: a runner knocked out, or a socket closed before the match was over
   * (ended or not). The bots never fall on their own (bench/reactive.ts), so this is the load failing,
   * not the server: the ramp reports it and replaces these rooms (`failedKeys`) at the next level.
   */
  readonly failedRooms: number;
  readonly failedKeys: string[];
  readonly errors: Record<string, number>;
}

interface RoomLike {
  readonly key?: string;
  readonly bots: readonly {
    readonly snaps: readonly { at: number; tick: number; bytes: number }[];
    readonly otherFrames: readonly { at: number; bytes: number }[];
    /** `probe`: a button-less ack-latency sample (bench/reactive.ts); planned inputs (probe false) are counted, not timed. */
    readonly inputs: readonly { sentAt: number; ackAt: number | null; probe?: boolean }[];
    readonly errors: ReadonlyMap<string, number>;
    readonly knockedOut: boolean;
    readonly matchOver?: boolean;
    readonly closeCode: number | null;
  }[];
}

export function roomEnded(room: RoomLike): boolean {
  return room.bots.every((b) => b.knockedOut) || room.bots.some((b) => b.matchOver === true || b.closeCode !== null);
}

/** The bots of this room failed: a runner fell, or a socket closed before the match was over. */
export function roomFailed(room: RoomLike): boolean {
  return room.bots.some((b) => b.knockedOut || (b.closeCode !== null && b.matchOver !== true));
}

export function reduceWindow(rooms: readonly RoomLike[], t0: number, t1: number): WindowReduction {
  const gapHistogram = new Array<number>(GAP_BINS).fill(0);
  let snapshots = 0;
  let streams = 0;
  let roomTicks = 0;
  let snapBytes = 0;
  let allBytes = 0;
  let inputs = 0;
  let probes = 0;
  let unacked = 0;
  let knockedOut = 0;
  let closed = 0;
  let bots = 0;
  const ackMs: number[] = [];
  const errors: Record<string, number> = {};
  const seconds = (t1 - t0) / 1000;
  const endedKeys: string[] = [];
  let endedRooms = 0;
  const failedKeys: string[] = [];
  let failedRooms = 0;
  const live: RoomLike[] = [];
  for (const room of rooms) {
    if (roomFailed(room)) {
      failedRooms += 1;
      if (room.key !== undefined) failedKeys.push(room.key);
    }
    if (!roomEnded(room)) live.push(room);
    else {
      endedRooms += 1;
      if (room.key !== undefined) endedKeys.push(room.key);
    }
  }
  for (const room of live) {
    let ticks = 0;
    for (const b of room.bots) {
      bots += 1;
      if (b.knockedOut) knockedOut += 1;
      if (b.closeCode !== null) closed += 1;
      for (const [k, v] of b.errors) errors[k] = (errors[k] ?? 0) + v;
      let prev: { at: number; tick: number } | null = null;
      let first: { at: number; tick: number } | null = null;
      for (const s of b.snaps) {
        if (s.at < t0 || s.at >= t1) continue;
        snapshots += 1;
        snapBytes += s.bytes;
        allBytes += s.bytes;
        if (prev) {
          const bin = Math.min(GAP_BINS - 1, Math.floor((s.at - prev.at) / GAP_BIN_MS));
          gapHistogram[bin] = (gapHistogram[bin] ?? 0) + 1;
        }
        first ??= s;
        prev = s;
      }
      for (const f of b.otherFrames) if (f.at >= t0 && f.at < t1) allBytes += f.bytes;
      if (first && prev && prev !== first) {
        streams += 1;
        // Ticks the server advanced in the window, per its own stamps: first to last state, plus the interval
        // before the first (a stream that stalls before the window ends shows fewer).
        ticks = Math.max(ticks, prev.tick - first.tick + TICKS_PER_STATE);
      }
      for (const i of b.inputs) {
        if (i.sentAt < t0 || i.sentAt >= t1) continue;
        inputs += 1;
        // Inputs planned ahead are acknowledged by the peers only when applied, up to 400 ms later: only probes are timed.
        if (i.probe === false) continue;
        probes += 1;
        if (i.ackAt === null) unacked += 1;
        else ackMs.push(i.ackAt - i.sentAt);
      }
    }
    roomTicks += ticks;
  }
  return { seconds, rooms: live.length, bots, streams, snapshots, gapHistogram, roomTicks, snapBytes, allBytes, ackMs, inputs, probes, unacked, knockedOut, closed, endedRooms, endedKeys, failedRooms, failedKeys, errors };
}

/** Pool reductions of the same window from several load generators. */
export function mergeReductions(parts: readonly WindowReduction[]): WindowReduction {
  const gapHistogram = new Array<number>(GAP_BINS).fill(0);
  const errors: Record<string, number> = {};
  for (const p of parts) {
    p.gapHistogram.forEach((c, i) => (gapHistogram[i] = (gapHistogram[i] ?? 0) + c));
    for (const [k, v] of Object.entries(p.errors)) errors[k] = (errors[k] ?? 0) + v;
  }
  const add = (f: (p: WindowReduction) => number) => parts.reduce((s, p) => s + f(p), 0);
  return {
    seconds: Math.max(0, ...parts.map((p) => p.seconds)),
    rooms: add((p) => p.rooms),
    bots: add((p) => p.bots),
    streams: add((p) => p.streams),
    snapshots: add((p) => p.snapshots),
    gapHistogram,
    roomTicks: add((p) => p.roomTicks),
    snapBytes: add((p) => p.snapBytes),
    allBytes: add((p) => p.allBytes),
    ackMs: parts.flatMap((p) => p.ackMs),
    inputs: add((p) => p.inputs),
    probes: add((p) => p.probes),
    unacked: add((p) => p.unacked),
    knockedOut: add((p) => p.knockedOut),
    closed: add((p) => p.closed),
    endedRooms: add((p) => p.endedRooms),
    endedKeys: parts.flatMap((p) => p.endedKeys),
    failedRooms: add((p) => p.failedRooms),
    failedKeys: parts.flatMap((p) => p.failedKeys),
    errors,
  };
}

/** Share (0–1) of the gaps in a histogram longer than `ms`: the tail's shape (a late state, or one merged into the next). */
export function histogramShareAbove(hist: readonly number[], ms: number): number {
  let total = 0;
  let above = 0;
  hist.forEach((c, i) => {
    total += c;
    if (i * GAP_BIN_MS >= ms) above += c;
  });
  return total === 0 ? NaN : above / total;
}

/** Percentile (q in [0, 1]) of the gaps in a histogram: the upper edge of the bin holding that rank. */
export function histogramQuantile(hist: readonly number[], q: number): number {
  const total = hist.reduce((s, c) => s + c, 0);
  if (total === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i] ?? 0;
    if (seen >= rank) return (i + 1) * GAP_BIN_MS;
  }
  return hist.length * GAP_BIN_MS;
}
