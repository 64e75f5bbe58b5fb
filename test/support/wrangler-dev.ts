/**
 * Spawns a real `wrangler dev` (the command the README tells people to run)
 * on free loopback ports with its own persisted state directory, waits until
 * /health answers, and stops it (gracefully or with SIGKILL). Used by
 * test/e2e/wrangler-dev.test.ts and the browser tests; the other end-to-end
 * tests and the benchmarks start the worker through miniflare's API
 * (worker-server.ts), which is faster and has no reloading proxy in between.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { collectOutput } from "./process-output";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const TEST_SECRET = "e2e-secret-0123456789abcdef0123456789abcdef";

/**
 * Development values every local server of the tests gets explicitly (wrangler.toml holds the
 * production defaults: guests off, no extra origins; `npm run dev` writes these into .dev.vars).
 */
export const DEV_VARS: Readonly<Record<string, string>> = { AUTH_SECRET: TEST_SECRET, ALLOW_GUESTS: "true", TRUST_CF_CONNECTING_IP: "false" };

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

export interface DevServer {
  readonly base: string;
  readonly port: number;
  readonly persistDir: string;
  readonly output: () => string;
  /** Resolves once the output so far satisfies `pred`, checked now and on every chunk the process prints. */
  untilOutput(pred: (out: string) => boolean): Promise<void>;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export interface DevOptions {
  persistDir?: string;
  port?: number;
  vars?: Record<string, string>;
  timeoutMs?: number;
}

export async function startWranglerDev(opts: DevOptions = {}): Promise<DevServer> {
  const root = resolve(import.meta.dirname, "../..");
  const persistDir = opts.persistDir ?? mkdtempSync(join(tmpdir(), "edgeroom-e2e-"));
  const port = opts.port ?? (await freePort());
  const inspector = await freePort();
  const vars = { ...DEV_VARS, ...opts.vars };
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector), "--persist-to", persistDir, "--show-interactive-dev-session=false"];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  const child = spawn(join(root, "node_modules", ".bin", "wrangler"), args, {
    cwd: root,
    env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const output = collectOutput(child);
  const base = `http://127.0.0.1:${port}`;
  await waitReady(base, child, opts.timeoutMs ?? 60_000, output.text);
  return {
    base,
    port,
    persistDir,
    output: output.text,
    untilOutput: output.until,
    stop: () => stopProcess(child, "SIGTERM"),
    kill: () => stopProcess(child, "SIGKILL"),
  };
}

async function waitReady(base: string, child: ChildProcess, timeoutMs: number, out: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once("exit", () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`wrangler dev exited before it was ready:\n${out()}`);
    try {
      const res = await fetch(`${base}/health`);
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    // Polling interval while waiting for the server to listen (readiness probe, not test synchronisation).
    await new Promise((r) => setTimeout(r, 200));
  }
  await stopProcess(child, "SIGKILL");
  throw new Error(`wrangler dev not ready within ${timeoutMs} ms:\n${out()}`);
}

/** Signal the whole process group (wrangler spawns workerd) and wait for exit. */
async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
  await exited;
}
