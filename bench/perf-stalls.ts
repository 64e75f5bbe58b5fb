/**
 * What ran on the server's core during each stall the clients saw (bench/results/tick-jitter-2026-12-06.md).
 * Inputs: the stall windows `bench/profile-stalls.ts` wrote (BURSTS_FILE: "from to rooms" in epoch ms)
 * and `perf script -F comm,tid,time,ip,sym` of a `perf record -k CLOCK_REALTIME -C 1 -g` taken over
 * the same window (every process on the server's CPU, wall-clock stamps). Each sample is classed by
 * process and stack (V8's collector by phase, workerd's C++ heap, SQLite, socket sends, other
 * JavaScript and runtime work, other processes, idle); per stall, the milliseconds of each class.
 *
 * Usage: npx tsx bench/perf-stalls.ts <bursts file> <perf script output> [sample interval ms, default 0.5]
 */
import { readFileSync } from "node:fs";

interface Sample {
  readonly comm: string;
  readonly at: number;
  readonly frames: string[];
}

const WORKERD_THREADS = new Set(["workerd", "V8 DefaultWorke"]);

/** `perf script` output: a header line per sample ("comm tid time:"), then one frame per indented line. */
export function parsePerfScript(text: string): Sample[] {
  const out: Sample[] = [];
  let cur: Sample | null = null;
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      if (cur) out.push(cur);
      cur = null;
      continue;
    }
    if (!/^\s/.test(line)) {
      const m = /^\s*(.*?)\s+\d+\s+([\d.]+):/.exec(line);
      cur = m ? { comm: m[1] ?? "?", at: Number(m[2]) * 1000, frames: [] } : null;
      continue;
    }
    cur?.frames.push(line.trim().split(" ").slice(1).join(" "));
  }
  if (cur) out.push(cur);
  return out.sort((a, b) => a.at - b.at);
}

export function classify(s: Sample): string {
  if (s.comm === "swapper") return "idle";
  if (!WORKERD_THREADS.has(s.comm)) return `other process (${s.comm})`;
  const j = s.frames.join(" ");
  if (j.includes("cppgc::internal::Sweeper")) return "cppgc sweep";
  if (j.includes("cppgc")) return "cppgc other";
  if (/Scaveng|ProcessWeakYoungObjects|ParallelWeakHandles/.test(j)) return "V8 scavenge";
  if (j.includes("MarkCompactCollector")) return "V8 mark-compact (atomic)";
  if (/IncrementalMarking|ConcurrentMarking/.test(j)) return "V8 incremental marking";
  if (/Sweeper|ArrayBufferSweeper/.test(j)) return "V8 sweep";
  if (j.includes("Heap::")) return "V8 heap other";
  if (j.includes("sqlite3")) return "SQLite";
  if (/WebSocket::send|WebSocket::pump|tcp_|ip_/.test(j)) return "socket sends";
  return "JS and runtime";
}

function main(): void {
  const [burstsFile, perfFile, interval = "0.5"] = process.argv.slice(2);
  if (!burstsFile || !perfFile) throw new Error("usage: perf-stalls.ts <bursts file> <perf script output> [sample interval ms]");
  const stepMs = Number(interval);
  const samples = parsePerfScript(readFileSync(perfFile, "utf8"));
  const first = samples[0]?.at ?? 0;
  const last = samples.at(-1)?.at ?? 0;
  const windows = readFileSync(burstsFile, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => l.split(" ").map(Number))
    .filter(([from, to]) => from !== undefined && to !== undefined && from >= first && to <= last);
  const total = new Map<string, number>();
  const rows: string[] = [];
  for (const [from = 0, to = 0, rooms = 0] of windows) {
    const by = new Map<string, number>();
    for (const s of samples) if (s.at >= from && s.at <= to) by.set(classify(s), (by.get(classify(s)) ?? 0) + stepMs);
    for (const [k, v] of by) total.set(k, (total.get(k) ?? 0) + v);
    const top = [...by].sort((a, b) => b[1] - a[1]).slice(0, 5);
    rows.push(`| ${(to - from).toFixed(0)} | ${rooms} | ${top.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ")} |`);
  }
  const whole = new Map<string, number>();
  for (const s of samples) whole.set(classify(s), (whole.get(classify(s)) ?? 0) + stepMs);
  const fmt = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v.toFixed(0)}`)
      .join(", ");
  process.stdout.write(
    [
      `${windows.length} stalls within the ${((last - first) / 1000).toFixed(1)} s recorded.`,
      "",
      "| stall ms | rooms late | on the core (ms) |",
      "|---|---|---|",
      ...rows,
      "",
      `In the stalls (ms): ${fmt(total)}`,
      `Whole recording (ms): ${fmt(whole)}`,
      "",
    ].join("\n"),
  );
}

main();
