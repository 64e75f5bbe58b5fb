/**
 * The capacity ramp's pure rules: the room counts (steps of at most +25 %,
 * always through 50 rooms, where the per-room figures are quoted), the 20 Hz
 * criterion, when to stop, and rooms per core. Unit-tested in
 * test/unit/bench-capacity.test.ts.
 */
import { histogramQuantile, type WindowReduction } from "./protocol";

export const SNAPSHOT_MS = 50;
export const TICK_HZ = 60;
/** The reference level of the per-room figures (ack latency, bytes, CPU per room-tick). */
export const REFERENCE_ROOMS = 50;
export const MAX_STEP = 1.25;

export const CRITERION = {
  /** p99 of the intervals between consecutive states of one client, pooled over clients. */
  gapP99Ms: 75,
  /** States received ÷ (clients × window ÷ 50 ms). */
  minDelivered: 0.95,
  /** Simulation ticks advanced (from the server's tick stamps) ÷ (rooms × window × 60 Hz). */
  minTickRate: 0.95,
  /** The ramp stops once the server process uses this much of its (one) core. */
  maxServerCores: 0.9,
} as const;

/**
 * Room counts from `start` up to `max`: from 50 each level is the previous × 1.25 rounded down going up
 * and ÷ 1.25 rounded up going down, so no step exceeds +25 %: …, 17, 21, 26, 32, 40, 50, 62, 77, 96, 120, …
 */
export function rampLevels(start: number, max: number): number[] {
  const out = new Set<number>();
  for (let n = REFERENCE_ROOMS; n >= Math.max(1, start); ) {
    out.add(n);
    const next = Math.ceil(n / MAX_STEP - 1e-9);
    if (next === n) break;
    n = next;
  }
  for (let n = Math.floor(REFERENCE_ROOMS * MAX_STEP + 1e-9); n <= max; n = Math.floor(n * MAX_STEP + 1e-9)) out.add(n);
  return [...out].filter((n) => n <= max && n >= start).sort((a, b) => a - b);
}

export interface LevelVerdict {
  readonly gapP99Ms: number;
  readonly delivered: number;
  readonly tickRate: number;
  readonly holds20Hz: boolean;
  /** What failed, in words, or null. */
  readonly failed: string | null;
}

/** What the 20 Hz criterion reads of a measured window. */
export type JudgedWindow = Pick<WindowReduction, "gapHistogram" | "bots" | "seconds" | "snapshots" | "rooms" | "roomTicks">;

/**
 * A level that fails its window is measured for one more (its confirmation) and judged on both pooled,
 * for every system and the floor alike: on a shared 2-core VM one burst of another process can push a
 * 6 s window's p99 gap past the limit (the floor alone held 77 to 150 rooms in five ramps within eleven
 * minutes, 2026-12-07 00:01-00:11), and a 12 s window halves the weight of one burst. A level whose
 * load generators could not measure it, or whose bots failed, is not confirmed: those stop the ramp.
 */
export function needsConfirmation(verdict: LevelVerdict, health: LoadHealth): boolean {
  return !verdict.holds20Hz && health.unusable === null && health.botsFailed === null;
}

/** A level's load health over its window and its confirmation: the first reason found in either. */
export function worseHealth(a: LoadHealth, b: LoadHealth): LoadHealth {
  return { unusable: a.unusable ?? b.unusable, botsFailed: a.botsFailed ?? b.botsFailed };
}

/**
 * Consecutive windows of one level as one longer window: gaps, states and ticks add; bots and rooms are
 * weighted by each window's length, so the expected states and ticks are the sums of each window's.
 */
export function poolWindows(parts: readonly JudgedWindow[]): JudgedWindow {
  const seconds = parts.reduce((s, p) => s + p.seconds, 0);
  const weighted = (f: (p: JudgedWindow) => number) => (seconds > 0 ? parts.reduce((s, p) => s + f(p) * p.seconds, 0) / seconds : 0);
  const gapHistogram = new Array<number>(Math.max(0, ...parts.map((p) => p.gapHistogram.length))).fill(0);
  for (const p of parts) p.gapHistogram.forEach((c, i) => (gapHistogram[i] = (gapHistogram[i] ?? 0) + c));
  return {
    gapHistogram,
    seconds,
    bots: weighted((p) => p.bots),
    rooms: weighted((p) => p.rooms),
    snapshots: parts.reduce((s, p) => s + p.snapshots, 0),
    roomTicks: parts.reduce((s, p) => s + p.roomTicks, 0),
  };
}

