#!/usr/bin/env node
/**
 * npm run test:starter — Edgeroom as another project sees it. Packs this repo (`npm pack`, whose
 * prepack runs build:lib), copies examples/starter to a temporary directory, installs the tarball
 * there with npm (the package's runtime dependencies come from the registry or npm's cache), links
 * the starter's dev tools (vitest, wrangler, the Workers vitest plugin, TypeScript, workers-types)
 * from this repo's node_modules instead of installing them again, then runs the starter's
 * typecheck, its workerd tests and `wrangler deploy --dry-run`. The copy only sees the package
 * through node_modules/edgeroom: nothing resolves into this repo's src/.
 *
 *   KEEP_STARTER=1 npm run test:starter   keeps the temporary directory for inspection
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const starterSrc = join(root, "examples/starter");
const started = Date.now();
const work = mkdtempSync(join(tmpdir(), "edgeroom-starter-"));
const app = join(work, "app");
const packDir = join(work, "pack");
const outDir = join(work, "dry-run");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1", FORCE_COLOR: "0" };

const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (line) => console.log(`[test:starter ${elapsed()}] ${line}`);

/** How a path reads in a progress line: relative to the copy, to the repo, or as is. */
function show(arg) {
  if (arg === process.execPath) return "node";
  if (arg.startsWith(app)) return relative(app, arg) || ".";
  if (arg.startsWith(root)) return relative(root, arg);
  return arg;
}

function run(label, command, args, cwd) {
  say(`${label}: ${[command, ...args].map(show).join(" ")}`);
  const t0 = Date.now();
  const r = spawnSync(command, args, { cwd, env: { ...env, PWD: cwd }, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`[test:starter] FAILED: ${label} (exit ${r.status ?? r.signal}); the copy is kept in ${work}`);
    process.exit(1);
  }
  say(`${label}: ok in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

const node = process.execPath;
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const bin = {
  tsc: join(root, "node_modules/typescript/bin/tsc"),
  vitest: join(root, "node_modules/vitest/vitest.mjs"),
  wrangler: join(root, "node_modules/wrangler/bin/wrangler.js"),
};

say(`working in ${work}`);

// 1. The tarball, exactly as `npm publish` would upload it (prepack builds dist/).
mkdirSync(packDir);
run("pack", npm, ["pack", "--pack-destination", packDir, "--loglevel", "warn"], root);
const tarball = readdirSync(packDir).find((f) => f.endsWith(".tgz"));
if (tarball === undefined) throw new Error("npm pack produced no tarball");
const tarballPath = join(packDir, tarball);

// 2. A copy of the starter that depends on the tarball; dev tools this repo already has are linked.
cpSync(starterSrc, app, { recursive: true, filter: (p) => !/[\\/](node_modules|\.wrangler|dist)$/.test(p) && !p.endsWith(".tgz") });
const pkg = JSON.parse(readFileSync(join(app, "package.json"), "utf8"));
pkg.dependencies = { ...pkg.dependencies, edgeroom: `file:${tarballPath}` };
const linked = [];
const devDeps = pkg.devDependencies ?? {};
for (const name of Object.keys(devDeps)) {
  if (existsSync(join(root, "node_modules", name, "package.json"))) {
    linked.push(name);
    delete devDeps[name];
  }
}
writeFileSync(join(app, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
run("install", npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel", "warn"], app);
for (const name of linked) {
  const target = join(app, "node_modules", name);
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(join(root, "node_modules", name), target, "dir");
}
const installed = JSON.parse(readFileSync(join(app, "node_modules/edgeroom/package.json"), "utf8"));
say(`installed edgeroom ${installed.version} from ${tarball}; linked from the repo: ${linked.join(", ") || "none"}`);

// An entry whose sources are not in this checkout (src/testing arrived separately) is not in the
// tarball: the starter's tests that import it are left out of this run, and said so.
for (const [key, value] of Object.entries(installed.exports ?? {})) {
  if (typeof value !== "object" || existsSync(join(app, "node_modules/edgeroom", value.default))) continue;
  const specifier = `edgeroom${key.slice(1)}`;
  const testDir = join(app, "test");
  for (const file of readdirSync(testDir)) {
    if (new RegExp(`from\\s*["']${specifier.replace(/[/.]/g, "\\$&")}["']`).test(readFileSync(join(testDir, file), "utf8"))) {
      rmSync(join(testDir, file));
      say(`${specifier} is not in this build (no src/${value.default.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts")}): skipping test/${file}`);
    }
  }
}

// 3. The package's .d.ts are self-contained: every entry it exports compiles with skipLibCheck off
//    and only @cloudflare/workers-types (its optional peer) for the runtime's types. Errors in other
//    packages' declarations are not ours to fix and are ignored; any inside edgeroom fail the check.
const entries = Object.entries(installed.exports ?? {})
  .filter(([key, value]) => typeof value === "object" && existsSync(join(app, "node_modules/edgeroom", value.types)) && key !== "./package.json")
  .map(([key]) => `edgeroom${key.slice(1)}`);
writeFileSync(join(app, "entries.check.ts"), entries.map((e, i) => `export * as e${i} from "${e}";`).join("\n") + "\n");
writeFileSync(
  join(app, "tsconfig.check.json"),
  JSON.stringify({
    compilerOptions: { target: "ES2022", module: "ES2022", moduleResolution: "Bundler", lib: ["ES2022"], types: ["@cloudflare/workers-types"], strict: true, skipLibCheck: false, noEmit: true },
    files: ["entries.check.ts"],
  }),
);
say(`declarations: checking ${entries.join(", ")}`);
const check = spawnSync(node, [bin.tsc, "-p", join(app, "tsconfig.check.json")], { cwd: app, env, encoding: "utf8" });
const ours = (check.stdout + check.stderr).split("\n").filter((l) => /node_modules\/edgeroom\/|entries\.check\.ts/.test(l));
if (ours.length > 0) {
  console.error(`[test:starter] FAILED: edgeroom's declarations do not compile on their own:\n${ours.join("\n")}`);
  process.exit(1);
}
say("declarations: ok");

// Every entry but the worker's own ("edgeroom", which imports cloudflare:workers) loads in plain Node.
const nodeEntries = entries.filter((e) => e !== "edgeroom");
const loaded = spawnSync(node, ["--input-type=module", "-e", nodeEntries.map((e) => `await import(${JSON.stringify(e)});`).join("")], { cwd: app, env, encoding: "utf8" });
if (loaded.status !== 0) {
  console.error(`[test:starter] FAILED: an entry does not load in Node:\n${loaded.stderr}`);
  process.exit(1);
}
say(`plain Node loads ${nodeEntries.join(", ")}`);

// 4. The starter's own checks, run as its package.json scripts would.
run("typecheck", node, [bin.tsc, "--noEmit", "-p", join(app, "tsconfig.json")], app);
run("workerd tests", node, [bin.vitest, "run", "--silent=passed-only"], app);
run("wrangler deploy --dry-run", node, [bin.wrangler, "deploy", "--dry-run", "--outdir", outDir], app);

// The bundle keeps the runtime's own module external and contains no path into this repo.
const bundle = readFileSync(join(outDir, "index.js"), "utf8");
if (!/from\s*["']cloudflare:workers["']/.test(bundle)) throw new Error("the bundle does not import cloudflare:workers as an external module");
if (bundle.includes(root)) throw new Error(`the bundle mentions ${root}: something resolved into the repo instead of the package`);
say(`bundle ${(bundle.length / 1024).toFixed(0)} KiB, cloudflare:workers external`);

if (process.env.KEEP_STARTER) say(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
say(`passed in ${elapsed()}`);
