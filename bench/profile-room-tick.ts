/**
 * Where a real-time room's server CPU goes: 50 four-player runner rooms (bench bots, as in `npm run
 * bench`) on the project's worker, served on its own socket, with workerd's V8 inspector open; a CPU
 * profile of the worker isolate over a window, aggregated by function self time, beside the workerd
 * process's total CPU over the same window (so the share spent outside JavaScript shows).
 *
 * Usage: taskset -c 0 npx tsx bench/profile-room-tick.ts [rooms=50] [seconds=15] (the server is pinned to
 * SERVER_CPUS, default CPU 1, as in bench/profile-stalls.ts, so the bots here do not share its core).
 * Writes bench/results/room-tick-profile-latest.md.
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { Api } from "../test/support/api";
import { freePort } from "../test/support/wrangler-dev";
import { startWorker } from "../test/support/worker-server";
import type { Bot } from "./bot";
import { connectProfiler, selfTimes } from "./cpu-profile";
import { cpuMs, findServerTree } from "./proc";
import { GuestPool, openRooms, SEATS, sleep, waitForSnapshots } from "./rooms";

async function main(): Promise<void> {
  const rooms = Number(process.argv[2] ?? 50);
  const seconds = Number(process.argv[3] ?? 15);
  const inspectorPort = await freePort();
  const server = await startWorker({ direct: true, inspectorPort, vars: { ALLOW_GUESTS: "true" }, outputLimit: 100_000, cpus: process.env.SERVER_CPUS ?? "1" });
  const bots: Bot[] = [];
  try {
    const api = new Api((u, i) => fetch(u, i), server.base);
    const guests = await new GuestPool(api).take(rooms * SEATS);
    const opened = await openRooms(api, guests, rooms, { durationSeconds: 90 }, (b) => bots.push(b));
    await waitForSnapshots(opened, 30_000);
    await sleep(4_000); // past the countdown: racing
    const profiler = await connectProfiler(inspectorPort);
    const pids = findServerTree(server.pid).workerd;
    const cpu0 = cpuMs(pids);
    await profiler.start();
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const profile = await profiler.stop(resolve(tmpdir(), `room-tick-${Date.now()}.cpuprofile`));
    const wallMs = performance.now() - t0;
    const cpu = cpuMs(pids) - cpu0;
    const report = summarize(selfTimes(profile), { rooms, wallMs, workerdCpuMs: cpu });
    process.stdout.write(report);
    writeFileSync(resolve(import.meta.dirname, "results", "room-tick-profile-latest.md"), report);
  } finally {
    for (const b of bots) b.close();
    await server.stop();
  }
}

function summarize(times: ReturnType<typeof selfTimes>, run: { rooms: number; wallMs: number; workerdCpuMs: number }): string {
  const rows = times.rows.filter((r) => !r.fn.startsWith("(idle)"));
  const total = rows.reduce((n, r) => n + r.ms, 0);
  const roomTicks = (run.rooms * run.wallMs) / 50; // one loop tick per room per 50 ms
  const top = rows.slice(0, 40);
  const lines = [
    `# Room-tick CPU profile (${new Date().toISOString()})`,
    "",
    `${run.rooms} runner rooms × 4 bench bots, worker on its own socket, window ${Math.round(run.wallMs)} ms.`,
    "",
    "V8's sampling profiler counts wall time between samples on the isolate's thread, which workerd",
    "shares with its other isolates and which the OS may deschedule: the sampled total is not CPU, so",
    "only the shares below are meaningful; the process CPU is from /proc (and includes the profiler's own cost).",
    "",
    `| Figure | Value |`,
    `|---|---|`,
    `| workerd process CPU in the window (profiler running) | ${Math.round(run.workerdCpuMs)} ms (${((run.workerdCpuMs * 1000) / roomTicks).toFixed(1)} µs per room-tick) |`,
    `| samples in JavaScript or native calls from it (not idle) | ${Math.round(total)} ms of wall time |`,
    "",
    `| Function (self time) | share of samples |`,
    `|---|---|`,
    ...top.map((r) => `| \`${r.fn}\` | ${((100 * r.ms) / Math.max(1, total)).toFixed(1)} % |`),
    "",
  ];
  return lines.join("\n");
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
