/**
 * One load level of one system: open N four-player rooms, wait until every
 * room races (past the 3 s countdown), measure a window (client figures from
 * bench/analyze.ts, server CPU and RSS from /proc, load-generator CPU and
 * event-loop delay, counted operations on the workerd systems), then close
 * every bot and let the rooms end.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { COUNTDOWN_TICKS, TICK_HZ } from "../../src/games/runner";
import { analyzeWindow, SNAPSHOT_MS, type WindowFigures } from "../analyze";
import { cpuMs, LoadgenCpu, machineCpu, rssBytes } from "../proc";
import { sleep } from "../rooms";
import { round, sum, summarize, type Summary } from "../stats";
import type { AnyBot, OpCounters, PeerRoom, SystemUnderTest } from "./systems";

export interface LevelConfig {
  readonly windowSeconds: number;
  /** Window of the 1-room level (the per-client figures rest on it): longer, for enough samples. */
  readonly baselineWindowSeconds: number;
  readonly warmupMs: number;
  readonly lateLimitMs: number;
  /** Load-generator CPU (fraction of one core) above which a level is discarded. */
  readonly loadgenLimit: number;
  /** Load-generator event-loop delay p99 (ms) above which a level is discarded. */
  readonly eldLimitMs: number;
}

export interface CountedRates {
  /** Room-seconds the counters cover. */
  readonly roomSeconds: number;
  /** Per room per second. */
  readonly messages: number;
  readonly storageWrites: number;
  readonly rowsWritten: number;
  readonly alarmWrites: number;
  readonly alarmRuns: number;
  /** Awake ms per room per second of wall time (1000 = always awake). */
  readonly awakeMsPerSecond: number;
  readonly steps: number;
  readonly droppedSteps: number;
  /**
   * Share of the server's real-time loop ticks that ran 25 ms or more past their boundary, by the server's
   * own clock (Edgeroom's `loopTicks`/`loopTicksLate`; null where the system counts none; absent before 2026-12-07 14:00).
   */
  readonly lateLoopShare?: number | null;
}

export interface LevelResult {
  readonly system: string;
  readonly rep: number;
  readonly rooms: number;
  readonly windowSeconds: number;
  readonly setupSeconds: number;
  readonly figures: WindowFigures;
  /** Snapshot inter-arrival intervals longer than 1.5 × 50 ms (a snapshot missed its slot), per stream pooled. */
  readonly longGaps: number;
  readonly server: {
    readonly cpuMs: number;
    readonly cores: number;
    readonly usPerRoomTick: number;
    readonly usPerRoomTickNet: number;
    readonly rssBytes: number;
    readonly rssBeforeBytes: number;
  };
  readonly loadgen: { readonly cpuCores: number; readonly eventLoopDelayP99Ms: number; readonly eventLoopDelayP999Ms?: number; readonly eventLoopDelayMaxMs?: number; readonly saturated: boolean };
  /** Machine CPU in cores over the window: all of it, and what was neither the server nor the load generator. */
  readonly machine: { readonly busyCores: number; readonly otherCores: number; readonly noisy: boolean };
  readonly counted: CountedRates | null;
  /** Delivery-schedule lateness (see scheduleFit), pooled over the clients. */
  readonly schedule: { readonly p99Ms: number; readonly maxPeriodMs: number; readonly medianPeriodMs: number };
  /** Capacity criterion: the level holds 20 Hz (period within 2 %, p99 schedule lateness under the limit). */
  readonly pass: boolean;
  /** Edgeroom's own criterion (bench/README.md): p99 tick-based lateness under the limit. */
  readonly passTickLateness: boolean;
  /** Bots connected / bots that received a state. */
  readonly connected: number;
  readonly error: string | null;
}

const ELD_RESOLUTION_MS = 2;
/** Other processes' CPU above which a level is marked noisy (the machine is shared with other work). */
export const NOISY_OTHER_CORES = 0.25;

/** Room setup time (HTTP, tickets, upgrades, first states), a little above what this machine measured. */
export function setupAllowanceSeconds(rooms: number): number {
  return 2 + 0.06 * rooms;
}

export function windowFor(rooms: number, cfg: Pick<LevelConfig, "windowSeconds" | "baselineWindowSeconds">): number {
  return rooms === 1 ? cfg.baselineWindowSeconds : cfg.windowSeconds;
}

