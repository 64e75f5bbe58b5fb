#!/usr/bin/env node
// Build the browser client: bundle the pages and game modules with esbuild and
// copy web/public (and the API reference's script) into web-dist, which the
// worker serves as static assets.
// Run by `npm run build:web`, by `wrangler dev`/`wrangler deploy` ([build] in
// wrangler.toml) and before the tests.
import { build } from "esbuild";
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "web", "src");
const final = join(root, "web-dist");
// Built next to the served directory and swapped in at the end: a running `wrangler dev` serves
// web-dist, and deleting it in place while the build runs made it answer 500 in the meantime.
const out = join(root, `web-dist.tmp-${process.pid}`);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
cpSync(join(root, "web", "public"), out, { recursive: true });
// Entries: the generic pages (web/src/*-page.ts: the lobby and play.html; game-page.ts is their contract
// with the games, not a page) and one page module per
// game (web/src/games/<game-id>.ts → /js/games/<game-id>.js, which those pages import by URL).
// A game's helpers live in web/src/games/<game-id>/ and are bundled into its module, not entries.
const pages = existsSync(src) ? readdirSync(src).filter((f) => /^[a-z-]+-page\.ts$/.test(f) && f !== "game-page.ts").map((f) => join(src, f)) : [];
const gamesDir = join(src, "games");
const games = existsSync(gamesDir) ? readdirSync(gamesDir).filter((f) => /^[a-z0-9][a-z0-9-]*\.ts$/.test(f)).map((f) => join(gamesDir, f)) : [];
const entries = [...pages, ...games];
if (entries.length > 0) {
  await build({
    entryPoints: entries,
    bundle: true,
    format: "esm",
    target: "es2022",
    platform: "browser",
    outdir: join(out, "js"),
    outbase: src, // keeps games/<id>.ts at js/games/<id>.js
    splitting: true, // the pages share one chunk of SDK, protocol and zod, cached across pages
    sourcemap: true,
    minify: true,
    logLevel: "warning",
  });
}
// The API reference page (GET /api/docs) loads Scalar's standalone script from here, not from a CDN.
const scalar = join(root, "node_modules", "@scalar", "api-reference", "dist", "browser", "standalone.js");
if (!existsSync(scalar)) throw new Error(`build-web: ${scalar} is missing; run npm install`);
mkdirSync(join(out, "vendor"), { recursive: true });
cpSync(scalar, join(out, "vendor", "scalar-api-reference.js"));
const old = join(root, `web-dist.old-${process.pid}`);
if (existsSync(final)) renameSync(final, old);
renameSync(out, final);
rmSync(old, { recursive: true, force: true });
console.log(`edgeroom: built web client (${pages.length} pages, ${games.length} game modules) into web-dist`);
