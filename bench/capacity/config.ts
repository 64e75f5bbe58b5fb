/**
 * Configuration of the capacity bench (`npm run bench`, `npm run bench:peers`)
 * from the environment and flags (`--seconds=600` overrides
 * `BENCH_SECONDS=600`). `BENCH_QUICK=1` is the ≤ 3 min smoke mode. Pure.
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { SYSTEMS, type SystemName } from "../peers/systems";

export interface CapacityConfig {
  readonly quick: boolean;
  /** Ramps only (bench:peers), no turn-based, heap or AI phase. */
  readonly peersOnly: boolean;
  readonly totalSeconds: number;
  readonly reps: number;
  readonly systems: readonly SystemName[];
  readonly loadgens: number;
  readonly startRooms: number;
  readonly maxRooms: number;
  readonly windowSeconds: number;
  readonly warmupMs: number;
  readonly c4Rooms: number;
  readonly c4ThinkMs: number;
  readonly wakeRooms: number;
  readonly idleSeconds: number;
  readonly aiGames: number;
  readonly heapRooms: number;
  /** Budget of the workerd floor phase (floor.ts). */
  readonly floorSeconds: number;
  readonly stateBase: string;
  readonly pin: boolean;
}

const ENV = {
  seconds: "BENCH_SECONDS",
  reps: "BENCH_REPS",
  systems: "BENCH_SYSTEMS",
  loadgens: "BENCH_LOADGENS",
  "start-rooms": "BENCH_START_ROOMS",
  "max-rooms": "BENCH_MAX_ROOMS",
  "window-seconds": "BENCH_WINDOW_SECONDS",
  "ai-games": "BENCH_AI_GAMES",
} as const;
type Key = keyof typeof ENV;

export const USAGE = `Usage: npm run bench [-- --seconds=N --reps=N --systems=edgeroom,colyseus,partyserver --loadgens=N --start-rooms=N --max-rooms=N --window-seconds=N --ai-games=N]
       npm run bench:peers   (the ramps only)
Environment: BENCH_QUICK=1 (≤ 3 min smoke run), ${Object.values(ENV).join(", ")}, BENCH_STATE_DIR (default /dev/shm), BENCH_NO_PIN=1.`;

function raw(key: Key, argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const flag = argv.find((a) => a.startsWith(`--${key}=`));
  const v = flag !== undefined ? flag.slice(key.length + 3) : env[ENV[key]];
  return v === undefined || v === "" ? undefined : v;
}

function num(key: Key, argv: readonly string[], env: NodeJS.ProcessEnv): number | undefined {
  const v = raw(key, argv, env);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${ENV[key]}/--${key}: expected a positive number, got "${v}"`);
  return n;
}

export function loadCapacityConfig(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): CapacityConfig {
  const quick = env.BENCH_QUICK === "1" || argv.includes("--quick");
  const peersOnly = argv.includes("--peers");
  const systemsRaw = raw("systems", argv, env);
  const systems = systemsRaw ? systemsRaw.split(",").map((s) => s.trim()) : [...SYSTEMS];
  for (const s of systems) if (!(SYSTEMS as readonly string[]).includes(s)) throw new Error(`unknown system "${s}" (expected ${SYSTEMS.join(", ")})`);
  return {
    quick,
    peersOnly,
    totalSeconds: num("seconds", argv, env) ?? (quick ? 180 : 900),
    reps: Math.floor(num("reps", argv, env) ?? 1),
    systems: systems as SystemName[],
    loadgens: Math.min(8, Math.floor(num("loadgens", argv, env) ?? 3)),
    // Quick mode starts at the reference level, so its per-room figures are always measured in the short budget.
    startRooms: Math.floor(num("start-rooms", argv, env) ?? (quick ? 50 : 17)),
    maxRooms: Math.floor(num("max-rooms", argv, env) ?? 800),
    windowSeconds: num("window-seconds", argv, env) ?? (quick ? 3 : 6),
    warmupMs: quick ? 500 : 1000,
    c4Rooms: quick ? 20 : 50,
    c4ThinkMs: 100,
    wakeRooms: quick ? 10 : 100,
    // workerd hibernates an object with nothing but hibernatable sockets about 10 s after its last event; 15 s leaves margin.
    idleSeconds: 15,
    aiGames: Math.floor(num("ai-games", argv, env) ?? (quick ? 20 : 100)),
    heapRooms: quick ? 100 : 400,
    floorSeconds: quick ? 20 : 150,
    stateBase: env.BENCH_STATE_DIR || (existsSync("/dev/shm") ? "/dev/shm" : tmpdir()),
    pin: env.BENCH_NO_PIN !== "1",
  };
}

/** Alternating order: A B C, then C B A, … */
export function rampOrder(systems: readonly SystemName[], reps: number): { system: SystemName; rep: number }[] {
  const out: { system: SystemName; rep: number }[] = [];
  for (let r = 0; r < reps; r++) for (const system of r % 2 === 0 ? systems : [...systems].reverse()) out.push({ system, rep: r + 1 });
  return out;
}
