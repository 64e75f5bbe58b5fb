/**
 * The capacity bench's pure rules: ramp levels, the 20 Hz criterion, the stop
 * rule, rooms per core, pooling load-generator reductions, and the table.
 */
import { describe, expect, it } from "vitest";
import { GAP_BIN_MS, GAP_BINS, histogramQuantile, histogramShareAbove, mergeReductions, reduceWindow, type WindowReduction } from "../../bench/capacity/protocol";
import { capacity, judge, loadHealth, MAX_STEP, needsConfirmation, poolWindows, rampLevels, stopAfter, worseHealth } from "../../bench/capacity/ramp";
import { levelStatus } from "../../bench/capacity/report";
import { performanceRows, renderPerformanceTable, wakeFigures, type SystemFigures } from "../../bench/capacity/summary";
import type { TurnBasedResult } from "../../bench/capacity/turn-based";
import { wakeFigure, wakeGoalMet } from "../../bench/capacity/wake-figure";
import { summarize } from "../../bench/stats";

/** A window of `rooms` rooms of 4 clients, each receiving a state every `gapMs` for `seconds`, 3 ticks apart. */
function steadyWindow(rooms: number, seconds: number, gapMs: number, ticksPerState = 3): WindowReduction {
  const room = () => ({
    bots: Array.from({ length: 4 }, () => ({
      snaps: Array.from({ length: Math.floor((seconds * 1000) / gapMs) }, (_, k) => ({ at: k * gapMs, tick: 200 + k * ticksPerState, bytes: 20 })),
      otherFrames: [],
      inputs: [{ sentAt: 10, ackAt: 12 }],
      errors: new Map<string, number>(),
      knockedOut: false,
      closeCode: null,
    })),
  });
  return reduceWindow(
    Array.from({ length: rooms }, room),
    0,
    seconds * 1000,
  );
}

describe("capacity ramp levels", () => {
  it("never step up by more than 25 % and always pass through 50 rooms", () => {
    const levels = rampLevels(10, 600);
    expect(levels).toContain(50);
    expect(levels[0]).toBeGreaterThanOrEqual(10);
    for (let i = 1; i < levels.length; i++) expect((levels[i] as number) / (levels[i - 1] as number)).toBeLessThanOrEqual(MAX_STEP + 1e-9);
    expect(levels.at(-1)).toBeLessThanOrEqual(600);
  });

  it("start at the first level at or above the requested start", () => {
    expect(rampLevels(40, 100)).toEqual([40, 50, 62, 77, 96]);
  });
});

describe("the 20 Hz criterion", () => {
  it("holds for a steady 50 ms stream whose server advances 60 ticks a second", () => {
    const v = judge(steadyWindow(5, 4, 50));
    expect(v.holds20Hz).toBe(true);
    expect(v.gapP99Ms).toBeLessThanOrEqual(50 + GAP_BIN_MS);
    expect(v.delivered).toBeGreaterThanOrEqual(0.95);
    expect(v.tickRate).toBeGreaterThan(0.95);
  });

  it("fails when states arrive every 80 ms (gaps and delivery)", () => {
    const v = judge(steadyWindow(5, 4, 80));
    expect(v.holds20Hz).toBe(false);
    expect(v.failed).toMatch(/gap p99/);
    expect(v.failed).toMatch(/delivered/);
  });

  it("fails when the simulation falls behind 60 Hz even if states keep coming", () => {
    const v = judge(steadyWindow(5, 4, 50, 2));
    expect(v.holds20Hz).toBe(false);
    expect(v.failed).toMatch(/simulation/);
  });
});

describe("the gap tail's shares", () => {
  it("count the gaps at or past a length: none in a steady 50 ms stream, all in an 80 ms one, and two of four in a mixed histogram", () => {
    expect(histogramShareAbove(steadyWindow(2, 4, 50).gapHistogram, 75)).toBe(0);
    expect(histogramShareAbove(steadyWindow(2, 4, 80).gapHistogram, 75)).toBe(1);
    const hist = new Array<number>(GAP_BINS).fill(0);
    for (const ms of [50, 74.5, 75, 100]) hist[Math.floor(ms / GAP_BIN_MS)] = (hist[Math.floor(ms / GAP_BIN_MS)] ?? 0) + 1;
    expect(histogramShareAbove(hist, 75)).toBe(0.5);
    expect(histogramShareAbove(hist, 95)).toBe(0.25);
  });

  it("are not a number for an empty histogram rather than zero", () => {
    expect(histogramShareAbove(new Array<number>(GAP_BINS).fill(0), 75)).toBeNaN();
  });
});

