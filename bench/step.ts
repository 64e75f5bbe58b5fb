/**
 * One ramp step: open N four-player rooms, wait until every room is racing,
 * measure a window (client figures, workerd CPU and RSS, load-generator CPU
 * and event-loop delay), then close every bot and let the rooms end.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { COUNTDOWN_TICKS, TICK_HZ } from "../src/games/runner";
import type { Api } from "../test/support/api";
import { analyzeWindow, type WindowFigures } from "./analyze";
import type { Bot } from "./bot";
import type { BenchConfig } from "./config";
import { machineCpu, type LoadgenCpu, type ServerProbe } from "./proc";
import { openRooms, sleep, waitForSnapshots, type GuestPool, type Room, SEATS } from "./rooms";
import { round } from "./stats";

export interface StepContext {
  readonly api: Api;
  readonly guests: GuestPool;
  readonly probe: ServerProbe;
  readonly loadgen: LoadgenCpu;
  readonly cfg: BenchConfig;
  /** workerd CPU while no room runs, ms of CPU per second of wall time. */
  readonly idleCpuMsPerSecond: number;
  /** Register every bot for cleanup on errors. */
  readonly track: (bot: Bot) => void;
}

export interface StepResult {
  readonly rooms: number;
  readonly windowSeconds: number;
  readonly setupSeconds: number;
  readonly matchSeconds: number;
  readonly figures: WindowFigures;
  readonly server: {
    readonly workerdCpuMs: number;
    /** workerd CPU as a fraction of one core over the window. */
    readonly workerdCores: number;
    readonly usPerRoomTick: number;
    /** Same, after subtracting the idle workerd CPU rate. */
    readonly usPerRoomTickNet: number;
    /** wrangler's own Node processes and esbuild (not the rooms). */
    readonly toolingCores: number;
    readonly rssBytes: number;
    readonly rssMaxBytes: number;
    /** VmRSS just before this step's rooms were created: (rssBytes − rssBeforeBytes)/rooms is the marginal memory per room. */
    readonly rssBeforeBytes: number;
  };
  /** Whole machine over the window, in cores: everything busy, what is neither workerd, wrangler nor the load generator, and VM steal. */
  readonly machine: {
    readonly busyCores: number;
    readonly otherCores: number;
    readonly stealCores: number;
    /** Other processes used more than NOISY_OTHER_CORES: figures of this step are disturbed. */
    readonly noisy: boolean;
  };
  readonly loadgen: {
    readonly cpuCores: number;
    readonly eventLoopDelayP99Ms: number;
    readonly unreliable: boolean;
  };
  /** p99 lateness below the limit. */
  readonly pass: boolean;
  /** 1, or 2 when the step is a re-run to confirm a failure. */
  readonly attempt: number;
}

/** Other processes' CPU above which a step is marked noisy (the machine is shared). */
export const NOISY_OTHER_CORES = 0.25;

/** Sampling period of the load generator's event-loop delay monitor. */
const ELD_RESOLUTION_MS = 2;

/** Setup allowance in the match length: rooms start as they fill, so the first ones run while later ones connect. */
export function setupAllowanceSeconds(rooms: number): number {
  return 3 + 0.12 * rooms;
}

/** Rough wall time a step takes, for the budget check. */
export function estimateStepSeconds(rooms: number, windowSeconds: number, cfg: BenchConfig): number {
  return setupAllowanceSeconds(rooms) + COUNTDOWN_TICKS / TICK_HZ + cfg.warmupMs / 1000 + windowSeconds + 3;
}

async function waitRacing(rooms: readonly Room[], timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const racing = (b: Bot) => (b.snaps[b.snaps.length - 1]?.tick ?? 0) >= COUNTDOWN_TICKS || b.matchOver || b.closeCode !== null;
  while (!rooms.every((r) => r.bots.every(racing))) {
    if (performance.now() > deadline) throw new Error("rooms did not reach the racing phase in time");
    await sleep(50);
  }
}

