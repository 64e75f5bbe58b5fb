/**
 * The server under test: the worker of a wrangler config, bundled with
 * esbuild and run by miniflare's API (test/support/worker-server.ts) on a free
 * loopback port, with no `wrangler dev` proxy in front, from a frozen copy of
 * the sources in a temporary directory (a git revision, or the working tree):
 * edits made during a run cannot reach it. The copy leaves out the web client
 * ([build] and [assets] are dropped from wrangler.toml): the benchmark only
 * uses /api/*.
 */
import { execFileSync, type ChildProcess } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bundleWorker } from "../test/support/worker-bundle";
import { startWorker } from "../test/support/worker-server";

export interface BenchServer {
  readonly base: string;
  /** pid of the miniflare process; workerd runs among its descendants (changes on restart). */
  readonly pid: number;
  readonly root: string;
  readonly output: () => string;
  stop(): Promise<void>;
  /** SIGKILL the runtime (a crash or eviction of every object), then start it again on the same state and port. */
  killAndRestart(): Promise<void>;
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
  /** Worker vars, added to the development values (AUTH_SECRET, ALLOW_GUESTS) the harness always gives. */
  readonly vars?: Readonly<Record<string, string>>;
  /** Run miniflare (and so workerd) under `taskset -c <cpus>`. */
  readonly cpus?: string;
  /** Take src/ and wrangler.toml from this git revision instead of the working tree. */
  readonly gitRev?: string;
  /** Serve on the worker's own socket, without miniflare's entry worker relaying every frame (worker-server.ts). */
  readonly direct?: boolean;
}

/** `base`: where the snapshot and the Durable Objects' SQLite files live. */
export async function startBenchServer(base = tmpdir(), timeoutMs = 60_000, opts: BenchServerOptions = {}): Promise<BenchServer> {
  const repo = resolve(import.meta.dirname, "..");
  const root = snapshotProject(repo, opts.base ?? base, opts.extraDirs ?? [], opts.gitRev);
  try {
    const worker = await bundleWorker(join(root, opts.config ?? "wrangler.toml"));
    const start = (port?: number) =>
      startWorker({
        worker,
        persistDir: join(root, "state"),
        // On top of the development values (extra vars are harmless to another system's worker).
        vars: opts.vars,
        cpus: opts.cpus,
        outputLimit: 200_000,
        timeoutMs: opts.timeoutMs ?? timeoutMs,
        port,
        direct: opts.direct,
      });
    let server = await start();
    return {
      base: server.base,
      get pid() {
        return server.pid;
      },
      root,
      output: () => server.output(),
      stop: async () => {
        await server.stop();
        rmSync(root, { recursive: true, force: true });
      },
      killAndRestart: async () => {
        await server.kill();
        server = await start(server.port);
      },
    };
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
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
