/**
 * Benchmark configuration from the environment and command-line flags.
 * A flag `--seconds=120` overrides `BENCH_SECONDS=120`; every value has a default
 * that keeps the whole run within about five minutes.
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";

export interface BenchConfig {
  /** Wall-clock budget for the whole run; no ramp step starts if it would not finish in time. */
  readonly totalSeconds: number;
  /** Measurement window of the first step (one 4-player room): figures 1 to 4 and the cost model. */
  readonly baselineSeconds: number;
  /** Measurement window of every later ramp step. */
  readonly stepSeconds: number;
  /** The ramp never goes beyond this many rooms. */
  readonly maxRooms: number;
  /** Capacity criterion: p99 snapshot lateness must stay below this. */
  readonly lateLimitMs: number;
  /** Load-generator CPU (fraction of one core) above which a step is marked unreliable. */
  readonly loadgenLimit: number;
  /** Time after every bot's first snapshot before the window opens. */
  readonly warmupMs: number;
  /** Where results are written. */
  readonly resultsDir: string;
  /**
   * Base directory of the server snapshot and its SQLite files: tmpfs (/dev/shm) by default, so the
   * figures are not dominated by the local disk's fsync latency (BENCH_STATE_DIR to choose a disk).
   */
  readonly stateBase: string;
}

type Key = "seconds" | "baseline-seconds" | "step-seconds" | "max-rooms" | "late-ms";

const ENV: Record<Key, string> = {
  seconds: "BENCH_SECONDS",
  "baseline-seconds": "BENCH_BASELINE_SECONDS",
  "step-seconds": "BENCH_STEP_SECONDS",
  "max-rooms": "BENCH_MAX_ROOMS",
  "late-ms": "BENCH_LATE_MS",
};

function readNumber(key: Key, argv: readonly string[], env: NodeJS.ProcessEnv): number | undefined {
  const prefix = `--${key}=`;
  const flag = argv.find((a) => a.startsWith(prefix));
  const raw = flag !== undefined ? flag.slice(prefix.length) : env[ENV[key]];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag ?? ENV[key]}: expected a positive number, got "${raw}"`);
  return n;
}

export const USAGE = `Usage: npm run bench [-- --seconds=N --baseline-seconds=N --step-seconds=N --max-rooms=N --late-ms=N]
Environment: BENCH_SECONDS (total budget, default 300), BENCH_BASELINE_SECONDS, BENCH_STEP_SECONDS,
BENCH_MAX_ROOMS (default 128), BENCH_LATE_MS (default 5), BENCH_STATE_DIR (default /dev/shm),
BENCH_SERVER_LOG (file to save the server's output to).`;

export function loadConfig(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const totalSeconds = readNumber("seconds", argv, env) ?? 300;
  // Scale the windows down for short budgets: the baseline gets about a tenth, each step about a twentieth.
  const baselineSeconds = readNumber("baseline-seconds", argv, env) ?? clamp(Math.round(totalSeconds / 10), 10, 30);
  const stepSeconds = readNumber("step-seconds", argv, env) ?? clamp(Math.round(totalSeconds / 20), 8, 15);
  return {
    totalSeconds,
    // A runner match lasts at most 90 s, countdown and setup included.
    baselineSeconds: Math.min(baselineSeconds, 75),
    stepSeconds: Math.min(stepSeconds, 75),
    maxRooms: Math.floor(readNumber("max-rooms", argv, env) ?? 128),
    lateLimitMs: readNumber("late-ms", argv, env) ?? 5,
    loadgenLimit: 0.8,
    warmupMs: 1000,
    resultsDir: new URL("./results/", import.meta.url).pathname,
    stateBase: env.BENCH_STATE_DIR || (existsSync("/dev/shm") ? "/dev/shm" : tmpdir()),
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