describe("a confirmation window", () => {
  /** A steady 50 ms window in which `late` of each client's gaps were 130 ms instead (a burst of another process). */
  function windowWithLateGaps(seconds: number, late: number): WindowReduction {
    const w = steadyWindow(5, seconds, 50);
    const gapHistogram = [...w.gapHistogram];
    const steadyBin = Math.floor(50 / GAP_BIN_MS);
    const lateBin = Math.floor(130 / GAP_BIN_MS);
    gapHistogram[steadyBin] = (gapHistogram[steadyBin] ?? 0) - late * w.bots;
    gapHistogram[lateBin] = (gapHistogram[lateBin] ?? 0) + late * w.bots;
    return { ...w, gapHistogram };
  }

  it("is asked for only when a level fails the criterion while its load generators and bots were sound", () => {
    const failed = judge(windowWithLateGaps(6, 2));
    const held = judge(steadyWindow(5, 6, 50));
    const sound = { unusable: null, botsFailed: null };
    expect(failed.holds20Hz).toBe(false);
    expect(needsConfirmation(failed, sound)).toBe(true);
    expect(needsConfirmation(held, sound)).toBe(false);
    expect(needsConfirmation(failed, { unusable: "load generators used 1.2 cores", botsFailed: null })).toBe(false);
    expect(needsConfirmation(failed, { unusable: null, botsFailed: "bots failed in 9 of 50 rooms" })).toBe(false);
    // A confirmation window whose load went wrong makes the level's load unsound, whichever window it was.
    expect(worseHealth(sound, { unusable: "load generators used 1.2 cores", botsFailed: null })).toEqual({ unusable: "load generators used 1.2 cores", botsFailed: null });
    expect(worseHealth({ unusable: null, botsFailed: "bots failed in 9 of 50 rooms" }, sound)).toEqual({ unusable: null, botsFailed: "bots failed in 9 of 50 rooms" });
  });

  it("pools with the first window into one longer window: one burst in 12 s passes where it failed 6 s", () => {
    const first = windowWithLateGaps(6, 2);
    const pooled = poolWindows([first, steadyWindow(5, 6, 50)]);
    expect(pooled.seconds).toBe(12);
    expect(pooled.snapshots).toBe(first.snapshots * 2);
    expect(judge(first).holds20Hz).toBe(false);
    expect(judge(pooled).holds20Hz).toBe(true);
    // The same expected states and ticks as each window's own: a steady pair judges as one steady window.
    const steady = judge(poolWindows([steadyWindow(5, 6, 50), steadyWindow(5, 6, 50)]));
    expect(steady).toEqual(judge(steadyWindow(5, 6, 50)));
  });

  it("still fails a level whose second window is as late as its first", () => {
    expect(judge(poolWindows([windowWithLateGaps(6, 2), windowWithLateGaps(6, 2)])).holds20Hz).toBe(false);
  });

  it("weights each window's clients by its length when rooms ended between them", () => {
    const pooled = poolWindows([steadyWindow(4, 6, 50), steadyWindow(2, 3, 50)]);
    expect(pooled.bots).toBeCloseTo((16 * 6 + 8 * 3) / 9);
    expect(judge(pooled).delivered).toBeCloseTo(judge(steadyWindow(4, 6, 50)).delivered, 2);
  });
});

describe("pooling load generators", () => {
  it("adds counts and histograms exactly", () => {
    const a = steadyWindow(2, 2, 50);
    const b = steadyWindow(3, 2, 50);
    const m = mergeReductions([a, b]);
    expect(m.rooms).toBe(5);
    expect(m.snapshots).toBe(a.snapshots + b.snapshots);
    expect(m.gapHistogram).toHaveLength(GAP_BINS);
    expect(m.gapHistogram.reduce((s, c) => s + c, 0)).toBe(a.gapHistogram.reduce((s, c) => s + c, 0) + b.gapHistogram.reduce((s, c) => s + c, 0));
    expect(m.ackMs).toHaveLength(a.ackMs.length + b.ackMs.length);
    expect(histogramQuantile(m.gapHistogram, 0.99)).toBe(50 + GAP_BIN_MS);
  });
});

describe("ended matches", () => {
  it("are left out of the window and named for replacement", () => {
    const endedBot = { snaps: [{ at: 10, tick: 1, bytes: 20 }], otherFrames: [], inputs: [{ sentAt: 20, ackAt: null }], errors: new Map<string, number>(), knockedOut: true, closeCode: null };
    const w = reduceWindow([{ key: "gone", bots: [endedBot, endedBot, endedBot, endedBot] }], 0, 1000);
    const merged = mergeReductions([steadyWindow(2, 1, 50), w]);
    expect(merged.rooms).toBe(2);
    expect(merged.endedRooms).toBe(1);
    expect(merged.endedKeys).toEqual(["gone"]);
    expect(merged.unacked).toBe(0);
    expect(judge(merged).holds20Hz).toBe(true);
  });
});

