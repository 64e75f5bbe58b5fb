/**
 * From the raw runs to the side-by-side figures: per system the median over
 * repetitions of each figure (levels discarded because the load generator
 * saturated, or that failed, are left out and listed), the ratio of each to
 * Edgeroom's, and the cost per active room-hour modelled from the operations
 * the two workerd systems counted. Pure: unit-tested without servers.
 */
import { PRICES } from "../cost";
import { round } from "../stats";
import type { CountedRates, LevelResult } from "./level";
import type { SystemName } from "./systems";

export interface RunResult {
  readonly system: SystemName;
  readonly rep: number;
  readonly description: string;
  readonly idleCpuMsPerSecond: number;
  readonly rss0Bytes: number;
  readonly levels: readonly LevelResult[];
  readonly error: string | null;
}

/** The reported points of the ack-latency figure. */
export const ACK_LEVELS = [1, 50, 200] as const;

export interface AckPoint {
  readonly rooms: number;
  readonly p50: number | null;
  readonly p99: number | null;
  /** Why there is no figure (not run, failed, discarded), or what was wrong with it. */
  readonly note: string | null;
}

export interface CostFromCounts {
  readonly requestsDollars: number;
  readonly durationDollars: number;
  readonly rowsDollars: number;
  readonly totalDollars: number;
  readonly perHour: { readonly messages: number; readonly alarmRuns: number; readonly rowsWritten: number; readonly alarmWrites: number; readonly awakeSeconds: number };
  readonly roomSeconds: number;
}

export interface SystemSummary {
  readonly system: SystemName;
  readonly runs: number;
  readonly bytesPerClientPerTick: number | null;
  readonly snapBytesPerClientPerSecond: number | null;
  readonly allBytesPerClientPerSecond: number | null;
  readonly jitterP50Ms: number | null;
  readonly jitterP99Ms: number | null;
  /** Σ(Δtick − 3) over Δtick > 3 per client-minute at one room. */
  readonly skippedTicksPerClientMinute: number | null;
  /** Inter-arrival gaps > 75 ms per client-minute at one room. */
  readonly longGapsPerClientMinute: number | null;
  readonly latenessP99Ms: number | null;
  readonly ack: readonly AckPoint[];
  readonly usPerRoomTick: number | null;
  /** At which room count the CPU figure was taken. */
  readonly cpuLevel: number | null;
  /** Lower median over runs of the largest room count whose level (and every lower one) held 20 Hz. */
  readonly roomsPerCore: number | null;
  readonly roomsPerCoreNote: string;
  /** The same with Edgeroom's tick-based lateness criterion. */
  readonly roomsPerCoreTick: number | null;
  /** p99 delivery-schedule lateness at one room. */
  readonly scheduleP99Ms: number | null;
  readonly memoryPerRoomBytes: number | null;
  readonly cost: CostFromCounts | null;
  readonly discarded: readonly string[];
  /** Figures that rest on levels measured while other processes loaded the machine (no quiet level was available). */
  readonly disturbed: readonly string[];
  /** Levels measured while other processes used more than NOISY_OTHER_CORES. */
  readonly disturbedLevels: readonly string[];
}

/** The lower of the two middle values for an even count: always one of the values (a level that was measured). */
export function lowerMedian(values: readonly number[]): number | null {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return v.length === 0 ? null : (v[Math.floor((v.length - 1) / 2)] as number);
}

export function median(values: readonly number[]): number | null {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

/** a / b, null when either is missing or b is zero. */
export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return round(a / b, 2);
}

/** A level whose numbers can be used: measured, and the load generator did not saturate (those are discarded). */
export function measured(l: LevelResult): boolean {
  return l.error === null && !l.loadgen.saturated && l.figures.snapshots > 0;
}

/**
 * Largest room count such that it and every lower measured level passed; 0 when even the first failed.
 * `criterion`: "schedule" (holds 20 Hz: period and delivery-schedule lateness) or "tick" (Edgeroom's tick-based lateness).
 */
