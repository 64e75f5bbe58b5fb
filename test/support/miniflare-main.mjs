#!/usr/bin/env node
// Child process of test/support/worker-server.ts: starts the bundled worker with miniflare's API and
// relays workerd's stdout/stderr (the room's JSON log lines) to its own. Running miniflare in a child
// of its own (not inside the test process) lets a test SIGKILL the whole process group at once,
// workerd included, the way a crash or an eviction would end it; no shutdown code runs.
//
// argv[2]: path of a JSON file with { options } (Miniflare options without functions).
// Prints one line `EDGEROOM_READY <url>` once the worker answers; SIGTERM disposes and exits.
// SIGUSR2 reloads the worker (miniflare's setOptions, re-reading the bundle from disk: what wrangler
// dev does when a source file changes) and prints `EDGEROOM_RELOADED <n> <url>` once it answers again.
import { readFileSync } from "node:fs";
import { Log, LogLevel, Miniflare } from "miniflare";

const { options } = JSON.parse(readFileSync(process.argv[2], "utf8"));
const fullOptions = () => ({
  ...options,
  log: new Log(LogLevel.WARN),
  handleRuntimeStdio(stdout, stderr) {
    stdout.pipe(process.stdout);
    stderr.pipe(process.stderr);
  },
});
const mf = new Miniflare(fullOptions());
const url = await mf.ready;
// With unsafeDirectSockets, the worker's own socket (no miniflare entry worker in front) is printed first.
if (options.unsafeDirectSockets) process.stdout.write(`EDGEROOM_DIRECT ${(await mf.unsafeGetDirectURL()).origin}\n`);
process.stdout.write(`EDGEROOM_READY ${url.origin}\n`);

let reloads = 0;
let reloading = Promise.resolve();
process.on("SIGUSR2", () => {
  reloading = reloading.then(async () => {
    await mf.setOptions(fullOptions());
    const again = await mf.ready;
    reloads += 1;
    process.stdout.write(`EDGEROOM_RELOADED ${reloads} ${again.origin}\n`);
  });
});

let disposing = false;
process.on("SIGTERM", () => {
  if (disposing) return;
  disposing = true;
  mf.dispose().finally(() => process.exit(0));
});