export function judge(w: JudgedWindow): LevelVerdict {
  const gapP99Ms = histogramQuantile(w.gapHistogram, 0.99);
  const expected = (w.bots * w.seconds * 1000) / SNAPSHOT_MS;
  const delivered = expected > 0 ? w.snapshots / expected : 0;
  const tickRate = w.rooms > 0 && w.seconds > 0 ? w.roomTicks / (w.rooms * w.seconds * TICK_HZ) : 0;
  const fails: string[] = [];
  if (!(gapP99Ms <= CRITERION.gapP99Ms)) fails.push(`gap p99 ${gapP99Ms} ms > ${CRITERION.gapP99Ms}`);
  if (!(delivered >= CRITERION.minDelivered)) fails.push(`${(delivered * 100).toFixed(1)} % of states delivered < 95 %`);
  if (!(tickRate >= CRITERION.minTickRate)) fails.push(`simulation at ${(tickRate * 100).toFixed(1)} % of 60 Hz < 95 %`);
  return { gapP99Ms, delivered, tickRate, holds20Hz: fails.length === 0, failed: fails.length ? fails.join("; ") : null };
}

export interface LevelPoint {
  readonly rooms: number;
  readonly holds20Hz: boolean;
  /** Server CPU in cores (fraction of one), gross. */
  readonly serverCores: number;
  /** Net of the idle rate. */
  readonly serverCoresNet: number;
  /** The level's measurement could not be trusted (load generator saturated) or failed to run. */
  readonly unusable: boolean;
  /** More than LOAD_LIMITS.maxFailedRooms of the rooms had their bots fail (a runner fell, a socket closed). */
  readonly botsFailed: boolean;
}

/**
 * cpu, 20Hz: the server's limit (the normal stops); unusable: the load generators could not measure the
 * level; bots: the bots failed in too many rooms while the server held 20 Hz (a load failure, reported
 * apart; it should not happen, the bots never fall on their own); error: the run failed.
 */
export type StopReason = "cpu" | "20Hz" | "max-rooms" | "budget" | "unusable" | "bots" | "error" | null;

/** Why the ramp stops after this level (null: go on). A 20 Hz failure wins over failed bots: late states make bots fall. */
export function stopAfter(level: LevelPoint): StopReason {
  if (level.unusable) return "unusable";
  if (!level.holds20Hz) return "20Hz";
  if (level.botsFailed) return "bots";
  if (level.serverCores >= CRITERION.maxServerCores) return "cpu";
  return null;
}

/** When the load generators' own figures make a level untrustworthy. */
export const LOAD_LIMITS = {
  /** Event-loop delay p99 of any load generator (a starved or saturated one stamps arrivals late). */
  eldP99Ms: 20,
  /** Share of the rooms whose bots failed. */
  maxFailedRooms: 0.1,
} as const;

export interface LoadHealth {
  /** Why the level cannot be measured (load generators saturated or starved), or null. */
  readonly unusable: string | null;
  /** Why the bots failed, or null. */
  readonly botsFailed: string | null;
}

/** Judge the load of one level: the load generators' CPU and event-loop delay, and the rooms whose bots failed. */
export function loadHealth(w: { readonly loadgenCores: number; readonly loadgenLimitCores: number; readonly eldP99Ms: number; readonly failedRooms: number; readonly rooms: number }): LoadHealth {
  const r2 = (v: number) => Math.round(v * 100) / 100;
  const unusable =
    w.loadgenCores > w.loadgenLimitCores
      ? `load generators used ${r2(w.loadgenCores)} cores`
      : w.eldP99Ms > LOAD_LIMITS.eldP99Ms
        ? `a load generator's event-loop delay p99 was ${Math.round(w.eldP99Ms * 10) / 10} ms (starved or saturated: arrival stamps are late)`
        : null;
  const botsFailed = w.failedRooms > LOAD_LIMITS.maxFailedRooms * w.rooms ? `bots failed in ${w.failedRooms} of ${w.rooms} rooms (a runner fell or a socket closed)` : null;
  return { unusable, botsFailed };
}

export interface Capacity {
  /** The last level that held 20 Hz (with every level before it), or 0. */
  readonly lastClean: number;
  /** Its server CPU (cores, net of idle). */
  readonly lastCleanCores: number;
  /**
   * Rooms per core: when the ramp ended on CPU, the last clean level scaled to one full core by its net CPU
   * (rooms ÷ cores); when it ended on the 20 Hz criterion, the last clean level itself (the server could not
   * turn more of its core into rooms); when it ended on the budget or the room cap, a lower bound.
   */
  readonly roomsPerCore: number;
  readonly bound: "measured" | "lower bound";
  readonly stop: StopReason;
}

export function capacity(levels: readonly LevelPoint[], stop: StopReason): Capacity {
  let last: LevelPoint | null = null;
  for (const l of levels) {
    if (l.unusable || l.botsFailed || !l.holds20Hz) break;
    last = l;
  }
  if (!last) return { lastClean: 0, lastCleanCores: 0, roomsPerCore: 0, bound: stop === "20Hz" || stop === "cpu" ? "measured" : "lower bound", stop };
  const cores = Math.max(last.serverCoresNet, 1e-6);
  const perCore = stop === "cpu" ? last.rooms / Math.max(cores, CRITERION.maxServerCores) : last.rooms;
  return {
    lastClean: last.rooms,
    lastCleanCores: last.serverCoresNet,
    roomsPerCore: Math.floor(perCore),
    bound: stop === "cpu" || stop === "20Hz" ? "measured" : "lower bound",
    stop,
  };
}
