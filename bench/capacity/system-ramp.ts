/**
 * The capacity ramp of one system: start it (pinned to the server core), read
 * its idle CPU, then raise the number of live 4-player runner rooms in steps of
 * at most +25 % (new rooms are added to the running ones; rooms near the end of
 * their 90 s match are replaced), and at each level measure a window: the
 * server's CPU from /proc (net of idle), RSS, the load generators' pooled
 * figures, and the counted billable operations (workerd systems). Stops when
 * the server reaches 90 % of its core, a level fails the 20 Hz criterion, the
 * room cap, or the time given.
 */
import { cpuMs, machineCpu, rssBytes } from "../proc";
import { sleep } from "../rooms";
import { round, summarize, type Summary } from "../stats";
import { countedRates, type CountedRates } from "../peers/level";
import { seedFor, startSystem, type OpCounters, type SystemName, type SystemUnderTest } from "../peers/systems";
import type { Fleet } from "./fleet";
import { histogramShareAbove, type LoadgenStalls } from "./protocol";
import { capacity, judge, loadHealth, needsConfirmation, poolWindows, rampLevels, worseHealth, REFERENCE_ROOMS, stopAfter, type Capacity, type LevelPoint, type LevelVerdict, type StopReason } from "./ramp";

export interface RampConfig {
  readonly startRooms: number;
  readonly maxRooms: number;
  readonly windowSeconds: number;
  readonly warmupMs: number;
  readonly stateBase: string;
  readonly serverCpus: string | null;
  readonly gitRev: string;
  /** Load-generator CPU (cores, all processes) above which a level is not trusted. */
  readonly loadgenLimitCores: number;
}

export interface RampLevel {
  readonly rooms: number;
  readonly seconds: number;
  readonly setupSeconds: number;
  /** Over the window, or over it and its confirmation pooled when the window alone failed (ramp.ts). */
  readonly verdict: LevelVerdict;
  /** The first window's own verdict when a confirmation window was measured (absent: none was needed, or a run before 2026-12-07). */
  readonly firstWindow?: LevelVerdict;
  readonly server: { readonly cores: number; readonly coresNet: number; readonly usPerRoomTickNet: number; readonly rssMiB: number };
  /** Send → ack of the probes (bench/reactive.ts). */
  readonly ackMs: Summary;
  /** Probes without an ack (of `probes`). */
  readonly unacked: number;
  /** Absent in results saved before probes (2026-12-06 17:00): their ack figures timed every input. */
  readonly probes?: number;
  /** Every input sent in the window. */
  readonly inputs: number;
  readonly stateBytesPerClientPerSecond: number;
  readonly allBytesPerClientPerSecond: number;
  readonly snapshots: number;
  /** Share of the window's gaps past 75 ms, and of those of 95 ms or more (a state merged into the next); older results lack them. */
  readonly gapsOver75Ms?: number;
  readonly gapsOver95Ms?: number;
  readonly roomTicks: number;
  readonly loadgenCores: number;
  readonly loadgenEldP99Ms: number;
  /** The worst load generator's longest event-loop delay and collection pause, and its pauses' sum, in the first window (absent before 2026-12-07 13:30). */
  readonly loadgenStalls?: Omit<LoadgenStalls, "eldP99Ms">;
  readonly otherCores: number;
  readonly counted: CountedRates | null;
  /** Matches that had ended by the end of the window (left out of the figures, replaced). */
  readonly endedRooms: number;
  /** Rooms whose bots failed (a runner fell, a socket closed before the end), ended or not; replaced. */
  readonly failedRooms?: number;
  readonly errors: Record<string, number>;
  /** The load generators could not measure the level (saturated or starved). */
  readonly unusable: string | null;
  /** The bots failed in more than 10 % of the rooms (absent in runs before 2026-12-06 17:00, which folded it into `unusable`). */
  readonly botsFailed?: string | null;
}

export interface RampResult {
  readonly system: SystemName;
  readonly rep: number;
  readonly description: string;
  readonly idleCpuMsPerSecond: number;
  readonly rss0MiB: number;
  readonly levels: RampLevel[];
  readonly stop: StopReason;
  readonly capacity: Capacity;
  readonly error: string | null;
}

/** Longest runner match (countdown included): rooms are replaced before they end. */
const MATCH_SECONDS = 90;

interface Live {
  readonly key: string;
  readonly id: string;
  readonly openedAt: number;
}

