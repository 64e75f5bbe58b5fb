/**
 * A CPU profile of the worker's JavaScript inside workerd, for benchmarks: miniflare's `inspectorPort`
 * exposes the isolate on the Chrome DevTools Protocol (targets at http://127.0.0.1:<port>/json); this
 * speaks Profiler.enable / start / stop over a plain WebSocket and aggregates the returned .cpuprofile
 * by function self time. Only JavaScript on the isolate's thread is seen: time workerd spends in C++
 * outside a JS frame (sockets, SQLite, the relay) shows as "(program)" or "(idle)".
 */
import { writeFileSync } from "node:fs";
import WebSocket from "ws";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Profiler {
  start(): Promise<void>;
  /** Stops, saves the raw profile to `file` (open it in Chrome DevTools) and returns it. */
  stop(file: string): Promise<CpuProfile>;
}

/** Connects to the first target of workerd's inspector (the project worker's isolate). */
export async function connectProfiler(inspectorPort: number, intervalUs = 1000): Promise<Profiler> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { id: string; title?: string; webSocketDebuggerUrl?: string }[];
  const target = targets.find((t) => t.webSocketDebuggerUrl && /edgeroom/.test(t.title ?? t.id)) ?? targets.find((t) => t.webSocketDebuggerUrl);
  if (!target?.webSocketDebuggerUrl) throw new Error(`no inspector target on port ${inspectorPort}: ${JSON.stringify(targets)}`);
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.on("message", (d) => {
    const msg = JSON.parse(String(d)) as { id?: number; result?: unknown; error?: { message: string } };
    if (msg.id === undefined) return;
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) p?.reject(new Error(msg.error.message));
    else p?.resolve(msg.result);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  // 1 ms sampling by default: fine enough for a burst of tens of seconds, small enough not to dominate it.
  await call("Profiler.setSamplingInterval", { interval: intervalUs });
  return {
    start: async () => void (await call("Profiler.start")),
    async stop(file) {
      const { profile } = (await call("Profiler.stop")) as { profile: CpuProfile };
      ws.close();
      writeFileSync(file, JSON.stringify(profile));
      return profile;
    },
  };
}

/** Self time per function (name and location), and the total sampled, in ms. */
export function selfTimes(profile: CpuProfile): { totalMs: number; rows: { fn: string; ms: number }[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const f = byId.get(id)?.callFrame;
    const key = f ? `${f.functionName || "(anonymous)"} ${f.url.split("/").pop() ?? ""}:${f.lineNumber + 1}` : "?";
    ms.set(key, (ms.get(key) ?? 0) + dt);
  });
  return { totalMs: total, rows: [...ms].map(([fn, v]) => ({ fn, ms: v })).sort((a, b) => b.ms - a.ms) };
}

/** Inclusive (total) time per function: a sample counts once for every distinct function on its stack. */
export function totalTimes(profile: CpuProfile): { fn: string; ms: number }[] {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)?.callFrame;
      if (!f) continue;
      const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").pop() ?? ""}:${f.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      ms.set(key, (ms.get(key) ?? 0) + dt);
    }
  });
  return [...ms].map(([fn, v]) => ({ fn, ms: v })).sort((a, b) => b.ms - a.ms);
}