export function estimateLevelSeconds(rooms: number, cfg: LevelConfig): number {
  return setupAllowanceSeconds(rooms) + COUNTDOWN_TICKS / TICK_HZ + cfg.warmupMs / 1000 + windowFor(rooms, cfg) + 3;
}

/**
 * Delivery-schedule lateness of one stream: fit arrival = a + b·k by least squares (k = the state's
 * index in the stream) and return the period b and each state's residual (positive = late). Unlike the
 * tick-based lateness it does not charge a system whose send timer is not phase-locked to its step timer
 * for the phase between them; a server that cannot keep up shows as a longer period or late residuals.
 */
export function scheduleFit(arrivals: readonly number[]): { periodMs: number; residuals: number[] } | null {
  const n = arrivals.length;
  if (n < 3) return null;
  const meanK = (n - 1) / 2;
  const meanT = arrivals.reduce((s, v) => s + v, 0) / n;
  let sKT = 0;
  let sKK = 0;
  for (let k = 0; k < n; k++) {
    sKT += (k - meanK) * ((arrivals[k] as number) - meanT);
    sKK += (k - meanK) ** 2;
  }
  const b = sKT / sKK;
  const a = meanT - b * meanK;
  return { periodMs: b, residuals: arrivals.map((t, k) => t - (a + b * k)) };
}

/** Pooled schedule lateness over streams: p99 of the residuals and the slowest stream's period. */
export function scheduleLateness(streams: readonly (readonly number[])[]): { p99Ms: number; maxPeriodMs: number; medianPeriodMs: number } {
  const residuals: number[] = [];
  const periods: number[] = [];
  for (const s of streams) {
    const fit = scheduleFit(s);
    if (!fit) continue;
    periods.push(fit.periodMs);
    residuals.push(...fit.residuals);
  }
  const r = summarize(residuals);
  const p = summarize(periods);
  return { p99Ms: r.p99, maxPeriodMs: p.max, medianPeriodMs: p.p50 };
}

/** A level holds 20 Hz when states keep a period within 2% of 50 ms and p99 schedule lateness under the limit. */
export function holds20Hz(s: { p99Ms: number; maxPeriodMs: number }, limitMs: number, intervalMs = SNAPSHOT_MS): boolean {
  return Number.isFinite(s.p99Ms) && s.p99Ms < limitMs && Math.abs(s.maxPeriodMs - intervalMs) <= 0.02 * intervalMs;
}

/**
 * Wait (at most `maxMs`) until processes other than the server and this load generator use less than
 * NOISY_OTHER_CORES (the machine may be shared); returns the last reading, in cores.
 */
export async function waitForQuiet(serverPids: readonly number[], maxMs: number): Promise<number> {
  const deadline = performance.now() + maxMs;
  for (;;) {
    const m0 = machineCpu();
    const s0 = cpuMs(serverPids);
    const c0 = process.cpuUsage();
    await sleep(1000);
    const m1 = machineCpu();
    const c = process.cpuUsage(c0);
    const ours = cpuMs(serverPids) - s0 + (c.user + c.system) / 1000;
    const other = Math.max(0, (m1.busyMs - m0.busyMs - ours) / (m1.at - m0.at));
    if (other < NOISY_OTHER_CORES || performance.now() >= deadline) return other;
  }
}

/** Intervals between consecutive states of one stream longer than 1.5 snapshot intervals. */
export function countLongGaps(arrivals: readonly number[], intervalMs = SNAPSHOT_MS): number {
  let n = 0;
  for (let i = 1; i < arrivals.length; i++) if ((arrivals[i] as number) - (arrivals[i - 1] as number) > 1.5 * intervalMs) n += 1;
  return n;
}

