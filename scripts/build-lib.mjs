#!/usr/bin/env node
/**
 * npm run build:lib — the importable package: src/ → dist/ with tsc (tsconfig.build.json), ES modules
 * and .d.ts. The sources import extensionless ("./rules", "../protocol"), which bundlers resolve but
 * Node's ESM loader and `moduleResolution: node16/nodenext` do not, so every relative specifier in the
 * emitted .js and .d.ts is rewritten to the file it names ("./rules.js", "../protocol/index.js").
 * Then the output is checked: every relative import resolves inside dist/, and every bare import is
 * a declared dependency or peer (or a runtime module such as `cloudflare:workers`, left external).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const started = Date.now();

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")], { stdio: "inherit", cwd: root });

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}

// `from "x"`, `import "x"`, `import("x")` (the last appears in .d.ts files).
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])([^"'\n]+)\2/g;
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
const problems = [];
let files = 0;
let rewritten = 0;

function packageName(spec) {
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function resolveRelative(file, spec, ext) {
  const base = resolve(dirname(file), spec);
  if (existsSync(base) && statSync(base).isFile()) return spec;
  if (existsSync(`${base}${ext}`)) return `${spec}.js`;
  if (existsSync(join(base, `index${ext}`))) return `${spec.replace(/\/$/, "")}/index.js`;
  return null;
}

for (const file of walk(dist)) {
  const ext = file.endsWith(".d.ts") ? ".d.ts" : file.endsWith(".js") ? ".js" : null;
  if (ext === null) continue;
  files++;
  const text = readFileSync(file, "utf8");
  const out = text.replace(SPECIFIER, (whole, lead, quote, spec) => {
    if (spec.startsWith(".")) {
      const target = resolveRelative(file, spec.replace(/\.js$/, ""), ext);
      if (target === null) {
        problems.push(`${relative(root, file)}: "${spec}" resolves to nothing in dist/`);
        return whole;
      }
      if (target !== spec) rewritten++;
      return `${lead}${quote}${target}${quote}`;
    }
    if (spec.startsWith("cloudflare:") || spec.startsWith("node:")) return whole; // provided by the runtime
    if (!declared.has(packageName(spec))) problems.push(`${relative(root, file)}: imports "${spec}", not a dependency or peerDependency`);
    return whole;
  });
  if (out !== text) writeFileSync(file, out);
}

if (problems.length > 0) {
  console.error(`build:lib: ${problems.length} problem(s) in dist/:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`build:lib: ${files} files in dist/ (${rewritten} relative specifiers made explicit) in ${Date.now() - started} ms`);