export async function runStep(ctx: StepContext, roomCount: number, windowSeconds: number, attempt = 1): Promise<StepResult> {
  const { cfg, probe } = ctx;
  const matchSeconds = Math.min(90, Math.ceil(setupAllowanceSeconds(roomCount) + COUNTDOWN_TICKS / TICK_HZ + cfg.warmupMs / 1000 + windowSeconds + 2));
  const rssBefore = probe.sample().workerdRss;
  const setupStart = performance.now();
  const guests = await ctx.guests.take(roomCount * SEATS);
  let rooms: Room[] = [];
  try {
    rooms = await openRooms(ctx.api, guests, roomCount, { durationSeconds: matchSeconds }, ctx.track);
    await waitForSnapshots(rooms, 30_000);
    await waitRacing(rooms, 10_000);
    const setupSeconds = (performance.now() - setupStart) / 1000;
    await sleep(cfg.warmupMs);

    const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
    const counters = () => rooms.flatMap((r) => r.bots).reduce((s, b) => ({ pings: s.pings + b.counters.pings, inputs: s.inputs + b.counters.inputs, bytesOut: s.bytesOut + b.counters.bytesOut }), { pings: 0, inputs: 0, bytesOut: 0 });
    const c0 = counters();
    const s0 = probe.sample();
    const m0 = machineCpu();
    ctx.loadgen.reset();
    eld.enable();
    const t0 = performance.now();
    let rssMax = s0.workerdRss;
    while (performance.now() - t0 < windowSeconds * 1000) {
      await sleep(Math.min(1000, windowSeconds * 1000 - (performance.now() - t0)));
      rssMax = Math.max(rssMax, probe.sample().workerdRss);
    }
    const t1 = performance.now();
    const s1 = probe.sample();
    const m1 = machineCpu();
    const loadgenCores = ctx.loadgen.fraction();
    eld.disable();
    const c1 = counters();

    const figures = analyzeWindow(rooms, t0, t1, { pings: c1.pings - c0.pings, inputs: c1.inputs - c0.inputs, bytesOut: c1.bytesOut - c0.bytesOut });
    const seconds = (t1 - t0) / 1000;
    const cpuMs = s1.workerdMs - s0.workerdMs;
    const ticks = Math.max(1, figures.roomTicks);
    // The histogram records whole timer periods: subtract the sampling period to get the delay.
    const eldP99 = Math.max(0, eld.percentile(99) / 1e6 - ELD_RESOLUTION_MS);
    const workerdCores = cpuMs / 1000 / seconds;
    const toolingCores = (s1.toolingMs - s0.toolingMs) / 1000 / seconds;
    const busyCores = (m1.busyMs - m0.busyMs) / 1000 / seconds;
    const otherCores = Math.max(0, busyCores - workerdCores - toolingCores - loadgenCores);
    return {
      rooms: roomCount,
      windowSeconds: round(seconds, 2),
      setupSeconds: round(setupSeconds, 2),
      matchSeconds,
      figures,
      server: {
        workerdCpuMs: round(cpuMs, 1),
        workerdCores: round(workerdCores),
        usPerRoomTick: round((cpuMs * 1000) / ticks, 2),
        usPerRoomTickNet: round(((cpuMs - ctx.idleCpuMsPerSecond * seconds) * 1000) / ticks, 2),
        toolingCores: round(toolingCores),
        rssBytes: s1.workerdRss,
        rssMaxBytes: Math.max(rssMax, s1.workerdRss),
        rssBeforeBytes: rssBefore,
      },
      machine: { busyCores: round(busyCores), otherCores: round(otherCores), stealCores: round((m1.stealMs - m0.stealMs) / 1000 / seconds), noisy: otherCores > NOISY_OTHER_CORES },
      loadgen: { cpuCores: round(loadgenCores), eventLoopDelayP99Ms: round(eldP99, 2), unreliable: loadgenCores > cfg.loadgenLimit },
      pass: figures.latenessMs.p99 < cfg.lateLimitMs,
      attempt,
    };
  } finally {
    for (const bot of rooms.flatMap((r) => r.bots)) bot.close();
    // graceMs is 1 s: the abandoned matches end by forfeit shortly after; let them settle before the next step.
    await sleep(2500);
  }
}