/** Sum of counter deltas between two readings, per room-second. */
export function countedRates(before: ReadonlyMap<string, OpCounters>, after: ReadonlyMap<string, OpCounters>, seconds: number): CountedRates | null {
  const keys = [...after.keys()].filter((k) => before.has(k));
  if (keys.length === 0 || !(seconds > 0)) return null;
  const roomSeconds = keys.length * seconds;
  const d = (f: keyof OpCounters) => sum(keys.map((k) => (after.get(k) as OpCounters)[f] - (before.get(k) as OpCounters)[f]));
  return {
    roomSeconds: round(roomSeconds, 1),
    messages: round(d("messages") / roomSeconds),
    storageWrites: round(d("storageWrites") / roomSeconds),
    rowsWritten: round(d("rowsWritten") / roomSeconds),
    alarmWrites: round(d("alarmWrites") / roomSeconds),
    alarmRuns: round(d("alarmRuns") / roomSeconds),
    awakeMsPerSecond: round(d("awakeMs") / roomSeconds, 1),
    steps: round(d("steps") / roomSeconds, 2),
    droppedSteps: round(d("droppedSteps") / roomSeconds, 3),
    lateLoopShare: d("loopTicks") > 0 ? round(d("loopTicksLate") / d("loopTicks"), 5) : null,
  };
}

async function waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(what);
    // Polling the bots' own sample arrays (no event to wait on across hundreds of sockets).
    await sleep(50);
  }
}

export async function runLevel(
  sys: SystemUnderTest,
  roomCount: number,
  rep: number,
  seedBase: number,
  idleCpuMsPerSecond: number,
  cfg: LevelConfig,
  track: (b: AnyBot) => void,
): Promise<LevelResult> {
  // The longest match (90 s, countdown included): a slow setup never ends the first rooms before the window
  // does. Closing the bots ends every match (forfeits), on every system.
  const matchSeconds = 90;
  const pidsBefore = sys.serverPids();
  const rssBefore = rssBytes(pidsBefore);
  const setupStart = performance.now();
  let rooms: PeerRoom[] = [];
  const allBots = () => rooms.flatMap((r) => r.bots);
  try {
    rooms = await sys.openRooms(roomCount, matchSeconds, seedBase, track);
    const racing = (b: AnyBot) => (b.snaps[b.snaps.length - 1]?.tick ?? 0) >= COUNTDOWN_TICKS || b.matchOver || b.closeCode !== null;
    await waitUntil(() => allBots().every((b) => b.snaps.length > 0), 30_000, `${allBots().filter((b) => b.snaps.length === 0).length} bots received no state within 30 s`);
    await waitUntil(() => allBots().every(racing), 15_000, "rooms did not reach the racing phase in time");
    const setupSeconds = (performance.now() - setupStart) / 1000;
    await sleep(cfg.warmupMs);

    const pids = sys.serverPids();
    const b0 = performance.now();
    const countersBefore = sys.counters ? await sys.counters(rooms) : null;
    const b1 = performance.now();
    const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
    const sent = () => allBots().reduce((s, b) => ({ pings: s.pings + b.counters.pings, inputs: s.inputs + b.counters.inputs, bytesOut: s.bytesOut + b.counters.bytesOut }), { pings: 0, inputs: 0, bytesOut: 0 });
    const c0 = sent();
    const cpu0 = cpuMs(pids);
    const m0 = machineCpu();
    const loadgen = new LoadgenCpu();
    eld.enable();
    const t0 = performance.now();
    await sleep(windowFor(roomCount, cfg) * 1000);
    const t1 = performance.now();
    const cpu1 = cpuMs(pids);
    const m1 = machineCpu();
    const loadgenCores = loadgen.fraction();
    eld.disable();
    const c1 = sent();
    const rss = rssBytes(pids);
    const a0 = performance.now();
    const countersAfter = sys.counters ? await sys.counters(rooms) : null;
    // The readings of many rooms take a while: the counters cover the span between the middles of the two readings.
    const countedSeconds = ((a0 + performance.now()) / 2 - (b0 + b1) / 2) / 1000;
    // Acks of inputs sent at the very end of the window are still on their way: give them time before analysing.
    await sleep(300);

    const figures = analyzeWindow(rooms, t0, t1, { pings: c1.pings - c0.pings, inputs: c1.inputs - c0.inputs, bytesOut: c1.bytesOut - c0.bytesOut });
    const seconds = (t1 - t0) / 1000;
    const cpu = cpu1 - cpu0;
    // Everything else the machine did in the window (other work on a shared machine, wrangler's own Node process).
    const busy = (m1.busyMs - m0.busyMs) / 1000 / seconds;
    const other = Math.max(0, busy - cpu / 1000 / seconds - loadgenCores);
    const ticks = Math.max(1, figures.roomTicks);
    const eldP99 = Math.max(0, eld.percentile(99) / 1e6 - ELD_RESOLUTION_MS);
    const streams = allBots().map((b) => b.snaps.filter((s) => s.at >= t0 && s.at < t1).map((s) => s.at));
    const longGaps = sum(streams.map((a) => countLongGaps(a)));
    const schedule = scheduleLateness(streams);
    return {
      system: sys.name,
      rep,
      rooms: roomCount,
      windowSeconds: round(seconds, 2),
      setupSeconds: round(setupSeconds, 2),
      figures,
      longGaps,
      server: {
        cpuMs: round(cpu, 1),
        cores: round(cpu / 1000 / seconds),
        usPerRoomTick: round((cpu * 1000) / ticks, 2),
        usPerRoomTickNet: round(((cpu - idleCpuMsPerSecond * seconds) * 1000) / ticks, 2),
        rssBytes: rss,
        rssBeforeBytes: rssBefore,
      },
      loadgen: {
        cpuCores: round(loadgenCores),
        eventLoopDelayP99Ms: round(eldP99, 2),
        eventLoopDelayP999Ms: round(Math.max(0, eld.percentile(99.9) / 1e6 - ELD_RESOLUTION_MS), 2),
        eventLoopDelayMaxMs: round(Math.max(0, eld.max / 1e6 - ELD_RESOLUTION_MS), 2),
        saturated: loadgenCores > cfg.loadgenLimit || eldP99 > cfg.eldLimitMs,
      },
      machine: { busyCores: round(busy), otherCores: round(other), noisy: other > NOISY_OTHER_CORES },
      counted: countersBefore && countersAfter ? countedRates(countersBefore, countersAfter, countedSeconds) : null,
      schedule: { p99Ms: round(schedule.p99Ms, 2), maxPeriodMs: round(schedule.maxPeriodMs, 3), medianPeriodMs: round(schedule.medianPeriodMs, 3) },
      pass: holds20Hz(schedule, cfg.lateLimitMs),
      passTickLateness: figures.latenessMs.p99 < cfg.lateLimitMs,
      connected: allBots().length,
      error: null,
    };
  } finally {
    for (const bot of allBots()) bot.close();
    // Let the rooms see the closes and end before the next level.
    await sleep(2500);
    for (const bot of allBots()) if (bot.open) bot.terminate();
  }
}

