/**
 * What a bundle keeps alive in workerd's isolate by being loaded (issue 12: the fixed part of the live
 * heap every full collection marks). Builds each entry as the tests build the worker (esbuild, minified
 * as deployed), loads it into one isolate with Edgeroom's compatibility settings next to a trivial
 * fetch handler that keeps its namespace, answers one request, and takes a heap snapshot (V8 collects
 * first) through workerd's inspector: total bytes and nodes. The empty isolate is the baseline.
 * Entries (ENTRIES below): the deployed worker, a rooms-only worker (the room Durable Object and the
 * games, none of the HTTP side: what a script of its own bound by `script_name` would hold) and parts.
 * Usage: [TOP=n] npx tsx bench/bundle-heap.ts [name ...]   (default: all; TOP=n also prints the n
 * largest node types of each; results: bundle-heap-2026-12-07.md)
 */
import { join } from "node:path";
import { build } from "esbuild";
import { Log, LogLevel, Miniflare } from "miniflare";
import { unstable_readConfig } from "wrangler";
import { snapshotSummary } from "./alloc-profile";
import { freePort } from "../test/support/wrangler-dev";
import { REPO, WORKERD_BUNDLE } from "../test/support/worker-bundle";

const wrangler = unstable_readConfig({ config: join(REPO, "wrangler.toml") });
const { compatibility_date: compatibilityDate, compatibility_flags: compatibilityFlags } = wrangler;

/** Each entry's source, resolved from the repository root; it keeps what it imports reachable. */
const ENTRIES: Record<string, string> = {
  worker: `export * from "./src/app/worker"; export { default } from "./src/app/worker";`,
  rooms: [
    `import { GameRegistry } from "./src/games/registry";`,
    `import { RoomHost } from "./src/room/host/room-object";`,
    `import { games } from "./src/app/games";`,
    `const registry = new GameRegistry(games);`,
    `export class RoomObject extends RoomHost { constructor(ctx, env) { super(ctx, env, registry); } }`,
  ].join("\n"),
  "room-core": `export * from "./src/room/core/room-core";`,
  protocol: `export * as schemas from "./src/protocol/schemas"; export * as codec from "./src/protocol/codec";`,
  games: `import { GameRegistry } from "./src/games/registry"; import { games } from "./src/app/games"; export const registry = new GameRegistry(games);`,
  msgpackr: `export * from "msgpackr";`,
  "zod (whole namespace)": `export * as z from "zod";`,
};

async function bundle(entry: string): Promise<string> {
  const out = await build({
    stdin: { contents: entry, resolveDir: REPO, sourcefile: "entry.ts", loader: "ts" },
    ...WORKERD_BUNDLE,
    write: false,
    minify: true,
    keepNames: false,
    logLevel: "warning",
  });
  return out.outputFiles[0]?.text ?? "";
}

async function measure(label: string, source: string | null): Promise<void> {
  const port = await freePort();
  const modules = [
    {
      type: "ESModule" as const,
      path: "main.js",
      contents: source === null ? `export default { fetch: () => new Response("ok") };` : `import * as b from "./bundle.js";\nglobalThis.kept = b;\nexport default { fetch: () => new Response("ok") };`,
    },
    ...(source === null ? [] : [{ type: "ESModule" as const, path: "bundle.js", contents: source }]),
  ];
  const mf = new Miniflare({ modules, modulesRoot: "/", compatibilityDate, compatibilityFlags, inspectorPort: port, log: new Log(LogLevel.WARN) });
  try {
    await (await mf.dispatchFetch("http://localhost/")).text();
    const s = await snapshotSummary(port);
    const nodes = s.rows.reduce((n, r) => n + r.count, 0);
    console.log(`${label}: ${(s.total / 1e6).toFixed(2)} MB in ${nodes} nodes${source === null ? "" : `, bundle ${(source.length / 1e3).toFixed(0)} KB`}`);
    for (const r of s.rows.slice(0, Number(process.env["TOP"] ?? 0))) console.log(`  ${r.name}: ${r.count} nodes, ${(r.bytes / 1e3).toFixed(1)} KB`);
  } finally {
    await mf.dispose();
  }
}

const names = process.argv.slice(2);
await measure("empty isolate", null);
for (const name of names.length > 0 ? names : Object.keys(ENTRIES)) {
  const source = ENTRIES[name];
  if (source === undefined) throw new Error(`unknown entry ${name}: one of ${Object.keys(ENTRIES).join(", ")}`);
  await measure(name, await bundle(source));
}
