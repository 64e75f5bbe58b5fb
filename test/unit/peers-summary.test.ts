/** bench/peers: the plan, the schedule-lateness fit, capacity, counted-cost and ratio math of the side-by-side benchmark. */
import { describe, expect, it } from "vitest";
import { estimateRunSeconds, loadPeersConfig, planReps, runOrder } from "../../bench/peers/config";
import { countedRates, countLongGaps, failedLevel, holds20Hz, scheduleFit, scheduleLateness, type CountedRates, type LevelResult } from "../../bench/peers/level";
import { capacityOf, compare, costFromCounts, lowerMedian, median, poolRates, ratio, type RunResult } from "../../bench/peers/summary";
import { seedFor, type OpCounters } from "../../bench/peers/systems";
import { summarize } from "../../bench/stats";

function level(rooms: number, over: Partial<LevelResult> & { lateP99?: number; ackP50?: number; bytesPerTick?: number; usPerTick?: number } = {}): LevelResult {
  const base = failedLevel("edgeroom", 1, rooms, "x");
  const { lateP99 = 1, ackP50 = 50, bytesPerTick = 10, usPerTick = 100, ...rest } = over;
  return {
    ...base,
    error: null,
    figures: {
      ...base.figures,
      seconds: 10,
      bots: rooms * 4,
      snapshots: 100,
      latenessMs: { ...summarize([0]), p99: lateP99 },
      ackMs: { ...summarize([ackP50]), p99: ackP50 + 2 },
      bytes: { ...base.figures.bytes, perClientPerTick: bytesPerTick, snapPerClientPerSecond: bytesPerTick * 60, allPerClientPerSecond: bytesPerTick * 61 },
      jitterMs: summarize([1, 2]),
    },
    server: { ...base.server, usPerRoomTickNet: usPerTick, rssBytes: 100 * 2 ** 20 + rooms * 2 ** 20 },
    loadgen: { cpuCores: 0.1, eventLoopDelayP99Ms: 1, saturated: false },
    machine: { busyCores: 1, otherCores: 0, noisy: false },
    schedule: { p99Ms: 1, maxPeriodMs: 50, medianPeriodMs: 50 },
    pass: true,
    passTickLateness: lateP99 < 5,
    ...rest,
  };
}

describe("plan", () => {
  it("alternates the order of the systems between repetitions", () => {
    expect(runOrder(["edgeroom", "colyseus", "partyserver"], 3).map((o) => `${o.system[0]}${o.rep}`)).toEqual(["e1", "c1", "p1", "p2", "c2", "e2", "e3", "c3", "p3"]);
  });

  it("fits as many repetitions as the budget allows, at least one, unless fixed", () => {
    const cfg = { reps: 0, totalSeconds: 900, levels: [1, 50, 100, 200], windowSeconds: 10, warmupMs: 1000, systems: ["edgeroom", "colyseus", "partyserver"] as const };
    const perRep = 3 * estimateRunSeconds(cfg.levels, 10, 1000);
    expect(planReps(cfg)).toBe(Math.max(1, Math.floor(900 / perRep)));
    expect(planReps({ ...cfg, totalSeconds: 10 })).toBe(1);
    expect(planReps({ ...cfg, reps: 4 })).toBe(4);
  });

  it("reads the quick mode and flags", () => {
    const quick = loadPeersConfig([], { BENCH_PEERS_SECONDS: "240" });
    expect(quick.totalSeconds).toBe(240);
    expect(quick.levels).toEqual([1, 50, 200]);
    const flags = loadPeersConfig(["--levels=200,1,50,1", "--systems=colyseus", "--window-seconds=3"], {});
    expect(flags.levels).toEqual([1, 50, 200]);
    expect(flags.systems).toEqual(["colyseus"]);
    expect(flags.windowSeconds).toBe(3);
    expect(() => loadPeersConfig(["--systems=nakama"], {})).toThrow(/unknown system/);
  });

  it("gives both peers the same reproducible seeds", () => {
    expect(seedFor(1001, 0)).toBe(seedFor(1001, 0));
    expect(seedFor(1001, 0)).not.toBe(seedFor(1001, 1));
    expect(seedFor(1001, 5)).toBeGreaterThanOrEqual(0);
  });
});