/** A level that could not be measured (setup failed, the system gave up): reported, never silently dropped. */
export function failedLevel(system: string, rep: number, rooms: number, error: string): LevelResult {
  const empty: Summary = summarize([]);
  return {
    system,
    rep,
    rooms,
    windowSeconds: 0,
    setupSeconds: 0,
    figures: {
      seconds: 0,
      rooms,
      bots: 0,
      snapshots: 0,
      roomTicks: 0,
      bytes: { perSnapshot: NaN, perSnapshotSummary: empty, keyframe: NaN, perClientPerTick: NaN, snapPerClientPerSecond: NaN, allPerClientPerSecond: NaN, upPerClientPerSecond: NaN },
      jitterMs: empty,
      latenessMs: empty,
      latenessBestMs: empty,
      skippedTicks: 0,
      gaps: 0,
      ackMs: empty,
      inputs: 0,
      unacked: 0,
      errors: {},
      knockedOut: 0,
      roomsEndedEarly: 0,
      perRoomSecond: { messages: NaN, inputs: NaN, pings: NaN, inputIntervals: NaN, eventIntervals: NaN, persistIntervals: NaN },
    },
    longGaps: 0,
    server: { cpuMs: NaN, cores: NaN, usPerRoomTick: NaN, usPerRoomTickNet: NaN, rssBytes: NaN, rssBeforeBytes: NaN },
    loadgen: { cpuCores: NaN, eventLoopDelayP99Ms: NaN, saturated: false },
    machine: { busyCores: NaN, otherCores: NaN, noisy: false },
    counted: null,
    schedule: { p99Ms: NaN, maxPeriodMs: NaN, medianPeriodMs: NaN },
    pass: false,
    passTickLateness: false,
    connected: 0,
    error,
  };
}