export async function rampSystem(
  system: SystemName,
  rep: number,
  fleet: Fleet,
  cfg: RampConfig,
  secondsLeft: () => number,
  log: (msg: string) => void,
  onStarted: (sys: SystemUnderTest) => void,
): Promise<RampResult> {
  const levels: RampLevel[] = [];
  let sys: SystemUnderTest | null = null;
  let idle = 0;
  let rss0 = 0;
  let stop: StopReason = null;
  let error: string | null = null;
  const live: Live[] = [];
  let serial = 0;
  try {
    sys = await startSystem(system, { stateBase: cfg.stateBase, cpus: cfg.serverCpus, gitRev: cfg.gitRev });
    onStarted(sys);
    await fleet.init({ system, base: sys.base });
    await sleep(1000);
    const pids0 = sys.serverPids();
    const c0 = cpuMs(pids0);
    const t0 = performance.now();
    await sleep(2000);
    idle = (cpuMs(pids0) - c0) / ((performance.now() - t0) / 1000);
    rss0 = rssBytes(pids0);
    log(`  ${system}: pids ${pids0.join(",")}, idle ${round(idle, 2)} ms CPU/s, RSS ${round(rss0 / 2 ** 20, 1)} MiB`);

    for (const rooms of rampLevels(cfg.startRooms, cfg.maxRooms)) {
      // A level needs: replacing/adding rooms (~0.05 s each), the 3 s countdown, warm-up, window, counters.
      const need = 0.05 * rooms + 3 + cfg.warmupMs / 1000 + cfg.windowSeconds + 0.01 * rooms + 2;
      if (secondsLeft() < need) {
        stop = stop ?? "budget";
        break;
      }
      const setupStart = performance.now();
      // Replace rooms that would end before this level's window does.
      const horizon = (performance.now() - (MATCH_SECONDS - 5 - need) * 1000);
      const old = live.filter((r) => r.openedAt < horizon);
      if (old.length) {
        await fleet.close(old.map((r) => r.key));
        for (const r of old) live.splice(live.indexOf(r), 1);
      }
      const add = Array.from({ length: rooms - live.length }, () => {
        serial += 1;
        return { key: `${rep}-${serial}`, seed: seedFor(rep * 1000 + rooms, serial) };
      });
      const opened = await fleet.open(add, MATCH_SECONDS, 30_000 + 100 * add.length);
      for (const [key, id] of opened) live.push({ key, id, openedAt: setupStart });
      const setupSeconds = (performance.now() - setupStart) / 1000;
      await sleep(cfg.warmupMs);

      const pids = sys.serverPids();
      const refs = live.map((r) => ({ id: r.id, bots: [] }));
      const b0 = performance.now();
      const before = sys.counters ? await sys.counters(refs) : null;
      const b1 = performance.now();
      await fleet.mark();
      const cpu0 = cpuMs(pids);
      const m0 = machineCpu();
      const w0 = performance.now();
      await sleep(cfg.windowSeconds * 1000);
      const w1 = performance.now();
      const cpu = cpuMs(pids) - cpu0;
      const m1 = machineCpu();
      // The load generators end their window on this message; acks in flight get 300 ms more to arrive.
      const { window, loadgenCores, eldP99Ms, eldMaxMs, gcMaxMs, gcMs } = await fleet.collect(300);
      const rss = rssBytes(pids);
      const a0 = performance.now();
      const after = sys.counters ? await sys.counters(refs) : null;
      const countedSeconds = ((a0 + performance.now()) / 2 - (b0 + b1) / 2) / 1000;
      const seconds = (w1 - w0) / 1000;
      const first = judge(window);
      let health = loadHealth({ loadgenCores, loadgenLimitCores: cfg.loadgenLimitCores, eldP99Ms, failedRooms: window.failedRooms, rooms });
      let verdict = first;
      const replaceKeys = [...window.endedKeys, ...window.failedKeys];
      if (needsConfirmation(first, health)) {
        // The level's figures stay the first window's; only its verdict is pooled over both (ramp.ts).
        await fleet.mark();
        await sleep(cfg.windowSeconds * 1000);
        const again = await fleet.collect(300);
        const health2 = loadHealth({ loadgenCores: again.loadgenCores, loadgenLimitCores: cfg.loadgenLimitCores, eldP99Ms: again.eldP99Ms, failedRooms: again.window.failedRooms, rooms });
        health = worseHealth(health, health2);
        verdict = judge(poolWindows([window, again.window]));
        replaceKeys.push(...again.window.endedKeys, ...again.window.failedKeys);
      }
      const cores = cpu / 1000 / seconds;
      const coresNet = Math.max(0, (cpu - idle * seconds) / 1000 / seconds);
      const busy = (m1.busyMs - m0.busyMs) / 1000 / seconds;
      const otherCores = Math.max(0, busy - cores - loadgenCores);
      const bots = Math.max(1, window.bots);
      // Rooms whose match ended are left out of the figures; they and the rooms whose bots failed are replaced at
      // the next level. Failed bots are reported apart from the server's limits (bench/reactive.ts: they never fall
      // on their own, so many failures mean the load, not the server, broke).
      const ended = window.endedRooms;
      const replace = [...new Set(replaceKeys)];
      if (replace.length) {
        await fleet.close(replace);
        for (const key of replace) {
          const i = live.findIndex((r) => r.key === key);
          if (i >= 0) live.splice(i, 1);
        }
      }
      const unusable = health.unusable;
      const level: RampLevel = {
        rooms,
        seconds: round(seconds, 2),
        setupSeconds: round(setupSeconds, 2),
        verdict: { ...verdict, delivered: round(verdict.delivered, 4), tickRate: round(verdict.tickRate, 4) },
        ...(verdict !== first ? { firstWindow: { ...first, delivered: round(first.delivered, 4), tickRate: round(first.tickRate, 4) } } : {}),
        server: {
          cores: round(cores),
          coresNet: round(coresNet),
          usPerRoomTickNet: round(((cpu - idle * seconds) * 1000) / Math.max(1, window.roomTicks), 2),
          rssMiB: round(rss / 2 ** 20, 1),
        },
        ackMs: summarize(window.ackMs),
        unacked: window.unacked,
        probes: window.probes,
        inputs: window.inputs,
        stateBytesPerClientPerSecond: round(window.snapBytes / bots / window.seconds, 1),
        allBytesPerClientPerSecond: round(window.allBytes / bots / window.seconds, 1),
        snapshots: window.snapshots,
        // The tail's shape: gaps past the criterion, and those of a whole missed state (≥ 95 ms: a stall of 45 ms or more).
        gapsOver75Ms: round(histogramShareAbove(window.gapHistogram, 75), 5),
        gapsOver95Ms: round(histogramShareAbove(window.gapHistogram, 95), 5),
        roomTicks: round(window.roomTicks, 0),
        loadgenCores: round(loadgenCores),
        loadgenEldP99Ms: round(eldP99Ms, 1),
        loadgenStalls: { eldMaxMs: round(eldMaxMs, 1), gcMaxMs: round(gcMaxMs, 1), gcMs: round(gcMs, 1) },
        otherCores: round(otherCores),
        counted: before && after ? countedRates(before as Map<string, OpCounters>, after as Map<string, OpCounters>, countedSeconds) : null,
        endedRooms: ended,
        failedRooms: window.failedRooms,
        errors: window.errors,
        unusable,
        botsFailed: health.botsFailed,
      };
      levels.push(level);
      log(
        `    ${system} ${rooms} rooms: ${verdict.holds20Hz ? "holds" : "FAILS"} 20 Hz (${verdict !== first ? `over 2 windows, the first alone gap p99 ${first.gapP99Ms} ms; ` : ""}gap p99 ${verdict.gapP99Ms} ms, gaps > 75 / ≥ 95 ms ${((level.gapsOver75Ms ?? NaN) * 100).toFixed(2)} / ${((level.gapsOver95Ms ?? NaN) * 100).toFixed(2)} %, delivered ${(verdict.delivered * 100).toFixed(1)} %, sim ${(verdict.tickRate * 100).toFixed(1)} %), server ${level.server.cores} cores (${level.server.coresNet} net) ${level.server.usPerRoomTickNet} µs/room-tick, ack p50/p99 ${level.ackMs.p50}/${level.ackMs.p99} ms, ${level.stateBytesPerClientPerSecond} B/s/client, loadgen ${level.loadgenCores} cores ELD p99 / max ${level.loadgenEldP99Ms} / ${level.loadgenStalls?.eldMaxMs} ms,${level.counted?.lateLoopShare != null ? ` server loop ticks ≥ 25 ms late ${(level.counted.lateLoopShare * 100).toFixed(2)} %,` : ""} GC max / sum ${level.loadgenStalls?.gcMaxMs} / ${level.loadgenStalls?.gcMs} ms, other ${level.otherCores}, ended ${ended}, bots failed in ${window.failedRooms}${unusable ? ` — UNUSABLE: ${unusable}` : ""}${health.botsFailed ? ` — BOTS FAILED: ${health.botsFailed}` : ""}`,
      );
      // The reference level (50 rooms) is always measured: its per-room figures are quoted even for a system
      // that failed below it. Capacity still counts only the levels up to the first failure.
      const reason = stopAfter({ rooms, holds20Hz: verdict.holds20Hz, serverCores: cores, serverCoresNet: coresNet, unusable: unusable !== null, botsFailed: health.botsFailed !== null });
      stop = stop ?? reason;
      if (stop && rooms >= REFERENCE_ROOMS) break;
    }
    if (!stop) stop = "max-rooms";
  } catch (err) {
    error = err instanceof Error ? err.message.slice(0, 500) : String(err);
    stop = "error";
    log(`  ${system} failed: ${error}`);
  } finally {
    await fleet.close(live.map((r) => r.key)).catch(() => undefined);
    await sleep(1500);
    if (sys) await sys.stop().catch(() => undefined);
  }
  const points = levels.map(levelPoint);
  return {
    system,
    rep,
    description: sys?.description ?? "",
    idleCpuMsPerSecond: round(idle, 2),
    rss0MiB: round(rss0 / 2 ** 20, 1),
    levels,
    stop,
    capacity: capacity(points, stop),
    error,
  };
}

/** The ramp rules' view of a recorded level (also for results saved before `botsFailed` existed). */
export function levelPoint(l: RampLevel): LevelPoint {
  return { rooms: l.rooms, holds20Hz: l.verdict.holds20Hz, serverCores: l.server.cores, serverCoresNet: l.server.coresNet, unusable: l.unusable !== null, botsFailed: (l.botsFailed ?? null) !== null };
}
