/** Rendering: the stdout table, the markdown summary and the results files. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CostModel } from "./cost";
import type { Machine } from "./proc";
import type { StepResult } from "./step";
import { fmt } from "./stats";
import type { Headline } from "./summary";

export interface BenchResults {
  readonly version: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly runtimeSeconds: number;
  readonly machine: Machine;
  readonly config: Record<string, unknown>;
  readonly server: { readonly workerdPids: readonly number[]; readonly idleCpuMsPerSecond: number; readonly rss0Bytes: number };
  readonly headline: Headline | null;
  readonly steps: readonly StepResult[];
  readonly errors: readonly string[];
  readonly notes: readonly string[];
  readonly needsServerEndpoint: readonly string[];
}

type Row = readonly string[];

function textTable(head: Row, rows: readonly Row[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: Row) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

function mdTable(head: Row, rows: readonly Row[]): string {
  const esc = (c: string) => c.replace(/\|/g, "\\|");
  return [`| ${head.map(esc).join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`)].join("\n");
}

const mb = (b: number) => fmt(b / 2 ** 20, 1);
const kb = (b: number) => fmt(b / 1024, 0);

function headlineRows(h: Headline): Row[] {
  const b = h.bandwidth;
  const j = h.jitter;
  const c = h.cpu;
  const big = c.largestPassingStep;
  const cap = h.capacity;
  const cost = h.cost;
  const part = (prefix: string) => cost.lines.filter((l) => l.item.startsWith(prefix)).reduce((s, l) => s + l.dollars, 0);
  return [
    ["1", "bytes per client per tick (snapshot payload)", `${fmt(b.bytesPerClientPerTick, 2)} B/tick; ${fmt(b.bytesPerSnapshot, 1)} B/snapshot (keyframe ${fmt(b.keyframeBytes, 0)} B); ${fmt(b.snapBytesPerClientPerSecond, 0)} B/s snapshots, ${fmt(b.allBytesPerClientPerSecond, 0)} B/s all frames down, ${fmt(b.upBytesPerClientPerSecond, 0)} B/s up`, "measured (client)"],
    ["2", "snapshot jitter |interval − 50 ms| p50/p99/max", `${fmt(j.jitterMs.p50, 2)} / ${fmt(j.jitterMs.p99, 2)} / ${fmt(j.jitterMs.max, 2)} ms; skipped ticks ${j.skippedTicks} (${j.gaps} gaps) in ${j.snapshots} snapshots`, "measured (client)"],
    ["3", "input → ack latency p50/p99", `${fmt(h.ack.ackMs.p50, 2)} / ${fmt(h.ack.ackMs.p99, 2)} ms (${h.ack.inputs} inputs, ${h.ack.unacked} unacked)`, "measured (client)"],
    ["4", "workerd CPU per room-tick", `${fmt(c.baselineUsPerRoomTick, 1)} µs gross, ${fmt(c.baselineUsPerRoomTickNet, 1)} µs net of idle (1 room)${big ? `; ${fmt(big.usPerRoomTick, 1)} / ${fmt(big.usPerRoomTickNet, 1)} µs at ${big.rooms} rooms` : ""}; all windows ${fmt(c.allWindowsUsPerRoomTick, 1)} / ${fmt(c.allWindowsUsPerRoomTickNet, 1)} µs`, "measured (/proc)"],
    ["5", `4-player rooms at 20 Hz with p99 lateness < ${cap.limitMs} ms`, `${cap.rooms ?? "none"} (stopped: ${cap.stoppedBecause}); 1 room: p99 ${fmt(j.latenessMs.p99, 2)} ms, ${fmt(j.latenessBestMs.p99, 2)} ms min-anchored${cap.decidedByUnreliableStep ? " [load generator limited]" : ""}${cap.noisy ? " [machine busy with other processes]" : ""}`, "measured (client)"],
    ["6", "workerd RSS per room, (RSS_n − RSS_0)/n", `${h.memory.perRoomBytes === null ? "n/a" : `${kb(h.memory.perRoomBytes)} KiB`} at ${h.memory.perStep[h.memory.perStep.length - 1]?.rooms ?? 0} rooms (RSS_0 ${mb(h.memory.rss0Bytes)} MiB); marginal ${h.memory.marginalPerRoomBytes === null ? "n/a" : `${kb(h.memory.marginalPerRoomBytes)} KiB`} (RSS growth during that step ÷ n)`, "measured (/proc)"],
    ["7", "cost per active room-hour", `$${cost.totalDollars.toFixed(5)} (duration $${part("duration").toFixed(5)}, rows $${part("rows").toFixed(5)}, requests $${(part("WebSocket") + part("alarm")).toFixed(5)}); $${cost.totalWithoutPingsDollars.toFixed(5)} if pings are not billed`, "modelled from measured rates"],
  ];
}

const STEP_HEAD: Row = ["rooms", "window s", "late p50", "late p99", "late max", "p99 min-anch", "jitter p99", "skipped", "ack p50", "ack p99", "KO", "workerd cores", "µs/room-tick", "net µs", "RSS MiB", "ΔRSS/room KiB", "loadgen core", "ELD p99", "other procs", "status"];

function stepRows(steps: readonly StepResult[], rss0: number): Row[] {
  return steps.map((s) => [
    String(s.rooms),
    fmt(s.windowSeconds, 1),
    fmt(s.figures.latenessMs.p50, 2),
    fmt(s.figures.latenessMs.p99, 2),
    fmt(s.figures.latenessMs.max, 2),
    fmt(s.figures.latenessBestMs.p99, 2),
    fmt(s.figures.jitterMs.p99, 2),
    String(s.figures.skippedTicks),
    fmt(s.figures.ackMs.p50, 1),
    fmt(s.figures.ackMs.p99, 1),
    `${s.figures.knockedOut}/${s.figures.bots}`,
    fmt(s.server.workerdCores, 2),
    fmt(s.server.usPerRoomTick, 1),
    fmt(s.server.usPerRoomTickNet, 1),
    mb(s.server.rssBytes),
    kb((s.server.rssBytes - rss0) / s.rooms),
    fmt(s.loadgen.cpuCores, 2),
    fmt(s.loadgen.eventLoopDelayP99Ms, 1),
    fmt(s.machine.otherCores, 2),
    `${s.pass ? "pass" : "FAIL"}${s.attempt > 1 ? " (re-run)" : ""}${s.loadgen.unreliable ? " unreliable" : ""}${s.machine.noisy ? " noisy" : ""}`,
  ]);
}

function costRows(cost: CostModel): Row[] {
  return cost.lines.map((l) => [l.item, fmt(l.perHour, 0), `$${l.dollars.toFixed(6)}`, l.source, l.formula]);
}

export function renderText(r: BenchResults): string {
  const m = r.machine;
  const out = [`Edgeroom real-time benchmark: runner, 4 bots per room, wrangler dev on 127.0.0.1`, `Machine: ${m.cpuModel}, ${m.cores} cores, Node ${m.node}, Linux ${m.kernel}, ${m.date}; run took ${fmt(r.runtimeSeconds, 0)} s`, ""];
  if (r.headline) {
    out.push(textTable(["#", "figure", "value", "kind"], headlineRows(r.headline)), "", "Ramp (ms; late = lateness anchored on the first snapshot, min-anch = on the earliest offset; KO = bots knocked out; ELD = load-generator event-loop delay)");
    out.push(textTable(STEP_HEAD, stepRows(r.steps, r.server.rss0Bytes)), "", "Cost model per active 4-player room-hour");
    out.push(textTable(["item", "per hour", "cost", "source", "formula"], costRows(r.headline.cost)), `total $${r.headline.cost.totalDollars.toFixed(6)}`);
  }
  if (r.errors.length > 0) out.push("", "Errors:", ...r.errors.map((e) => `  ${e}`));
  return out.join("\n");
}

export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const out = [
    "# Edgeroom benchmark: latest results",
    "",
    `- Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Linux ${m.kernel}`,
    `- Node ${m.node}; date ${m.date}; run took ${fmt(r.runtimeSeconds, 0)} s`,
    `- Config: ${Object.entries(r.config).map(([k, v]) => `${k}=${String(v)}`).join(", ")}`,
    "- Load: one Node process of bot clients against one `wrangler dev` (local workerd) on 127.0.0.1; see bench/README.md for how each figure is measured.",
    "",
  ];
  if (r.headline) {
    out.push("## Figures", "", mdTable(["#", "figure", "value", "kind"], headlineRows(r.headline)), "");
    out.push("## Ramp", "", "Times in ms; late = lateness anchored on each connection's first snapshot of the window (the capacity criterion), p99 min-anch = anchored on the earliest offset instead; KO = bots knocked out by the end of the step; ELD = load-generator event-loop delay p99.", "", mdTable(STEP_HEAD, stepRows(r.steps, r.server.rss0Bytes)), "");
    out.push("## Cost model per active 4-player room-hour", "", mdTable(["item", "per hour", "cost", "source", "formula"], costRows(r.headline.cost)), "", `Total **$${r.headline.cost.totalDollars.toFixed(6)}** per room-hour ($${r.headline.cost.totalWithoutPingsDollars.toFixed(6)} if heartbeat pings are not billed).`, "");
    out.push("Assumptions:", "", ...r.headline.cost.assumptions.map((a) => `- ${a}`), "");
  }
  out.push("## Notes", "", ...r.notes.map((n) => `- ${n}`), "", "## Would need a server endpoint", "", ...r.needsServerEndpoint.map((n) => `- ${n}`), "");
  if (r.errors.length > 0) out.push("## Errors", "", ...r.errors.map((e) => `- ${e}`), "");
  return out.join("\n");
}

/** Write `<timestamp>.json`, `latest.json` and `latest.md`; returns the timestamped path. */
export function saveResults(dir: string, r: BenchResults): string {
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(r, null, 2)}\n`;
  // ISO 8601 with ':' replaced by '-' so the name is valid on every file system.
  const stamped = join(dir, `${r.startedAt.replace(/:/g, "-")}.json`);
  writeFileSync(stamped, json);
  writeFileSync(join(dir, "latest.json"), json);
  writeFileSync(join(dir, "latest.md"), renderMarkdown(r));
  return stamped;
}
