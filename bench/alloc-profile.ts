/**
 * The heap of workerd's isolate through its inspector (Chrome DevTools Protocol), for the tick-jitter
 * investigation (bench/profile-stalls.ts, bench/floor-heap.ts): allocation sampling, the heap's used
 * size over time (each drop is a collection), and a heap snapshot summarised by constructor (with
 * SNAPSHOT_FILE the raw snapshot is also written there, for bench/heap-snapshot.ts).
 */
import { writeFileSync } from "node:fs";
import WebSocket from "ws";

interface Inspector {
  call(method: string, params?: object): Promise<unknown>;
  onEvent(handler: (method: string, params: unknown) => void): void;
  close(): void;
}

/** Connects to the project worker's isolate (the first target when none is named after it). */
async function inspector(port: number): Promise<Inspector> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as { id: string; title?: string; webSocketDebuggerUrl?: string }[];
  const target = targets.find((t) => t.webSocketDebuggerUrl && /edgeroom/.test(t.title ?? t.id)) ?? targets.find((t) => t.webSocketDebuggerUrl);
  if (!target?.webSocketDebuggerUrl) throw new Error(`no inspector target on port ${port}`);
  const ws = new WebSocket(target.webSocketDebuggerUrl, { maxPayload: 1 << 30 });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let events: (method: string, params: unknown) => void = () => {};
  ws.on("message", (d) => {
    const msg = JSON.parse(String(d)) as { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string } };
    if (msg.id === undefined) {
      if (msg.method) events(msg.method, msg.params);
      return;
    }
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) p?.reject(new Error(msg.error.message));
    else p?.resolve(msg.result);
  });
  return {
    call: (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    onEvent: (handler) => {
      events = handler;
    },
    close: () => ws.close(),
  };
}

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

/**
 * What keeps being sampled: `all` counts every allocation (also what minor and major GCs collected),
 * `survivors` what no scavenge collected (promoted, allocated in old space, or still alive), `live`
 * what is still alive at the end. Grouped by function (self) and by stack: the last four frames, or
 * with `roots` the first `roots` frames, or with `under` the three frames below that function.
 */
export async function sampleAllocations(
  port: number,
  ms: number,
  opts: { mode: "all" | "survivors" | "live"; intervalBytes?: number; roots?: number; under?: string },
): Promise<{ totalBytes: number; rows: { fn: string; bytes: number }[]; stacks: { stack: string; bytes: number }[] }> {
  const cdp = await inspector(port);
  await cdp.call("HeapProfiler.enable");
  await cdp.call("HeapProfiler.startSampling", {
    samplingInterval: opts.intervalBytes ?? 8192,
    includeObjectsCollectedByMajorGC: opts.mode !== "live",
    includeObjectsCollectedByMinorGC: opts.mode === "all",
  });
  await new Promise((r) => setTimeout(r, ms));
  const { profile } = (await cdp.call("HeapProfiler.stopSampling")) as { profile: { head: SamplingNode } };
  cdp.close();
  const self = new Map<string, number>();
  const stacks = new Map<string, number>();
  let total = 0;
  const key = (path: string[]): string => {
    if (opts.roots !== undefined) return path.slice(0, opts.roots).join(" > ") || "(root)";
    if (opts.under !== undefined) {
      const at = path.indexOf(opts.under);
      return at < 0 ? "(elsewhere)" : path.slice(at + 1, at + 4).join(" > ") || "(self)";
    }
    return path.slice(-4).join(" < ");
  };
  const walk = (n: SamplingNode, path: string[]) => {
    const f = n.callFrame;
    const name = `${f.functionName || "(anonymous)"}${f.url ? `:${f.lineNumber + 1}` : ""}`;
    const p = name === "(root)" ? path : [...path, name];
    if (n.selfSize > 0) {
      total += n.selfSize;
      self.set(name, (self.get(name) ?? 0) + n.selfSize);
      const k = key(p);
      stacks.set(k, (stacks.get(k) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c, p);
  };
  walk(profile.head, []);
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalBytes: total, rows: sorted(self).map(([fn, bytes]) => ({ fn, bytes })), stacks: sorted(stacks).map(([stack, bytes]) => ({ stack, bytes })) };
}

export interface HeapPoint {
  readonly t: number;
  readonly used: number;
  readonly total: number;
}

/** Runtime.getHeapUsage every `everyMs` for `ms`. */
export async function pollHeap(port: number, ms: number, everyMs: number): Promise<HeapPoint[]> {
  const cdp = await inspector(port);
  const out: HeapPoint[] = [];
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const r = (await cdp.call("Runtime.getHeapUsage")) as { usedSize: number; totalSize: number };
    out.push({ t: performance.now(), used: r.usedSize, total: r.totalSize });
    await new Promise((res) => setTimeout(res, everyMs));
  }
  cdp.close();
  return out;
}

/** Collections seen in a heap poll (a drop of used size), the allocation rate, and how much more is used after each than after the one before. */
export function heapSummary(h: readonly HeapPoint[]): string {
  const after: { t: number; used: number }[] = [];
  let rise = 0;
  for (let i = 1; i < h.length; i++) {
    const a = h[i - 1];
    const b = h[i];
    if (!a || !b) continue;
    if (b.used > a.used) rise += b.used - a.used;
    if (b.used < a.used - 100_000) after.push({ t: b.t, used: b.used });
  }
  const span = (h.at(-1)?.t ?? 0) - (h[0]?.t ?? 0);
  const mb = (b: number) => (b / 1e6).toFixed(1);
  return [
    `${after.length} collections in ${(span / 1000).toFixed(1)} s (one per ${(span / Math.max(1, after.length)).toFixed(0)} ms), allocation ≈ ${(rise / Math.max(1, span) / 1e3).toFixed(1)} MB/s`,
    `used after each (MB): ${after.map((x) => mb(x.used)).join(" ")}`,
  ].join("\n");
}

/** A heap snapshot (the runtime collects first: live objects only), self size by node type and constructor. */
export async function snapshotSummary(port: number): Promise<{ total: number; rows: { name: string; count: number; bytes: number }[] }> {
  const cdp = await inspector(port);
  const chunks: string[] = [];
  cdp.onEvent((method, params) => {
    if (method === "HeapProfiler.addHeapSnapshotChunk") chunks.push((params as { chunk: string }).chunk);
  });
  await cdp.call("HeapProfiler.enable");
  await cdp.call("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  cdp.close();
  const text = chunks.join("");
  const file = process.env["SNAPSHOT_FILE"];
  if (file) writeFileSync(file, text);
  const snap = JSON.parse(text) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const [iType, iName, iSize] = [fields.indexOf("type"), fields.indexOf("name"), fields.indexOf("self_size")];
  const types = snap.snapshot.meta.node_types[0];
  const by = new Map<string, { count: number; bytes: number }>();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType] ?? 0] ?? "?";
    const raw = snap.strings[snap.nodes[i + iName] ?? 0] ?? "?";
    const name = ["object", "native", "hidden", "code"].includes(type) ? `${type}:${raw.slice(0, 60)}` : type;
    const size = snap.nodes[i + iSize] ?? 0;
    total += size;
    const e = by.get(name) ?? { count: 0, bytes: 0 };
    e.count += 1;
    e.bytes += size;
    by.set(name, e);
  }
  return { total, rows: [...by].map(([name, v]) => ({ name, ...v })).sort((a, b) => b.bytes - a.bytes) };
}