export function capacityOf(levels: readonly LevelResult[], criterion: "schedule" | "tick" = "schedule"): { rooms: number | null; note: string; disturbed: boolean } {
  const sorted = [...levels].sort((a, b) => a.rooms - b.rooms);
  let best = 0;
  for (const l of sorted) {
    if (l.error !== null) return { rooms: best, note: `stopped at ${l.rooms} rooms: ${l.error}`, disturbed: false };
    if (l.loadgen.saturated) return { rooms: best > 0 ? best : null, note: `load generator saturated at ${l.rooms} rooms: capacity at least ${best}`, disturbed: false };
    const ok = criterion === "schedule" ? l.pass : l.passTickLateness;
    if (!ok) {
      const why = criterion === "schedule" ? `schedule lateness p99 ${l.schedule.p99Ms} ms, slowest period ${l.schedule.maxPeriodMs} ms` : `tick lateness p99 ${l.figures.latenessMs.p99} ms`;
      // A failure while other processes loaded the machine only bounds the capacity from below.
      if (l.machine.noisy) return { rooms: best, note: `${why} at ${l.rooms} rooms while other processes used ${l.machine.otherCores} cores: at least ${best}`, disturbed: true };
      return { rooms: best, note: `${why} at ${l.rooms} rooms`, disturbed: false };
    }
    best = l.rooms;
  }
  return { rooms: best, note: `held 20 Hz at every level up to ${best} (the largest measured)`, disturbed: false };
}

/** Cost of one active room-hour from counted per-room-second rates, at Cloudflare's paid-plan prices. */
export function costFromCounts(r: CountedRates): CostFromCounts {
  const H = 3600;
  const messages = r.messages * H;
  const alarmRuns = r.alarmRuns * H;
  const rows = r.rowsWritten * H;
  const alarmWrites = r.alarmWrites * H;
  const awakeSeconds = Math.min(H, (r.awakeMsPerSecond / 1000) * H);
  const requestsDollars = ((messages / PRICES.wsMessagesPerRequest + alarmRuns) / 1e6) * PRICES.requestsPerMillion;
  const durationDollars = ((awakeSeconds * PRICES.memoryGb) / 1e6) * PRICES.gbSecondsPerMillion;
  const rowsDollars = ((rows + alarmWrites) / 1e6) * PRICES.rowsWrittenPerMillion;
  return {
    requestsDollars: round(requestsDollars, 6),
    durationDollars: round(durationDollars, 6),
    rowsDollars: round(rowsDollars, 6),
    totalDollars: round(requestsDollars + durationDollars + rowsDollars, 6),
    perHour: { messages: Math.round(messages), alarmRuns: Math.round(alarmRuns), rowsWritten: Math.round(rows), alarmWrites: Math.round(alarmWrites), awakeSeconds: Math.round(awakeSeconds) },
    roomSeconds: r.roomSeconds,
  };
}

/** Pool counted rates over levels, weighted by the room-seconds each covers. */
export function poolRates(rates: readonly CountedRates[]): CountedRates | null {
  const total = rates.reduce((s, r) => s + r.roomSeconds, 0);
  if (rates.length === 0 || total <= 0) return null;
  const w = (f: Exclude<keyof CountedRates, "lateLoopShare">) => round(rates.reduce((s, r) => s + r[f] * r.roomSeconds, 0) / total, 4);
  return {
    roomSeconds: round(total, 1),
    messages: w("messages"),
    storageWrites: w("storageWrites"),
    rowsWritten: w("rowsWritten"),
    alarmWrites: w("alarmWrites"),
    alarmRuns: w("alarmRuns"),
    awakeMsPerSecond: w("awakeMsPerSecond"),
    steps: w("steps"),
    droppedSteps: w("droppedSteps"),
  };
}

function perClientMinute(count: number, l: LevelResult): number {
  const clientMinutes = (l.figures.bots * l.figures.seconds) / 60;
  return clientMinutes > 0 ? count / clientMinutes : NaN;
}

