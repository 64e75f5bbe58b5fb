/**
 * The worker as the tests and benchmarks run it: `main` of wrangler.toml bundled
 * with esbuild (the bundler wrangler itself uses) into one ES module, plus the
 * Miniflare worker options wrangler derives from wrangler.toml (Durable Object
 * with SQLite, rate limiter, static assets, compatibility date and flags), so
 * the harness cannot drift from the deployed configuration. The deploy check
 * (scripts/check-deploy.mjs) covers wrangler's own bundling separately.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build, type BuildOptions } from "esbuild";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";

export const REPO = resolve(import.meta.dirname, "../..");

/** The bundle and its Miniflare options (plain JSON: they cross a process boundary). */
export interface WorkerConfig {
  readonly scriptPath: string;
  readonly workerOptions: Record<string, unknown>;
}

/** esbuild options that bundle for workerd as wrangler's bundler does (one ES module). */
export const WORKERD_BUNDLE = {
  bundle: true,
  format: "esm",
  target: "es2022",
  platform: "neutral",
  // Same resolution as wrangler's bundler for the workerd runtime.
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["module", "main"],
  // nodejs_compat: workerd provides node:* itself.
  external: ["cloudflare:*", "node:*"],
} as const satisfies BuildOptions;

/** Bundle `main` of the project's wrangler.toml (or `configPath`) into a fresh temporary directory. */
export async function bundleWorker(configPath = join(REPO, "wrangler.toml")): Promise<WorkerConfig> {
  const { workerOptions, main, define } = unstable_getMiniflareWorkerOptions(configPath);
  const config = unstable_readConfig({ config: configPath });
  if (!main) throw new Error(`${configPath} has no "main" entry`);
  const outdir = mkdtempSync(join(tmpdir(), "edgeroom-bundle-"));
  const scriptPath = join(outdir, "index.js");
  await build({
    ...WORKERD_BUNDLE,
    entryPoints: [main],
    outfile: scriptPath,
    define,
    // As `wrangler deploy` bundles, so tests and benchmarks run what deploys: wrangler.toml's minify
    // and keep_names, with wrangler's defaults (not minified, names kept).
    minify: config.minify ?? false,
    keepNames: config.keep_names ?? true,
    logLevel: "warning",
  });
  // `bindings` as derived also holds a developer's .dev.vars (wrangler dev semantics): keep only the
  // config's [vars] (the production defaults), so tests never depend on a local file; each server
  // adds its own values on top (worker-server.ts).
  const { assets, bindings: _withDevVars, ...rest } = workerOptions as Record<string, unknown> & { assets?: { directory?: string } };
  const bindings = config.vars;
  const withAssets = assets?.directory && existsSync(assets.directory) ? { assets } : {};
  return { scriptPath, workerOptions: { ...rest, bindings, ...withAssets } };
}

let cached: Promise<WorkerConfig> | undefined;

/**
 * One bundle per test process: a restart reuses it, so a server restarted by a
 * fault test runs the same code even if someone edits src/ meanwhile.
 */
export function projectWorker(): Promise<WorkerConfig> {
  cached ??= bundleWorker();
  return cached;
}
