/**
 * The server under test: `wrangler dev` on a free loopback port, run from a
 * frozen copy of the project's sources in a temporary directory. wrangler dev
 * watches its sources and reloads (restarting every room) when a file
 * changes; running from a snapshot keeps edits made in the working tree during
 * a run from disturbing it. The copy leaves out the web client ([build] and
 * [assets] are dropped from wrangler.toml): the benchmark only uses /api/*.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort, TEST_SECRET } from "../test/support/wrangler-dev";

export interface BenchServer {
  readonly base: string;
  /** pid of the wrangler process; workerd runs among its descendants. */
  readonly pid: number;
  readonly root: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Drop whole TOML tables (e.g. "build", "assets", and their sub-tables) from a config text. */
export function dropTomlTables(text: string, names: readonly string[]): string {
  let skipping = false;
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const header = /^\s*\[\[?\s*([^\]\s]+)\s*\]\]?\s*(#.*)?$/.exec(line);
    if (header) {
      const name = header[1] ?? "";
      skipping = names.some((n) => name === n || name.startsWith(`${n}.`));
    }
    if (!skipping) out.push(line);
  }
  return out.join("\n");
}

/**
 * Copy what the server needs into a new temporary directory: src/ and wrangler.toml from the working
 * tree, or from the git revision `gitRev` (a committed, consistent version while others edit the tree),
 * plus `extraDirs` from the working tree, with node_modules symlinked.
 */
export function snapshotProject(repo: string, base: string, extraDirs: readonly string[] = [], gitRev?: string): string {
  const root = mkdtempSync(join(base, "edgeroom-bench-"));
  let wranglerToml: string;
  if (gitRev) {
    const tar = execFileSync("git", ["archive", "--format=tar", gitRev, "src"], { cwd: repo, maxBuffer: 256 * 2 ** 20 });
    execFileSync("tar", ["-x", "-C", root], { input: tar });
    wranglerToml = execFileSync("git", ["show", `${gitRev}:wrangler.toml`], { cwd: repo, encoding: "utf8" });
  } else {
    cpSync(join(repo, "src"), join(root, "src"), { recursive: true });
    wranglerToml = readFileSync(join(repo, "wrangler.toml"), "utf8");
  }
  for (const dir of extraDirs) cpSync(join(repo, dir), join(root, dir), { recursive: true });
  for (const file of ["package.json", "tsconfig.json"]) if (existsSync(join(repo, file))) copyFileSync(join(repo, file), join(root, file));
  symlinkSync(join(repo, "node_modules"), join(root, "node_modules"), "dir");
  writeFileSync(join(root, "wrangler.toml"), dropTomlTables(wranglerToml, ["build", "assets"]));
  return root;
}

export interface BenchServerOptions {
  /** Where the snapshot and the Durable Objects' SQLite files live. */
  readonly base?: string;
  readonly timeoutMs?: number;
  /** A wrangler config inside the snapshot, relative to the repository (default: the project's wrangler.toml). */
  readonly config?: string;
  /** Directories besides src/ to copy into the snapshot (relative to the repository). */
  readonly extraDirs?: readonly string[];
  /** `--var` values; default: the Edgeroom worker's AUTH_SECRET and ALLOW_GUESTS. */
  readonly vars?: Readonly<Record<string, string>>;
  /** Run wrangler (and so workerd) under `taskset -c <cpus>`. */
  readonly cpus?: string;
  /** Path probed until it answers 200 (default /health). */
  readonly readyPath?: string;
  /** Take src/ and wrangler.toml from this git revision instead of the working tree. */
  readonly gitRev?: string;
}

/** `base`: where the snapshot and the Durable Objects' SQLite files live. */
export async function startBenchServer(base = tmpdir(), timeoutMs = 60_000, opts: BenchServerOptions = {}): Promise<BenchServer> {
  const repo = resolve(import.meta.dirname, "..");
  const root = snapshotProject(repo, opts.base ?? base, opts.extraDirs ?? [], opts.gitRev);
  const port = await freePort();
  const inspector = await freePort();
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector), "--persist-to", join(root, "state"), "--show-interactive-dev-session=false"];
  if (opts.config) args.push("-c", join(root, opts.config));
  for (const [k, v] of Object.entries(opts.vars ?? { AUTH_SECRET: TEST_SECRET, ALLOW_GUESTS: "true" })) args.push("--var", `${k}:${v}`);
  const wrangler = join(repo, "node_modules", ".bin", "wrangler");
  const [cmd, cmdArgs] = opts.cpus ? ["taskset", ["-c", opts.cpus, wrangler, ...args]] : [wrangler, args];
  const child = spawn(cmd, cmdArgs, {
    cwd: root,
    env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so stop() reaches workerd too.
    detached: true,
  });
  let out = "";
  child.stdout?.on("data", (d) => (out = (out + String(d)).slice(-200_000)));
  child.stderr?.on("data", (d) => (out = (out + String(d)).slice(-200_000)));
  const server: BenchServer = {
    base: `http://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    root,
    output: () => out,
    stop: async () => {
      await stopGroup(child);
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await waitReady(server.base, child, opts.timeoutMs ?? timeoutMs, opts.readyPath ?? "/health");
  } catch (err) {
    await server.stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${out.slice(-4000)}`);
  }
  return server;
}

async function waitReady(base: string, child: ChildProcess, timeoutMs: number, path: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error("wrangler dev exited before it was ready");
    try {
      if ((await fetch(`${base}${path}`)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    // Readiness probe interval.
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`wrangler dev not ready within ${timeoutMs} ms`);
}

/** SIGTERM the process group, SIGKILL it if it has not exited after 10 s. */
export async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), sig);
    } catch {
      // The group is gone already.
    }
  };
  signal("SIGTERM");
  const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 10_000).unref())]);
  if (timedOut) {
    signal("SIGKILL");
    await exited;
  }
  // workerd may outlive wrangler's exit by a moment; make sure nothing of the group is left.
  signal("SIGKILL");
}