describe("delivery schedule", () => {
  it("fits a steady stream's period and finds no lateness, whatever its phase against the ticks", () => {
    const arrivals = Array.from({ length: 100 }, (_, k) => 1234.5 + 50.2 * k);
    const fit = scheduleFit(arrivals)!;
    expect(fit.periodMs).toBeCloseTo(50.2, 6);
    expect(Math.max(...fit.residuals.map(Math.abs))).toBeLessThan(1e-6);
    expect(holds20Hz({ p99Ms: 0.1, maxPeriodMs: fit.periodMs }, 5)).toBe(true);
  });

  it("shows a late state as a positive residual and a slowed stream as a long period", () => {
    const arrivals = Array.from({ length: 200 }, (_, k) => 50 * k + (k % 20 === 10 ? 30 : 0));
    const s = scheduleLateness([arrivals, arrivals]);
    expect(s.p99Ms).toBeGreaterThan(25);
    expect(holds20Hz(s, 5)).toBe(false);
    const slow = scheduleLateness([Array.from({ length: 50 }, (_, k) => 60 * k)]);
    expect(slow.maxPeriodMs).toBeCloseTo(60, 6);
    expect(holds20Hz(slow, 5)).toBe(false);
  });

  it("counts intervals longer than 1.5 snapshot intervals", () => {
    expect(countLongGaps([0, 50, 100, 180, 230, 400])).toBe(2);
    expect(countLongGaps([0])).toBe(0);
  });
});

describe("capacity", () => {
  it("is the largest level such that it and every lower one held 20 Hz", () => {
    expect(capacityOf([level(1), level(50), level(100, { pass: false }), level(200)]).rooms).toBe(50);
    expect(capacityOf([level(1), level(50), level(200)]).rooms).toBe(200);
    expect(capacityOf([level(1, { pass: false })]).rooms).toBe(0);
  });

  it("does not claim a capacity decided by a saturated load generator or an error", () => {
    const sat = level(50, { loadgen: { cpuCores: 0.95, eventLoopDelayP99Ms: 3, saturated: true } });
    expect(capacityOf([level(1), sat]).note).toMatch(/saturated/);
    expect(capacityOf([level(1), { ...failedLevel("colyseus", 1, 50, "boom") }]).rooms).toBe(1);
  });

  it("can apply Edgeroom's tick-lateness criterion instead", () => {
    expect(capacityOf([level(1, { lateP99: 2 }), level(50, { lateP99: 16 })], "tick").rooms).toBe(1);
  });
});

describe("counted cost", () => {
  const counters = (messages: number, rows: number, alarms: number, awakeMs: number): OpCounters => ({ messages, storageWrites: rows, rowsWritten: rows, alarmWrites: alarms, alarmRuns: alarms, awakeMs, steps: 0, droppedSteps: 0, loopTicks: 0, loopTicksLate: 0 });

  it("turns counter deltas into per-room-second rates", () => {
    const before = new Map([["a", counters(0, 0, 0, 0)], ["b", counters(10, 10, 1, 500)]]);
    const after = new Map([["a", counters(40, 12, 3, 10_000)], ["b", counters(50, 22, 4, 10_500)], ["c", counters(5, 5, 5, 5)]]);
    const r = countedRates(before, after, 10)!;
    expect(r.roomSeconds).toBe(20);
    expect(r.messages).toBe(4);
    expect(r.rowsWritten).toBe(1.2);
    expect(r.alarmRuns).toBe(0.3);
    expect(r.awakeMsPerSecond).toBe(1000);
  });

  it("prices an always-awake room at Cloudflare's paid-plan rates", () => {
    const rates: CountedRates = { roomSeconds: 10, messages: 4, storageWrites: 1, rowsWritten: 4, alarmWrites: 1 / 3, alarmRuns: 1 / 3, awakeMsPerSecond: 1000, steps: 60, droppedSteps: 0 };
    const c = costFromCounts(rates);
    // 450 GB-s × $12.50/M; (14400/20 + 1200) requests × $0.15/M; (14400 + 1200) rows × $1/M.
    expect(c.durationDollars).toBeCloseTo(0.005625, 6);
    expect(c.requestsDollars).toBeCloseTo(0.000288, 6);
    expect(c.rowsDollars).toBeCloseTo(0.0156, 6);
    expect(c.totalDollars).toBeCloseTo(0.005625 + 0.000288 + 0.0156, 6);
  });

  it("pools rates weighted by room-seconds", () => {
    const a: CountedRates = { roomSeconds: 10, messages: 2, storageWrites: 0, rowsWritten: 0, alarmWrites: 0, alarmRuns: 0, awakeMsPerSecond: 1000, steps: 60, droppedSteps: 0 };
    expect(poolRates([a, { ...a, roomSeconds: 30, messages: 6 }])?.messages).toBe(5);
    expect(poolRates([])).toBeNull();
  });
});

