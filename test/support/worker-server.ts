/**
 * Starts the worker through miniflare's API (test/support/miniflare-main.mjs,
 * in a child process group of its own) on a free loopback port, with its own
 * persisted state directory, and stops it gracefully (dispose) or with
 * SIGKILL. The same DevServer interface as the `wrangler dev` harness, without
 * wrangler's proxy worker, file watcher or reloads. Used by the end-to-end and
 * fault-injection tests and the benchmarks.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { collectOutput } from "./process-output";
import { projectWorker, REPO, type WorkerConfig } from "./worker-bundle";
import { DEV_VARS, type DevOptions, type DevServer } from "./wrangler-dev";

const READY = /^EDGEROOM_READY (\S+)$/m;
const DIRECT = /^EDGEROOM_DIRECT (\S+)$/m;

export interface WorkerOptions extends DevOptions {
  /** Another bundle than the project's (default: main of wrangler.toml, bundled once per process). */
  worker?: WorkerConfig;
  /** Run the server under `taskset -c <cpus>` (benchmarks). */
  cpus?: string;
  /** Keep at most this many characters of output (benchmarks run long); default unbounded. */
  outputLimit?: number;
  /** Rate-limit bindings (default: HARNESS_LIMITS). */
  ratelimits?: Record<string, { simple: { limit: number; period: 10 | 60 } }>;
  /**
   * Serve the worker on its own socket (miniflare's `unsafeDirectSockets`), without miniflare's entry
   * worker in front: no second worker relaying every request and WebSocket frame, as on the platform.
   * `base` and `port` then name that socket. Benchmarks use it (the entry worker's relay is local-only cost).
   */
  direct?: boolean;
  /** Open workerd's inspector (Chrome DevTools Protocol) on this loopback port: benchmarks take CPU profiles through it. */
  inspectorPort?: number;
}

/**
 * Outside the platform every client shares one rate-limit key (TRUST_CF_CONNECTING_IP is "false"),
 * so the production caps of wrangler.toml would throttle the harness's many clients as one. The
 * end-to-end tests and benchmarks get caps they never reach; the caps themselves are tested in
 * test/workers/edge-limits.test.ts.
 */
export const HARNESS_LIMITS = Object.fromEntries(
  ["UPGRADE_LIMITER", "GUEST_LIMITER", "MATCH_LIMITER", "TICKET_LIMITER"].map((name) => [name, { simple: { limit: 1_000_000, period: 60 as const } }]),
);

export interface WorkerServer extends DevServer {
  /** pid of the miniflare process; workerd runs among its children. */
  readonly pid: number;
  /**
   * Reload the worker in place (miniflare's setOptions, the bundle re-read from disk: what `wrangler dev`
   * does on a file change): every socket drops, in-memory state is gone, persisted state stays. Resolves
   * once it answers again; `base` and `port` then name where.
   */
  reload(): Promise<void>;
}

export async function startWorker(opts: WorkerOptions = {}): Promise<WorkerServer> {
  const worker = opts.worker ?? (await projectWorker());
  const persistDir = opts.persistDir ?? mkdtempSync(join(tmpdir(), "edgeroom-e2e-"));
  mkdirSync(persistDir, { recursive: true });
  const options = {
    ...worker.workerOptions,
    name: "edgeroom",
    modules: true,
    scriptPath: worker.scriptPath,
    // Module names are paths relative to this root; the bundle lives outside the repository.
    modulesRoot: dirname(worker.scriptPath),
    bindings: { ...(worker.workerOptions["bindings"] as Record<string, string> | undefined), ...DEV_VARS, ...opts.vars },
    ratelimits: opts.ratelimits ?? HARNESS_LIMITS,
    host: "127.0.0.1",
    port: opts.direct ? 0 : (opts.port ?? 0),
    ...(opts.inspectorPort !== undefined ? { inspectorPort: opts.inspectorPort } : {}),
    ...(opts.direct ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: opts.port ?? 0 }] } : {}),
    durableObjectsPersist: join(persistDir, "do"),
    cachePersist: join(persistDir, "cache"),
  };
  const optionsFile = join(persistDir, "miniflare-options.json");
  writeFileSync(optionsFile, JSON.stringify({ options }));
  const main = join(REPO, "test", "support", "miniflare-main.mjs");
  const [cmd, args] = opts.cpus ? ["taskset", ["-c", opts.cpus, process.execPath, main, optionsFile]] : [process.execPath, [main, optionsFile]];
  const child = spawn(cmd, args, {
    cwd: REPO,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so kill() reaches workerd too.
    detached: true,
  });
  const output = collectOutput(child, opts.outputLimit ?? Infinity);
  const untilOutput = output.until;
  let base = await ready(child, untilOutput, output.text, opts.timeoutMs ?? 60_000);
  if (opts.direct) base = DIRECT.exec(output.text())?.[1] ?? base;
  let reloads = 0;
  return {
    get base() {
      return base;
    },
    get port() {
      return Number(new URL(base).port);
    },
    async reload() {
      const n = ++reloads;
      const line = new RegExp(`^EDGEROOM_RELOADED ${n} (\\S+)$`, "m");
      if (child.pid) process.kill(child.pid, "SIGUSR2");
      await untilOutput((o) => line.test(o));
      base = line.exec(output.text())?.[1] ?? base;
    },
    persistDir,
    pid: child.pid ?? -1,
    output: output.text,
    untilOutput,
    stop: () => stopGroup(child, "SIGTERM"),
    kill: () => stopGroup(child, "SIGKILL"),
  };
}

/** Waits for the ready line (event-driven); fails early if the process exits, or after `timeoutMs`. */
async function ready(child: ChildProcess, untilOutput: (p: (out: string) => boolean) => Promise<void>, out: () => string, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  let onExit: ((code: number | null, signal: string | null) => void) | undefined;
  const failed = new Promise<never>((_, reject) => {
    onExit = (code, signal) => reject(new Error(`miniflare exited (${signal ?? code}) before it was ready:\n${out()}`));
    child.once("exit", onExit);
    timer = setTimeout(() => reject(new Error(`miniflare not ready within ${timeoutMs} ms:\n${out()}`)), timeoutMs);
  });
  try {
    await Promise.race([untilOutput((o) => READY.test(o)), failed]);
  } catch (err) {
    await stopGroup(child, "SIGKILL");
    throw err;
  } finally {
    clearTimeout(timer);
    if (onExit) child.off("exit", onExit);
  }
  return READY.exec(out())?.[1] ?? "";
}

/** Signal the whole process group and wait for the miniflare process to exit; SIGKILL what is left of the group. */
async function stopGroup(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const kill = (sig: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, sig);
    } catch {
      // The group is gone already.
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    kill(signal);
    // A graceful stop that hangs is a bug elsewhere; bound it so a suite cannot hang on teardown.
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), 15_000)));
    if (await Promise.race([exited.then(() => false), hung])) kill("SIGKILL");
    clearTimeout(timer);
    await exited;
  }
  // dispose() ends workerd, but make sure nothing of the group outlives the server.
  kill("SIGKILL");
}