describe("failed bots and probes", () => {
  const bot = (over: Partial<{ knockedOut: boolean; closeCode: number | null; matchOver: boolean; inputs: { sentAt: number; ackAt: number | null; probe?: boolean }[] }>) => ({
    snaps: [
      { at: 0, tick: 300, bytes: 20 },
      { at: 50, tick: 303, bytes: 20 },
    ],
    otherFrames: [],
    inputs: [],
    errors: new Map<string, number>(),
    knockedOut: false,
    closeCode: null,
    ...over,
  });

  it("count a room where one runner fell or a socket closed before the end as failed, and name it for replacement", () => {
    const fell = { key: "fell", bots: [bot({ knockedOut: true }), bot({}), bot({}), bot({})] };
    const dropped = { key: "dropped", bots: [bot({ closeCode: 1006 }), bot({}), bot({}), bot({})] };
    const finished = { key: "finished", bots: [bot({ matchOver: true, closeCode: 1000 }), bot({ matchOver: true }), bot({ matchOver: true }), bot({ matchOver: true })] };
    const healthy = { key: "ok", bots: [bot({}), bot({}), bot({}), bot({})] };
    const w = reduceWindow([fell, dropped, finished, healthy], 0, 1000);
    expect(w.failedRooms).toBe(2);
    expect(w.failedKeys).toEqual(["fell", "dropped"]);
    // The finished and the dropped match ended (left out of the figures); the room with one fallen runner still races.
    expect(w.endedKeys).toEqual(["dropped", "finished"]);
    expect(mergeReductions([w, w]).failedRooms).toBe(4);
  });

  it("time only the probes: inputs planned ahead are counted but neither timed nor unacked", () => {
    const inputs = [
      { sentAt: 10, ackAt: 12, probe: true },
      { sentAt: 20, ackAt: null, probe: true },
      { sentAt: 30, ackAt: 400, probe: false },
      { sentAt: 40, ackAt: null, probe: false },
    ];
    const w = reduceWindow([{ bots: [bot({ inputs })] }], 0, 1000);
    expect(w.inputs).toBe(4);
    expect(w.probes).toBe(2);
    expect(w.ackMs).toEqual([2]);
    expect(w.unacked).toBe(1);
  });

  it("calls a level whose bots failed in more than 10 % of the rooms bots-failed, and a saturated load generator unusable", () => {
    const base = { loadgenCores: 0.5, loadgenLimitCores: 0.9, eldP99Ms: 3, rooms: 100 };
    expect(loadHealth({ ...base, failedRooms: 10 })).toEqual({ unusable: null, botsFailed: null });
    expect(loadHealth({ ...base, failedRooms: 11 }).botsFailed).toMatch(/11 of 100 rooms/);
    expect(loadHealth({ ...base, failedRooms: 0, loadgenCores: 0.95 }).unusable).toMatch(/0\.95 cores/);
    expect(loadHealth({ ...base, failedRooms: 0, eldP99Ms: 25 }).unusable).toMatch(/event-loop delay/);
  });
});

describe("stop rule and rooms per core", () => {
  const lvl = (rooms: number, holds: boolean, cores: number, botsFailed = false) => ({ rooms, holds20Hz: holds, serverCores: cores, serverCoresNet: cores, unusable: false, botsFailed });

  it("stops on CPU at 90 % of the core and scales the last clean level to a full core", () => {
    const levels = [lvl(40, true, 0.5), lvl(50, true, 0.7), lvl(62, true, 0.93)];
    expect(stopAfter(levels[1] as (typeof levels)[number])).toBeNull();
    expect(stopAfter(levels[2] as (typeof levels)[number])).toBe("cpu");
    expect(capacity(levels, "cpu")).toMatchObject({ lastClean: 62, roomsPerCore: 66, bound: "measured" });
  });

  it("on a 20 Hz failure takes the last clean level itself, however little CPU it used", () => {
    const levels = [lvl(40, true, 0.2), lvl(50, true, 0.3), lvl(62, false, 0.35)];
    expect(stopAfter(levels[2] as (typeof levels)[number])).toBe("20Hz");
    expect(capacity(levels, "20Hz")).toMatchObject({ lastClean: 50, roomsPerCore: 50, bound: "measured" });
  });

  it("reports failed bots apart: a stop of its own after the 20 Hz criterion, a lower bound, never the server's limit", () => {
    expect(stopAfter(lvl(62, true, 0.95, true))).toBe("bots");
    expect(stopAfter(lvl(62, false, 0.5, true))).toBe("20Hz");
    const levels = [lvl(40, true, 0.2), lvl(50, true, 0.3), lvl(62, true, 0.35, true)];
    expect(capacity(levels, "bots")).toMatchObject({ lastClean: 50, roomsPerCore: 50, bound: "lower bound" });
    expect(levelStatus({ unusable: null, botsFailed: "bots failed in 9 of 62 rooms", verdict: judge(steadyWindow(1, 1, 50)) })).toMatch(/^bots failed/);
  });

  it("calls a ramp cut short by the budget a lower bound", () => {
    expect(capacity([lvl(40, true, 0.2)], "budget")).toMatchObject({ roomsPerCore: 40, bound: "lower bound" });
  });
});