describe("comparison", () => {
  it("takes medians over repetitions and divides by Edgeroom's", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(ratio(10, 4)).toBe(2.5);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(null, 1)).toBeNull();
    const run = (system: RunResult["system"], rep: number, bytes: number, ack: number): RunResult => ({
      system,
      rep,
      description: "",
      idleCpuMsPerSecond: 0,
      rss0Bytes: 100 * 2 ** 20,
      error: null,
      levels: [level(1, { bytesPerTick: bytes, ackP50: ack }), level(50, { ackP50: ack })],
    });
    const c = compare([run("edgeroom", 1, 18, 50), run("edgeroom", 2, 20, 52), run("colyseus", 1, 9, 10), run("colyseus", 2, 11, 12), run("colyseus", 3, 100, 14)], ["edgeroom", "colyseus"]);
    const [e, col] = c.systems;
    expect(e?.bytesPerClientPerTick).toBe(19);
    expect(col?.bytesPerClientPerTick).toBe(11);
    expect(c.ratios.colyseus?.bytesPerClientPerTick).toBe(0.58);
    expect(col?.ack[0]?.p50).toBe(12);
    expect(col?.ack[2]?.p50).toBeNull();
    expect(col?.roomsPerCore).toBe(50);
    expect(e?.memoryPerRoomBytes).toBe(2 ** 20);
  });

  it("leaves saturated levels out of the figures and lists them", () => {
    const sat = level(1, { bytesPerTick: 999, loadgen: { cpuCores: 0.9, eventLoopDelayP99Ms: 40, saturated: true } });
    const c = compare([{ system: "partyserver", rep: 1, description: "", idleCpuMsPerSecond: 0, rss0Bytes: 0, error: null, levels: [sat] }], ["partyserver"]);
    expect(c.systems[0]?.bytesPerClientPerTick).toBeNull();
    expect(c.systems[0]?.discarded[0]).toMatch(/saturated/);
  });
});

describe("shared machine", () => {
  it("prefers quiet levels for timing figures, falls back to busy ones flagged, and only bounds capacity on a busy failure", () => {
    const busy = (rooms: number, ack: number, pass: boolean) => level(rooms, { ackP50: ack, pass, machine: { busyCores: 2, otherCores: 1.2, noisy: true } });
    const runs = (levels: LevelResult[], rep = 1): RunResult => ({ system: "colyseus", rep, description: "", idleCpuMsPerSecond: 0, rss0Bytes: 0, error: null, levels });
    const c = compare([runs([level(1, { ackP50: 20 }), busy(50, 90, false)]), runs([busy(1, 80, true), busy(50, 70, true)], 2)], ["colyseus"]);
    const s = c.systems[0]!;
    expect(s.ack[0]?.p50).toBe(20);
    expect(s.ack[1]?.p50).toBe(80);
    expect(s.disturbed).toContain("ack at 50 rooms");
    expect(s.disturbed).not.toContain("ack at 1 rooms");
    expect(s.disturbedLevels).toHaveLength(3);
    const cap = capacityOf([level(1), busy(50, 50, false)]);
    expect(cap).toMatchObject({ rooms: 1, disturbed: true });
    expect(cap.note).toMatch(/at least 1/);
    expect(capacityOf([level(1), busy(50, 50, true)]).rooms).toBe(50);
  });

  it("reports capacity as a level that was measured, never an average of two", () => {
    expect(lowerMedian([0, 50])).toBe(0);
    expect(lowerMedian([50, 100, 200])).toBe(100);
    expect(lowerMedian([])).toBeNull();
  });
});
