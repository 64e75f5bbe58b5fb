#!/usr/bin/env node
// CI check that package-lock.json is in sync with package.json: `npm install --package-lock-only`
// (no node_modules, no install scripts; it only asks the registry for metadata) on a copy of both
// files must leave the lock byte-for-byte unchanged. `npm ci` alone accepts a lock that lacks other
// platforms' optional packages; this also fails then, so a fresh clone on macOS or Windows keeps working.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(join(tmpdir(), "edgeroom-lock-"));
try {
  for (const f of ["package.json", "package-lock.json"]) copyFileSync(join(root, f), join(dir, f));
  execFileSync("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, stdio: "inherit" });
  const before = readFileSync(join(root, "package-lock.json"), "utf8");
  const after = readFileSync(join(dir, "package-lock.json"), "utf8");
  if (before !== after) {
    const a = before.split("\n");
    const b = after.split("\n");
    const first = a.findIndex((line, i) => line !== b[i]);
    console.error(`check-lock: package-lock.json is out of sync with package.json (first difference at line ${first + 1}).`);
    console.error("Run `npm install` and commit package-lock.json.");
    process.exit(1);
  }
  console.log("check-lock: package-lock.json is in sync with package.json.");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
