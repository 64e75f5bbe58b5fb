/**
 * Configuration of `npm run bench:peers` from the environment and flags
 * (`--seconds=240` overrides `BENCH_PEERS_SECONDS=240`), and the plan it
 * implies: which systems in which order, how many repetitions, which room
 * counts, how long each window is. Pure, so the plan is unit-tested.
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { SYSTEMS, type SystemName } from "./systems";

export interface PeersConfig {
  /** Wall-clock budget of the whole run; nothing is started that would overrun it. */
  readonly totalSeconds: number;
  /** Repetitions of the whole A B C sequence (alternating order); 0 = as many as the budget allows (at least 1). */
  readonly reps: number;
  /** Room counts measured in each run, ascending; 1, 50 and 200 are the reported points. */
  readonly levels: readonly number[];
  readonly windowSeconds: number;
  /** The 1-room level's window: twice the others, so its p99 figures rest on enough samples. */
  readonly baselineWindowSeconds: number;
  readonly warmupMs: number;
  readonly lateLimitMs: number;
  readonly loadgenLimit: number;
  readonly eldLimitMs: number;
  readonly systems: readonly SystemName[];
  readonly stateBase: string;
  readonly resultsDir: string;
  /** Pin the load generator and the server to different cores with taskset. */
  readonly pin: boolean;
}

type Key = "seconds" | "reps" | "window-seconds" | "levels" | "systems" | "late-ms";

const ENV: Record<Key, string> = {
  seconds: "BENCH_PEERS_SECONDS",
  reps: "BENCH_PEERS_REPS",
  "window-seconds": "BENCH_PEERS_WINDOW_SECONDS",
  levels: "BENCH_PEERS_LEVELS",
  systems: "BENCH_PEERS_SYSTEMS",
  "late-ms": "BENCH_LATE_MS",
};

export const USAGE = `Usage: npm run bench:peers [-- --seconds=N --reps=N --window-seconds=N --levels=1,50,200 --systems=edgeroom,colyseus,partyserver --late-ms=N]
Environment: BENCH_PEERS_SECONDS (budget, default 900; 240 is the quick mode), BENCH_PEERS_REPS (default: as many as fit, at least 1),
BENCH_PEERS_WINDOW_SECONDS, BENCH_PEERS_LEVELS, BENCH_PEERS_SYSTEMS, BENCH_LATE_MS (default 5), BENCH_STATE_DIR (default /dev/shm),
BENCH_PEERS_NO_PIN=1 (do not use taskset).`;

function raw(key: Key, argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const prefix = `--${key}=`;
  const flag = argv.find((a) => a.startsWith(prefix));
  const v = flag !== undefined ? flag.slice(prefix.length) : env[ENV[key]];
  return v === undefined || v === "" ? undefined : v;
}

function num(key: Key, argv: readonly string[], env: NodeJS.ProcessEnv): number | undefined {
  const v = raw(key, argv, env);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${ENV[key]}/--${key}: expected a non-negative number, got "${v}"`);
  return n;
}

export function loadPeersConfig(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): PeersConfig {
  const totalSeconds = num("seconds", argv, env) ?? 900;
  const quick = totalSeconds < 480;
  const levelsRaw = raw("levels", argv, env);
  const levels = levelsRaw
    ? [...new Set(levelsRaw.split(",").map((s) => Math.floor(Number(s))))].filter((n) => n > 0).sort((a, b) => a - b)
    : quick
      ? [1, 50, 200]
      : [1, 50, 100, 200];
  const windowSeconds = num("window-seconds", argv, env) ?? (quick ? 5 : 8);
  const systemsRaw = raw("systems", argv, env);
  const systems = systemsRaw ? systemsRaw.split(",").map((s) => s.trim()) : [...SYSTEMS];
  for (const s of systems) if (!(SYSTEMS as readonly string[]).includes(s)) throw new Error(`unknown system "${s}" (expected ${SYSTEMS.join(", ")})`);
  return {
    totalSeconds,
    reps: Math.floor(num("reps", argv, env) ?? 0),
    levels,
    windowSeconds,
    baselineWindowSeconds: 2 * windowSeconds,
    warmupMs: 1000,
    lateLimitMs: num("late-ms", argv, env) ?? 5,
    loadgenLimit: 0.8,
    eldLimitMs: 20,
    systems: systems as SystemName[],
    stateBase: env.BENCH_STATE_DIR || (existsSync("/dev/shm") ? "/dev/shm" : tmpdir()),
    resultsDir: new URL("../results/", import.meta.url).pathname,
    pin: env.BENCH_PEERS_NO_PIN !== "1",
  };
}

/** Alternating order: A B C, then C B A, then A B C, … */
export function runOrder(systems: readonly SystemName[], reps: number): { system: SystemName; rep: number }[] {
  const out: { system: SystemName; rep: number }[] = [];
  for (let r = 0; r < reps; r++) {
    const order = r % 2 === 0 ? systems : [...systems].reverse();
    for (const system of order) out.push({ system, rep: r + 1 });
  }
  return out;
}

/** Rough seconds one run of one system takes: server start, idle probe, each level (the 1-room window is doubled). */
export function estimateRunSeconds(levels: readonly number[], windowSeconds: number, warmupMs: number): number {
  const start = 12;
  const perLevel = levels.reduce((s, n) => s + 2 + 0.06 * n + 3 + warmupMs / 1000 + (n === 1 ? 2 : 1) * windowSeconds + 3, 0);
  return start + 2 + perLevel;
}

/** Repetitions that fit the budget (at least one), unless the configuration fixes them. */
export function planReps(cfg: Pick<PeersConfig, "reps" | "totalSeconds" | "levels" | "windowSeconds" | "warmupMs" | "systems">): number {
  if (cfg.reps > 0) return cfg.reps;
  const perRep = cfg.systems.length * estimateRunSeconds(cfg.levels, cfg.windowSeconds, cfg.warmupMs);
  return Math.max(1, Math.floor(cfg.totalSeconds / perRep));
}
