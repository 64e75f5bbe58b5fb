/**
 * Where a real-time room's server CPU goes: 50 four-player runner rooms (bench bots, as in `npm run
 * bench`) on the project's worker, served on its own socket, with workerd's V8 inspector open; a CPU
 * profile of the worker isolate over a window, aggregated by function self time, beside the workerd
 * process's total CPU over the same window (so the share spent outside JavaScript shows).
 *
 * Usage: npx tsx bench/profile-room-tick.ts [rooms=50] [seconds=15]
 * Writes bench/results/room-tick-profile-latest.md.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import WebSocket from "ws";
import { Api } from "../test/support/api";
import { freePort } from "../test/support/wrangler-dev";
import { startWorker } from "../test/support/worker-server";
import type { Bot } from "./bot";
import { cpuMs, findServerTree } from "./proc";
import { GuestPool, openRooms, SEATS, sleep, waitForSnapshots } from "./rooms";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** A minimal Chrome DevTools Protocol client over one WebSocket. */
class Cdp {
  private next = 1;
  private readonly waiting = new Map<number, (result: unknown) => void>();
  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data)) as { id?: number; result?: unknown };
      if (msg.id !== undefined) this.waiting.get(msg.id)?.(msg.result);
    });
  }
  static async open(url: string): Promise<Cdp> {
    const ws = new WebSocket(url);
    await new Promise((r, j) => ws.once("open", r).once("error", j));
    return new Cdp(ws);
  }
  call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.next++;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((r) => this.waiting.set(id, (x) => r(x as T)));
  }
  close(): void {
    this.ws.close();
  }
}

async function main(): Promise<void> {
  const rooms = Number(process.argv[2] ?? 50);
  const seconds = Number(process.argv[3] ?? 15);
  const inspectorPort = await freePort();
  const server = await startWorker({ direct: true, inspectorPort, vars: { ALLOW_GUESTS: "true" }, outputLimit: 100_000 });
  const bots: Bot[] = [];
  try {
    const api = new Api((u, i) => fetch(u, i), server.base);
    const guests = await new GuestPool(api).take(rooms * SEATS);
    const opened = await openRooms(api, guests, rooms, { durationSeconds: 90 }, (b) => bots.push(b));
    await waitForSnapshots(opened, 30_000);
    await sleep(4_000); // past the countdown: racing
    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as { id: string; title: string; webSocketDebuggerUrl: string }[];
    const target = targets.find((t) => /edgeroom/.test(t.title)) ?? targets[0];
    if (!target) throw new Error("no inspector target");
    const cdp = await Cdp.open(target.webSocketDebuggerUrl ?? `ws://127.0.0.1:${inspectorPort}/${target.id}`);
    await cdp.call("Profiler.enable");
    await cdp.call("Profiler.setSamplingInterval", { interval: 200 });
    const pids = findServerTree(server.pid).workerd;
    const cpu0 = cpuMs(pids);
    await cdp.call("Profiler.start");
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const { profile } = await cdp.call<{ profile: Profile }>("Profiler.stop");
    const wallMs = performance.now() - t0;
    const cpu = cpuMs(pids) - cpu0;
    cdp.close();
    const report = summarize(profile, { rooms, wallMs, workerdCpuMs: cpu, targets: targets.map((t) => t.title) });
    process.stdout.write(report);
    writeFileSync(resolve(import.meta.dirname, "results", "room-tick-profile-latest.md"), report);
  } finally {
    for (const b of bots) b.close();
    await server.stop();
  }
}

function summarize(p: Profile, run: { rooms: number; wallMs: number; workerdCpuMs: number; targets: string[] }): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0)));
  const byFn = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const name = n.callFrame.functionName || "(anonymous)";
    if (name === "(idle)") continue;
    total += us;
    const file = n.callFrame.url.split("/").pop() ?? "";
    const key = `${name} ${file}:${n.callFrame.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  const roomTicks = (run.rooms * run.wallMs) / 50; // one loop tick per room per 50 ms
  const top = [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 40);
  const lines = [
    `# Room-tick CPU profile (${new Date().toISOString()})`,
    "",
    `${run.rooms} runner rooms × 4 bench bots, worker on its own socket, window ${Math.round(run.wallMs)} ms. Inspector targets: ${run.targets.join(", ")}.`,
    "",
    "V8's sampling profiler counts wall time between samples on the isolate's thread, which workerd",
    "shares with its other isolates and which the OS may deschedule: the sampled total is not CPU, so",
    "only the shares below are meaningful; the process CPU is from /proc (and includes the profiler's own cost).",
    "",
    `| Figure | Value |`,
    `|---|---|`,
    `| workerd process CPU in the window (profiler running) | ${Math.round(run.workerdCpuMs)} ms (${((run.workerdCpuMs * 1000) / roomTicks).toFixed(1)} µs per room-tick) |`,
    `| samples in JavaScript or native calls from it (not idle) | ${Math.round(total / 1000)} ms of wall time |`,
    "",
    `| Function (self time) | share of samples |`,
    `|---|---|`,
    ...top.map(([k, us]) => `| \`${k}\` | ${((100 * us) / Math.max(1, total)).toFixed(1)} % |`),
    "",
  ];
  return lines.join("\n");
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