export function summariseSystem(system: SystemName, runs: readonly RunResult[]): SystemSummary {
  const mine = runs.filter((r) => r.system === system);
  const discarded: string[] = [];
  const disturbedLevels: string[] = [];
  for (const r of mine) {
    if (r.error) discarded.push(`rep ${r.rep}: ${r.error}`);
    for (const l of r.levels) {
      if (l.error) discarded.push(`rep ${r.rep}, ${l.rooms} rooms: ${l.error}`);
      else if (l.loadgen.saturated) discarded.push(`rep ${r.rep}, ${l.rooms} rooms: load generator saturated (${Math.round(l.loadgen.cpuCores * 100)}% of a core, event-loop delay p99 ${l.loadgen.eventLoopDelayP99Ms} ms)`);
      else if (l.machine.noisy) disturbedLevels.push(`rep ${r.rep}, ${l.rooms} rooms: other processes used ${l.machine.otherCores} cores`);
    }
  }
  const disturbed = new Set<string>();
  /** Measured levels at a room count; timing figures prefer levels on a quiet machine and fall back to busy ones, flagged. */
  const at = (rooms: number, timing: boolean, figure: string): LevelResult[] => {
    const ls = mine.flatMap((r) => r.levels.filter((l) => l.rooms === rooms && measured(l)));
    if (!timing) return ls;
    const quiet = ls.filter((l) => !l.machine.noisy);
    if (quiet.length > 0) return quiet;
    if (ls.length > 0) disturbed.add(figure);
    return ls;
  };
  const med = (f: (l: LevelResult) => number, ls: readonly LevelResult[]) => {
    const m = median(ls.map(f));
    return m === null ? null : round(m, 2);
  };
  const one = at(1, false, "");
  const oneTiming = (figure: string) => at(1, true, figure);
  const ack: AckPoint[] = ACK_LEVELS.map((rooms) => {
    const ls = at(rooms, true, `ack at ${rooms} rooms`);
    const all = mine.flatMap((r) => r.levels.filter((l) => l.rooms === rooms));
    if (ls.length === 0) {
      const why = all.length === 0 ? "not run (budget or levels)" : all.map((l) => l.error ?? (l.loadgen.saturated ? "load generator saturated" : "no states")).join("; ");
      return { rooms, p50: null, p99: null, note: why };
    }
    const unacked = ls.reduce((s, l) => s + l.figures.unacked, 0);
    const failing = ls.filter((l) => !l.pass).length;
    const busy = ls.filter((l) => l.machine.noisy).length;
    const notes = [
      unacked > 0 ? `${unacked} inputs unacknowledged` : "",
      failing > 0 ? `did not hold 20 Hz in ${failing}/${ls.length} runs` : "",
      busy > 0 ? `machine busy with other processes in ${busy}/${ls.length} runs` : "",
    ].filter(Boolean);
    return { rooms, p50: med((l) => l.figures.ackMs.p50, ls), p99: med((l) => l.figures.ackMs.p99, ls), note: notes.length > 0 ? notes.join("; ") : null };
  });
  // CPU per room-tick: at 50 rooms (fixed costs amortised, below saturation), else the largest measured level.
  const cpuLevel = at(50, false, "").length > 0 ? 50 : (mine.flatMap((r) => r.levels.filter(measured)).sort((a, b) => b.rooms - a.rooms)[0]?.rooms ?? null);
  const caps = mine.map((r) => capacityOf(r.levels));
  const capsTick = mine.map((r) => capacityOf(r.levels, "tick").rooms).filter((c): c is number => c !== null);
  const capRooms = caps.map((c) => c.rooms).filter((c): c is number => c !== null);
  if (caps.some((c) => c.disturbed)) disturbed.add("rooms per core");
  const memory = mine.flatMap((r) => {
    const ls = r.levels.filter((l) => l.error === null && Number.isFinite(l.server.rssBytes));
    const biggest = ls.sort((a, b) => b.rooms - a.rooms)[0];
    return biggest ? [(biggest.server.rssBytes - r.rss0Bytes) / biggest.rooms] : [];
  });
  // Operation counts do not depend on CPU contention: every measured level counts.
  const counted = poolRates(mine.flatMap((r) => r.levels.filter((l) => measured(l) && l.counted !== null).map((l) => l.counted as CountedRates)));
  const summary: SystemSummary = {
    system,
    runs: mine.length,
    bytesPerClientPerTick: med((l) => l.figures.bytes.perClientPerTick, one),
    snapBytesPerClientPerSecond: med((l) => l.figures.bytes.snapPerClientPerSecond, one),
    allBytesPerClientPerSecond: med((l) => l.figures.bytes.allPerClientPerSecond, one),
    jitterP50Ms: med((l) => l.figures.jitterMs.p50, oneTiming("jitter")),
    jitterP99Ms: med((l) => l.figures.jitterMs.p99, oneTiming("jitter")),
    skippedTicksPerClientMinute: med((l) => perClientMinute(l.figures.skippedTicks, l), oneTiming("skipped ticks")),
    longGapsPerClientMinute: med((l) => perClientMinute(l.longGaps, l), oneTiming("gaps")),
    latenessP99Ms: med((l) => l.figures.latenessMs.p99, oneTiming("lateness")),
    ack,
    usPerRoomTick: cpuLevel === null ? null : med((l) => l.server.usPerRoomTickNet, at(cpuLevel, true, "CPU per room-tick")),
    cpuLevel,
    roomsPerCore: lowerMedian(capRooms),
    roomsPerCoreNote: caps.map((c, i) => `rep ${mine[i]?.rep}: ${c.note}`).join("; "),
    roomsPerCoreTick: lowerMedian(capsTick),
    scheduleP99Ms: med((l) => l.schedule.p99Ms, oneTiming("schedule lateness")),
    memoryPerRoomBytes: median(memory),
    cost: counted ? costFromCounts(counted) : null,
    discarded,
    disturbed: [...disturbed],
    disturbedLevels,
  };
  return summary;
}