describe("the performance table", () => {
  const fig = (system: SystemFigures["system"], over: Partial<SystemFigures>): SystemFigures => ({
    system,
    runs: 1,
    ackP50Ms: 2,
    ackP99Ms: 4,
    stateBytesPerClientPerSecond: 300,
    cpuUsPerRoomTick: 20,
    refHeld: true,
    roomsPerCore: 100,
    lastClean: 100,
    lastCleanCores: 0.9,
    capacityBound: "measured",
    stop: "cpu",
    rssKiBPerRoom: 100,
    rowsPerRoomHour: 2000,
    alarmWritesPer10s: 1,
    costPerRoomHour: 0.008,
    countedFrom: "clean",
    ...over,
  });

  it("gives ratios to the peers and says missed where a goal is missed", () => {
    const rows = performanceRows({
      figures: { edgeroom: fig("edgeroom", { ackP99Ms: 9 }), colyseus: fig("colyseus", { ackP99Ms: 40, stateBytesPerClientPerSecond: 652, rowsPerRoomHour: null, alarmWritesPer10s: null, costPerRoomHour: null }), partyserver: fig("partyserver", {}) },
      turnBased: null,
      heap: { rooms: 100, bytesPerRoom: 60 * 1024 },
      ai: null,
    });
    const byFigure = (s: string) => rows.find((r) => r.figure.startsWith(s));
    expect(byFigure("input → ack p99")).toMatchObject({ edgeroom: "9 ms", colyseus: "40 ms", vsColyseus: "×0.23", verdict: "**missed**" });
    expect(byFigure("state bytes")).toMatchObject({ verdict: "met" });
    expect(byFigure("JS heap")).toMatchObject({ edgeroom: "60 KB", verdict: "**missed**" });
    expect(byFigure("rooms per core")).toMatchObject({ verdict: "met" });
    expect(renderPerformanceTable(rows).split("\n")).toHaveLength(rows.length + 2);
  });

  it("decides rooms per core against a lower bound only where the bound already settles it", () => {
    const rooms = (e: Partial<SystemFigures>, c: Partial<SystemFigures>) =>
      performanceRows({ figures: { edgeroom: fig("edgeroom", e), colyseus: fig("colyseus", c) }, turnBased: null, heap: null, ai: null }).find((r) => r.figure.startsWith("rooms per core"))?.verdict;
    // Colyseus's load generators saturated at 300 rooms (at least 300): Edgeroom's measured 200 misses.
    expect(rooms({ roomsPerCore: 200 }, { roomsPerCore: 300, capacityBound: "lower bound", stop: "unusable" })).toBe("**missed**");
    expect(rooms({ roomsPerCore: 400 }, { roomsPerCore: 300, capacityBound: "lower bound", stop: "unusable" })).toBe("—");
    // Edgeroom at least 300 against Colyseus's measured 250: met.
    expect(rooms({ roomsPerCore: 300, capacityBound: "lower bound", stop: "budget" }, { roomsPerCore: 250 })).toBe("met");
    expect(rooms({ roomsPerCore: 200, capacityBound: "lower bound", stop: "budget" }, { roomsPerCore: 250 })).toBe("—");
  });

  it("flags rooms per core that stopped while other processes used the machine", () => {
    const rows = performanceRows({ figures: { edgeroom: fig("edgeroom", { roomsPerCore: 50, stop: "20Hz", stopOtherCores: 1.2 }), colyseus: fig("colyseus", { stopOtherCores: 0.1 }) }, turnBased: null, heap: null, ai: null });
    const row = rows.find((r) => r.figure.startsWith("rooms per core"));
    expect(row?.edgeroom).toBe("50 (stopped while other processes used 1.2 cores: busy machine)");
    expect(row?.colyseus).toBe("100");
  });

  it("puts workerd's floor right under the CPU and rooms-per-core rows it bounds, with no verdict of its own", () => {
    const floor = { cpuUsPerRoomTick: 53.3, stop: "unusable" as const, capacity: { lastClean: 233, lastCleanCores: 0.44, roomsPerCore: 233, bound: "lower bound" as const, stop: "unusable" as const } };
    const rows = performanceRows({ figures: { edgeroom: fig("edgeroom", {}), colyseus: fig("colyseus", {}) }, turnBased: null, heap: null, ai: null, floor });
    const at = (s: string) => rows.findIndex((r) => r.figure.startsWith(s));
    expect(rows[at("server CPU per room-tick") + 1]).toMatchObject({ edgeroom: "53.3 µs", colyseus: "n/a", verdict: "—" });
    expect(rows[at("server CPU per room-tick") + 1]?.figure).toContain("workerd floor");
    expect(rows[at("rooms per core") + 1]).toMatchObject({ edgeroom: "233 (lower bound: stopped on unusable)", verdict: "—" });
    expect(performanceRows({ figures: {}, turnBased: null, heap: null, ai: null }).some((r) => r.figure.includes("workerd floor"))).toBe(false);
  });

  it("decides nothing about rooms per core when a ramp only gave a lower bound", () => {
    const rows = performanceRows({ figures: { edgeroom: fig("edgeroom", { capacityBound: "lower bound", stop: "budget" }), colyseus: fig("colyseus", { roomsPerCore: 150 }) }, turnBased: null, heap: null, ai: null });
    expect(rows.find((r) => r.figure.startsWith("rooms per core"))).toMatchObject({ edgeroom: "100 (lower bound: ramp stopped on budget)", verdict: "—" });
  });
});

