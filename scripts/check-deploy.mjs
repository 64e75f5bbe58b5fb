#!/usr/bin/env node
// `npm run check:deploy` (a stage of `npm test`): bundle the worker exactly as a deploy would
// (`wrangler deploy --dry-run`, which also runs the [build] command and reads every binding of
// wrangler.toml), fail on any bundling or configuration error, then measure the gzip size of the
// bundle and fail when it exceeds the budget. The budget keeps cold starts and upload size in check:
// a dependency that drags in a large library shows up here, not in production.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/**
 * gzip budget of the worker bundle, KiB (see README "Deploy"). Set at 160 when the bundle was 144 KiB;
 * raised to 185 with matchmaking (174 KiB): openskill and the @stdlib math it uses are ~16 KiB gzip of
 * that (erf/erfinv, a string formatter), the queue, ratings, codes and their schemas the rest.
 * Raised to 190 with the room directory (185.2 KiB): the room index object, the report and page
 * schemas and their two OpenAPI routes are ~4 KiB gzip. The operator actions and retention add
 * ~4 KiB more (the close/remove routes, their schemas and OpenAPI text, the core's operator part, R2
 * archiving, the stored counters): 189.7 KiB together. Raised to 200 so the real-time work that
 * follows (binary snapshots, liveness) fits; look at what grew (esbuild --metafile) before raising it
 * again. Cloudflare's limit is 3 MiB gzip (free plan). Raised to 205 when main stood at 199.0: the
 * matchmaking burst work (sharded player records, the one-upgrade queue join with its query schema
 * and OpenAPI text, the queue's ticket check) adds 2.4 KiB gzip. Raised to 207 when main stood at
 * 202.7: the allocation-free real-time loop (issue 12: reused effect batches, the snapshot writer's
 * views and the fan-out's array pool, the flat input queue) adds 2.3 KiB gzip: code, and the comments
 * that say why each reused buffer exists (the bundle keeps comments: it is not minified).
 */
export const BUDGET_KIB = 207;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const budget = Number(process.env["EDGEROOM_BUNDLE_BUDGET_KIB"] ?? BUDGET_KIB);
if (!Number.isFinite(budget) || budget <= 0) {
  console.error(`check-deploy: EDGEROOM_BUNDLE_BUDGET_KIB must be a positive number of KiB, got "${process.env["EDGEROOM_BUNDLE_BUDGET_KIB"]}"`);
  process.exit(2);
}
const outdir = mkdtempSync(join(tmpdir(), "edgeroom-deploy-"));
try {
  console.log("check-deploy: wrangler deploy --dry-run (bundling the worker and reading wrangler.toml)…");
  try {
    execFileSync(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", outdir], {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
    });
  } catch (err) {
    console.error(`check-deploy: wrangler deploy --dry-run failed; the worker would not deploy:\n${err.stdout ?? ""}${err.stderr ?? ""}`);
    process.exit(1);
  }
  // wrangler names the bundle after `main` (src/app/worker.ts → worker.js); there is exactly one.
  const scripts = readdirSync(outdir).filter((f) => f.endsWith(".js"));
  if (scripts.length !== 1) {
    console.error(`check-deploy: expected one bundled script in the dry-run output, found: ${scripts.join(", ") || "none"}`);
    process.exit(1);
  }
  const bundle = readFileSync(join(outdir, scripts[0]));
  const kib = (n) => n / 1024;
  const raw = kib(bundle.length);
  const gz = kib(gzipSync(bundle, { level: 9 }).length);
  console.log(`check-deploy: worker bundle ${raw.toFixed(1)} KiB, gzip ${gz.toFixed(1)} KiB (budget ${budget} KiB gzip)`);
  if (gz > budget) {
    console.error(`check-deploy: the gzip size ${gz.toFixed(1)} KiB exceeds the budget of ${budget} KiB. Find what grew (esbuild --metafile) or raise BUDGET_KIB in scripts/check-deploy.mjs with a reason.`);
    process.exit(1);
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