export interface Comparison {
  readonly systems: readonly SystemSummary[];
  /** Per system, each figure divided by Edgeroom's (null where either is missing). */
  readonly ratios: Record<string, Record<string, number | null>>;
}

export function compare(runs: readonly RunResult[], systems: readonly SystemName[]): Comparison {
  const summaries = systems.map((s) => summariseSystem(s, runs));
  const base = summaries.find((s) => s.system === "edgeroom") ?? null;
  const ratios: Record<string, Record<string, number | null>> = {};
  for (const s of summaries) {
    const r = (f: (x: SystemSummary) => number | null) => (base ? ratio(f(s), f(base)) : null);
    ratios[s.system] = {
      bytesPerClientPerTick: r((x) => x.bytesPerClientPerTick),
      snapBytesPerClientPerSecond: r((x) => x.snapBytesPerClientPerSecond),
      jitterP99Ms: r((x) => x.jitterP99Ms),
      ackP50At1: r((x) => x.ack[0]?.p50 ?? null),
      ackP99At1: r((x) => x.ack[0]?.p99 ?? null),
      ackP50At50: r((x) => x.ack[1]?.p50 ?? null),
      ackP99At50: r((x) => x.ack[1]?.p99 ?? null),
      ackP50At200: r((x) => x.ack[2]?.p50 ?? null),
      ackP99At200: r((x) => x.ack[2]?.p99 ?? null),
      usPerRoomTick: r((x) => x.usPerRoomTick),
      roomsPerCore: r((x) => x.roomsPerCore),
      memoryPerRoomBytes: r((x) => x.memoryPerRoomBytes),
      costPerRoomHour: r((x) => x.cost?.totalDollars ?? null),
    };
  }
  return { systems: summaries, ratios };
}