describe("wake from hibernation", () => {
  it("counts only rooms a new instance answered, and every room's hash", () => {
    const f = wakeFigure(
      "waiting",
      [
        { ms: 4, reborn: true, hashEqual: true },
        { ms: 6, reborn: true, hashEqual: true },
        { ms: 1, reborn: false, hashEqual: true },
        { ms: 1, reborn: false, wokenBefore: true, hashEqual: true },
        { ms: null, reborn: true, hashEqual: false },
      ],
      [1, 1],
      15,
    );
    expect(f).toMatchObject({ rooms: 5, evicted: 2, unanswered: 1, wokenBefore: 1, hashEqual: 4, idleSeconds: 15 });
    expect(f.wakeMs.max).toBe(6);
    // A hash that changed decides against the goal whatever the latency.
    expect(wakeGoalMet(f)).toBe(false);
    expect(wakeGoalMet({ ...f, hashEqual: 5 })).toBe(true);
    expect(wakeGoalMet({ ...f, hashEqual: 5, wakeMs: summarize([4, 12]) })).toBe(false);
    expect(wakeGoalMet({ ...f, evicted: 0 })).toBeNull();
    expect(wakeGoalMet({ ...f, state: "in-play" })).toBeNull();
  });

  it("gives one table row per room state, naming the state, and reads a run saved with one in-play figure", () => {
    const empty = summarize([]);
    const wake = [wakeFigure("waiting", [{ ms: 3, reborn: true, hashEqual: true }], [1], 15), wakeFigure("in-play", [{ ms: 1, reborn: false, hashEqual: true }], [1], 15)];
    const turnBased: TurnBasedResult = {
      c4: { rooms: 1, moves: 1, ackMs: empty, cpuUsPerMoveNet: 1, seconds: 1, errors: {} },
      wake,
      rebuild: { rooms: 1, firstRequestMs: empty, hashEqual: 1 },
      error: null,
    };
    const rows = performanceRows({ figures: {}, turnBased, heap: null, ai: null }).filter((r) => r.figure.startsWith("wake"));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ edgeroom: "3 / 3 ms", verdict: "met" });
    expect(rows[0]?.figure).toMatch(/WAITING for its 2nd player, creator connected \(1\/1 rooms evicted after 15 s idle; hash equal 1\/1\)/);
    expect(rows[1]).toMatchObject({ edgeroom: "n/a (no room was evicted)", verdict: "met" });
    const legacy = wakeFigures({ rooms: 40, evicted: 0, wakeMs: empty, warmMs: empty, hashEqual: 40, idleSeconds: 12 });
    expect(legacy).toMatchObject([{ state: "in-play", rooms: 40, evicted: 0, unanswered: 0, wokenBefore: 0 }]);
  });
});
