/**
 * What holds workerd's one thread under many real-time rooms (issue 12, "rooms per core";
 * bench/results/tick-jitter-2026-12-06.md). N four-player runner rooms (bench bots, in this process)
 * on the project's worker (the working tree), the server pinned to CPU 1 as in `npm run bench`, its
 * SQLite files on /dev/shm, and workerd's inspector open. One mode per run:
 *
 * - default: each room's state lateness over the window (bench/stalls.ts) and the client gaps. With
 *   PID_FILE the workerd pids are written when the window opens (for `perf record -p` alongside).
 *   Lines the worker logs that contain DIAG_ (a temporary probe patched into the loop) or that V8
 *   prints for --trace-gc/--trace-gc-nvp (EDGEROOM_V8_FLAGS, see the results file) are kept: the last
 *   ones printed, all of them written to DIAG_FILE / GC_FILE. With BURSTS_FILE the thread-wide stalls
 *   the clients saw are written as wall-clock windows (epoch ms, one "from to rooms" line each), for
 *   `bench/perf-stalls.ts` to say what ran on the server's core during each.
 * - HEAP=1: Runtime.getHeapUsage every 10 ms: collections, allocation rate, used size after each.
 * - ALLOC=all|survivors|live: allocation sampling (bench/alloc-profile.ts); ALLOC_ROOTS=n groups by
 *   the first n frames, ALLOC_UNDER=fn by the frames below fn; SAMPLING=bytes (default 8192).
 * - SNAPSHOT=1: a heap snapshot by constructor, taken once racing (with SNAPSHOT_AFTER=s, s seconds
 *   later: a racing room's heap grows through its first ~30 s).
 *
 * OUTPUT_FILE=path writes everything the server printed (V8 traces from EDGEROOM_V8_FLAGS, see
 * bench/results/tick-jit-2026-12-07.md).
 * Usage: ROOMS=150 SECONDS=15 [mode] npx tsx bench/profile-stalls.ts (run it under `taskset -c 0`).
 * Writes bench/results/stalls-latest.md (lateness) or prints (other modes).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Api } from "../test/support/api";
import { freePort } from "../test/support/wrangler-dev";
import { startWorker } from "../test/support/worker-server";
import { heapSummary, pollHeap, sampleAllocations, snapshotSummary } from "./alloc-profile";
import type { Bot } from "./bot";
import { cpuMs, findServerTree } from "./proc";
import { GuestPool, openRooms, SEATS, sleep, waitForSnapshots } from "./rooms";
import { burstWindows, lateness, latenessText } from "./stalls";

const env = (name: string): string | undefined => process.env[name];
const mb = (b: number) => (b / 1e6).toFixed(1);

async function main(): Promise<void> {
  const rooms = Number(env("ROOMS") ?? 150);
  const seconds = Number(env("SECONDS") ?? 15);
  const inspectorPort = await freePort();
  const state = mkdtempSync(join(env("BENCH_STATE_DIR") ?? "/dev/shm", "edgeroom-stalls-"));
  const server = await startWorker({
    direct: true,
    inspectorPort,
    vars: { ALLOW_GUESTS: "true" },
    // V8's GC traces are long lines; keep them all.
    outputLimit: 20_000_000,
    persistDir: state,
    cpus: env("SERVER_CPUS") ?? "1",
  });
  const bots: Bot[] = [];
  try {
    const api = new Api((u, i) => fetch(u, i), server.base);
    const guests = await new GuestPool(api).take(rooms * SEATS);
    const opened = await openRooms(api, guests, rooms, { durationSeconds: 90 }, (b) => bots.push(b));
    await waitForSnapshots(opened, 60_000);
    await sleep(4_000); // past the countdown: racing
    const pids = findServerTree(server.pid).workerd;
    const pidFile = env("PID_FILE");
    if (pidFile) writeFileSync(pidFile, pids.join(" "));
    process.stdout.write(await measure(inspectorPort, rooms, seconds, bots, opened.map((r) => r.bots[0]), pids, server.output));
  } finally {
    for (const b of bots) b.close();
    await server.stop();
    rmSync(state, { recursive: true, force: true });
  }
}

async function measure(port: number, rooms: number, seconds: number, bots: readonly Bot[], drivers: readonly (Bot | undefined)[], pids: readonly number[], output: () => string): Promise<string> {
  if (env("HEAP")) return `${heapSummary(await pollHeap(port, seconds * 1000, 10))}\n`;
  const alloc = env("ALLOC");
  if (alloc === "all" || alloc === "survivors" || alloc === "live") {
    const under = env("ALLOC_UNDER");
    const roots = env("ALLOC_ROOTS");
    const a = await sampleAllocations(port, seconds * 1000, { mode: alloc, intervalBytes: Number(env("SAMPLING") ?? 8192), ...(roots ? { roots: Number(roots) } : {}), ...(under ? { under } : {}) });
    return [
      `Sampled (${alloc}) ${mb(a.totalBytes)} MB in ${seconds} s (${mb(a.totalBytes / seconds)} MB/s) with ${rooms} rooms; by function (self):`,
      ...a.rows.slice(0, 30).map((r) => `- ${mb(r.bytes)} MB ${r.fn}`),
      "By stack:",
      ...a.stacks.slice(0, 30).map((r) => `- ${mb(r.bytes)} MB ${r.stack}`),
      "",
    ].join("\n");
  }
  if (env("SNAPSHOT")) {
    await sleep(Number(env("SNAPSHOT_AFTER") ?? 0) * 1000);
    const s = await snapshotSummary(port);
    return [`Live heap ${mb(s.total)} MB with ${rooms} rooms:`, ...s.rows.filter((r, i) => i < 45 || /Weak|Ephemeron/.test(r.name)).map((r) => `- ${(r.bytes / 1e3).toFixed(0)} KB ${r.count}× ${r.name}`), ""].join("\n");
  }
  const cpu0 = cpuMs(pids);
  const snaps0 = bots.map((b) => b.snaps.length);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const wallMs = performance.now() - t0;
  const cpu = cpuMs(pids) - cpu0;
  const gaps: number[] = [];
  bots.forEach((b, i) => {
    const s = b.snaps.slice(snaps0[i]);
    for (let k = 1; k < s.length; k++) gaps.push((s[k]?.at ?? 0) - (s[k - 1]?.at ?? 0));
  });
  gaps.sort((a, b) => a - b);
  const p = (q: number) => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))] ?? NaN;
  const lines = output().split("\n");
  const diag = lines.filter((l) => l.includes("DIAG_"));
  const gc = lines.filter((l) => /Scavenge|Mark-Compact|Mark-Sweep| GC: /.test(l));
  const diagFile = env("DIAG_FILE");
  const gcFile = env("GC_FILE");
  if (diagFile) writeFileSync(diagFile, diag.join("\n"));
  if (gcFile) writeFileSync(gcFile, gc.join("\n"));
  // OUTPUT_FILE: everything the server printed (e.g. V8's --trace-opt/--trace-deopt lines).
  const outputFile = env("OUTPUT_FILE");
  if (outputFile) writeFileSync(outputFile, output());
  const drivenStates = drivers.map((b) => (b ? b.snaps.filter((x) => x.at >= t0) : []));
  const burstsFile = env("BURSTS_FILE");
  // performance.now() + timeOrigin is wall-clock time, as perf's CLOCK_REALTIME stamps are.
  if (burstsFile) writeFileSync(burstsFile, burstWindows(drivenStates).map((w) => `${(performance.timeOrigin + w.from).toFixed(1)} ${(performance.timeOrigin + w.to).toFixed(1)} ${w.rooms}`).join("\n"));
  const report = [
    `# State lateness under ${rooms} runner rooms (${new Date().toISOString()})`,
    "",
    `Window ${Math.round(wallMs)} ms; workerd CPU ${Math.round(cpu)} ms (${(cpu / wallMs).toFixed(2)} core).`,
    `Client gaps (bots in this process, indicative): p50 ${p(0.5).toFixed(1)}, p99 ${p(0.99).toFixed(1)}, p99.9 ${p(0.999).toFixed(1)}, max ${p(1).toFixed(1)} ms over ${gaps.length}.`,
    latenessText(lateness(drivenStates), rooms),
    ...(diag.length > 0 ? ["", "Server probe (last lines):", ...diag.slice(-10).map((l) => l.replace(/ late=.*/, ""))] : []),
    ...(gc.length > 0 ? ["", `V8 GC trace: ${gc.length} lines${gcFile ? ` in ${gcFile}` : ""}.`] : []),
    "",
  ].join("\n");
  writeFileSync(resolve(import.meta.dirname, "results", "stalls-latest.md"), report);
  return report;
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
