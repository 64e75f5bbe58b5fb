/**
 * Output of `npm run bench:peers`: the markdown summary (peers-latest.md),
 * an SVG bar chart drawn by hand (peers-latest.svg: one panel per figure,
 * one bar per system, value labels), and the raw JSON.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Machine } from "../proc";
import { fmt } from "../stats";
import type { PeersConfig } from "./config";
import type { Comparison, RunResult, SystemSummary } from "./summary";

export interface PeersResults {
  readonly version: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly runtimeSeconds: number;
  readonly machine: Machine;
  readonly gitRev: string;
  readonly pinning: { readonly loadgen: string | null; readonly server: string | null };
  readonly config: PeersConfig & { readonly repsRun: number };
  readonly packages: Record<string, string>;
  readonly runs: readonly RunResult[];
  readonly comparison: Comparison;
  readonly skipped: readonly string[];
  readonly notes: readonly string[];
}

const LABEL: Record<string, string> = { edgeroom: "Edgeroom", colyseus: "Colyseus", partyserver: "PartyServer" };

function withRatio(v: number | null, r: number | null | undefined, digits: number, unit = ""): string {
  if (v === null || !Number.isFinite(v)) return "n/a";
  const ratio = r === null || r === undefined ? "" : ` (×${r.toFixed(2)})`;
  return `${fmt(v, digits)}${unit}${ratio}`;
}

function ackCell(s: SystemSummary, i: number, ratios: Record<string, number | null>): string {
  const a = s.ack[i];
  if (!a) return "n/a";
  if (a.p50 === null || a.p99 === null) return `— (${a.note ?? "no data"})`;
  const r50 = ratios[`ackP50At${a.rooms}`];
  const r99 = ratios[`ackP99At${a.rooms}`];
  const ratio = r50 != null && r99 != null ? ` (×${r50.toFixed(2)} / ×${r99.toFixed(2)})` : "";
  return `${fmt(a.p50, 1)} / ${fmt(a.p99, 1)}${ratio}${a.note ? ` — ${a.note}` : ""}`;
}

export function renderTable(c: Comparison): string {
  const systems = c.systems;
  const head = `| figure | ${systems.map((s) => LABEL[s.system] ?? s.system).join(" | ")} |\n|---|${systems.map(() => "---").join("|")}|`;
  // † marks a figure that rests on levels measured while other processes loaded the machine.
  const row = (name: string, cell: (s: SystemSummary, r: Record<string, number | null>) => string, figure?: string | ((s: SystemSummary) => string)) =>
    `| ${name} | ${systems
      .map((s) => {
        const key = typeof figure === "function" ? figure(s) : figure;
        return `${cell(s, c.ratios[s.system] ?? {})}${key !== undefined && s.disturbed.includes(key) ? " †" : ""}`;
      })
      .join(" | ")} |`;
  return [
    head,
    row("bytes per client per tick (state messages)", (s, r) => withRatio(s.bytesPerClientPerTick, r.bytesPerClientPerTick, 2, " B")),
    row("state bytes per client per second", (s, r) => withRatio(s.snapBytesPerClientPerSecond, r.snapBytesPerClientPerSecond, 0, " B/s")),
    row("all bytes down per client per second", (s) => withRatio(s.allBytesPerClientPerSecond, null, 0, " B/s")),
    row("snapshot jitter p50 / p99, 1 room", (s, r) => (s.jitterP99Ms === null ? "n/a" : `${fmt(s.jitterP50Ms, 2)} / ${fmt(s.jitterP99Ms, 2)} ms${r.jitterP99Ms != null ? ` (p99 ×${r.jitterP99Ms.toFixed(2)})` : ""}`), "jitter"),
    row("skipped ticks per client-minute, 1 room", (s) => fmt(s.skippedTicksPerClientMinute, 1), "skipped ticks"),
    row("gaps > 75 ms per client-minute, 1 room", (s) => fmt(s.longGapsPerClientMinute, 1), "gaps"),
    row("p99 tick lateness, 1 room", (s) => withRatio(s.latenessP99Ms, null, 2, " ms"), "lateness"),
    row("input→ack p50 / p99, 1 room (ms)", (s, r) => ackCell(s, 0, r), "ack at 1 rooms"),
    row("input→ack p50 / p99, 50 rooms (ms)", (s, r) => ackCell(s, 1, r), "ack at 50 rooms"),
    row("input→ack p50 / p99, 200 rooms (ms)", (s, r) => ackCell(s, 2, r), "ack at 200 rooms"),
    row("server CPU per room-tick (net of idle)", (s, r) => `${withRatio(s.usPerRoomTick, r.usPerRoomTick, 1, " µs")}${s.cpuLevel !== null ? ` at ${s.cpuLevel} rooms` : ""}`, "CPU per room-tick"),
    row("p99 delivery-schedule lateness, 1 room", (s) => withRatio(s.scheduleP99Ms, null, 2, " ms"), "schedule lateness"),
    row("rooms per core holding 20 Hz (period ±2 %, schedule p99 < 5 ms)", (s, r) => withRatio(s.roomsPerCore, r.roomsPerCore, 0), "rooms per core"),
    row("rooms per core, tick lateness p99 < 5 ms (Edgeroom's criterion)", (s) => fmt(s.roomsPerCoreTick, 0)),
    row("server memory per room (RSS)", (s, r) => withRatio(s.memoryPerRoomBytes === null ? null : s.memoryPerRoomBytes / 1024, r.memoryPerRoomBytes, 0, " KiB")),
    row("cost per active room-hour (counted ops)", (s, r) => (s.cost ? `$${s.cost.totalDollars.toFixed(5)}${r.costPerRoomHour != null ? ` (×${r.costPerRoomHour.toFixed(2)})` : ""}` : s.system === "colyseus" ? "n/a (a Node server: priced per host, not per operation)" : "n/a (no counters)")),
  ].join("\n");
}

function costTable(c: Comparison): string {
  const lines = ["| system | messages in/h | alarm runs/h | rows written/h (+ alarm writes) | awake s/h | requests | duration | rows | total |", "|---|---|---|---|---|---|---|---|---|"];
  for (const s of c.systems) {
    if (!s.cost) continue;
    const k = s.cost;
    lines.push(`| ${LABEL[s.system]} | ${k.perHour.messages} | ${k.perHour.alarmRuns} | ${k.perHour.rowsWritten} (+${k.perHour.alarmWrites}) | ${k.perHour.awakeSeconds} | $${k.requestsDollars.toFixed(6)} | $${k.durationDollars.toFixed(6)} | $${k.rowsDollars.toFixed(6)} | **$${k.totalDollars.toFixed(6)}** |`);
  }
  return lines.join("\n");
}

function levelTable(runs: readonly RunResult[]): string {
  const lines = [
    "| system | rep | rooms | late p99 | sched p99 | period | jitter p99 | skipped | ack p50 | ack p99 | unacked | server cores | µs/room-tick net | RSS MiB | loadgen core | ELD p99 | other procs | status |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of runs) {
    if (r.error && r.levels.length === 0) lines.push(`| ${LABEL[r.system]} | ${r.rep} | — | | | | | | | | | | | | error: ${r.error} |`);
    for (const l of r.levels) {
      const f = l.figures;
      const status = l.error ? `error: ${l.error}` : l.loadgen.saturated ? "discarded (load generator saturated)" : l.machine.noisy ? `machine busy; ${l.pass ? "held" : "did not hold"} 20 Hz` : l.pass ? "holds 20 Hz" : "does not hold 20 Hz";
      lines.push(
        `| ${LABEL[r.system]} | ${r.rep} | ${l.rooms} | ${fmt(f.latenessMs.p99, 2)} | ${fmt(l.schedule.p99Ms, 2)} | ${fmt(l.schedule.maxPeriodMs, 2)} | ${fmt(f.jitterMs.p99, 2)} | ${f.skippedTicks} | ${fmt(f.ackMs.p50, 1)} | ${fmt(f.ackMs.p99, 1)} | ${f.unacked}/${f.inputs} | ${fmt(l.server.cores, 2)} | ${fmt(l.server.usPerRoomTickNet, 1)} | ${fmt(l.server.rssBytes / 2 ** 20, 1)} | ${fmt(l.loadgen.cpuCores, 2)} | ${fmt(l.loadgen.eventLoopDelayP99Ms, 1)} | ${fmt(l.machine.otherCores, 2)}${l.machine.noisy ? " noisy" : ""} | ${status} |`,
      );
    }
  }
  return lines.join("\n");
}

export function machineLine(r: Pick<PeersResults, "machine" | "pinning">): string {
  const m = r.machine;
  const pin = r.pinning.server ? `; server pinned to CPU ${r.pinning.server}, load generator to CPU ${r.pinning.loadgen} (taskset)` : "; not pinned";
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}${pin}`;
}

export function renderMarkdown(r: PeersResults): string {
  const c = r.comparison;
  return `# Side by side: Edgeroom, Colyseus, PartyServer (latest run)

- Machine: ${machineLine(r)}
- Date ${r.startedAt}; run took ${Math.round(r.runtimeSeconds)} s; Edgeroom and the shared runner at git ${r.gitRev.slice(0, 12)}
- Command: \`BENCH_PEERS_SECONDS=${r.config.totalSeconds} npm run bench:peers\` — ${r.config.repsRun} repetition(s) of ${r.config.systems.join(", ")} in alternating order, levels ${r.config.levels.join(", ")} rooms of 4 bots, ${r.config.windowSeconds} s windows
- Packages: ${Object.entries(r.packages).map(([k, v]) => `${k} ${v}`).join(", ")}
- Method, fairness and caveats: bench/peers/README.md. Medians over repetitions; (×n) is the ratio to Edgeroom.

${renderTable(c)}

![chart](peers-latest.svg)

## Cost per active room-hour from counted operations

Counted by the servers over the measurement windows of every measured level (Edgeroom: \`GET /api/matches/:id/metrics\`;
PartyServer: the room's own counters), scaled to one hour, at Cloudflare's paid-plan prices (requests $0.15/M with
incoming WebSocket messages at 20:1, duration $12.50/M GB-s at 128 MB, rows written $1.00/M; free allowances ignored;
per-match overhead such as the 4 upgrades is not included).

${costTable(c)}

## Every level

${levelTable(r.runs)}

† the figure rests on levels measured while other processes on this shared machine used more than 0.25 cores
(no quiet measurement of it was available); a failure to hold 20 Hz on such a level only bounds the capacity from below.

## Discarded or failed

${c.systems.flatMap((s) => s.discarded.map((d) => `- ${LABEL[s.system]}: ${d}`)).join("\n") || "- none"}

## Measured while the machine was busy (kept, flagged)

${c.systems.flatMap((s) => s.disturbedLevels.map((d) => `- ${LABEL[s.system]}: ${d}`)).join("\n") || "- none"}
${r.skipped.map((s) => `- skipped: ${s}`).join("\n")}

Capacity detail: ${c.systems.map((s) => `${LABEL[s.system]}: ${s.roomsPerCoreNote}`).join(" — ")}

## Notes

${r.notes.map((n) => `- ${n}`).join("\n")}
`;
}

const COLORS: Record<string, string> = { edgeroom: "#2563eb", colyseus: "#dc2626", partyserver: "#f59e0b" };

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Small multiples: one panel per figure, one horizontal bar per system, scaled to the panel's largest value. */
export function renderSvg(c: Comparison, title: string): string {
  const panels: { name: string; unit: string; value: (s: SystemSummary) => number | null; digits: number }[] = [
    { name: "bytes per client per tick", unit: "B", value: (s) => s.bytesPerClientPerTick, digits: 1 },
    { name: "input→ack p50, 1 room", unit: "ms", value: (s) => s.ack[0]?.p50 ?? null, digits: 1 },
    { name: "input→ack p99, 50 rooms", unit: "ms", value: (s) => s.ack[1]?.p99 ?? null, digits: 1 },
    { name: "server CPU per room-tick", unit: "µs", value: (s) => s.usPerRoomTick, digits: 1 },
    { name: "rooms per core holding 20 Hz", unit: "", value: (s) => s.roomsPerCore, digits: 0 },
    { name: "memory per room", unit: "KiB", value: (s) => (s.memoryPerRoomBytes === null ? null : s.memoryPerRoomBytes / 1024), digits: 0 },
    { name: "cost per active room-hour", unit: "$", value: (s) => s.cost?.totalDollars ?? null, digits: 5 },
  ];
  const W = 720;
  const barH = 16;
  const panelH = 30 + c.systems.length * (barH + 6);
  const H = 60 + panels.length * panelH;
  const labelW = 110;
  const maxBar = W - labelW - 150;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`, `<rect width="${W}" height="${H}" fill="#ffffff"/>`, `<text x="10" y="24" font-size="15" font-weight="bold">${esc(title)}</text>`];
  let y = 50;
  for (const p of panels) {
    out.push(`<text x="10" y="${y + 12}" font-weight="bold">${esc(p.name)}</text>`);
    const values = c.systems.map((s) => p.value(s));
    const max = Math.max(...values.map((v) => (v === null || !Number.isFinite(v) ? 0 : v)), 1e-12);
    let by = y + 22;
    c.systems.forEach((s, i) => {
      const v = values[i] ?? null;
      const w = v === null || !Number.isFinite(v) ? 0 : Math.max(1, (v / max) * maxBar);
      out.push(`<text x="${labelW - 6}" y="${by + barH - 4}" text-anchor="end">${esc(LABEL[s.system] ?? s.system)}</text>`);
      out.push(`<rect x="${labelW}" y="${by}" width="${w.toFixed(1)}" height="${barH}" fill="${COLORS[s.system] ?? "#666"}"/>`);
      const text = v === null || !Number.isFinite(v) ? "n/a" : p.unit === "$" ? `$${v.toFixed(p.digits)}` : `${v.toFixed(p.digits)} ${p.unit}`;
      out.push(`<text x="${labelW + w + 6}" y="${by + barH - 4}">${esc(text)}</text>`);
      by += barH + 6;
    });
    y += panelH;
  }
  out.push("</svg>");
  return out.join("\n");
}

export function savePeersResults(dir: string, r: PeersResults): string {
  mkdirSync(dir, { recursive: true });
  const stamp = r.startedAt.replace(/:/g, "-");
  const json = `${JSON.stringify(r, null, 2)}\n`;
  const path = join(dir, `peers-${stamp}.json`);
  writeFileSync(path, json);
  writeFileSync(join(dir, "peers-latest.json"), json);
  writeFileSync(join(dir, "peers-latest.md"), renderMarkdown(r));
  writeFileSync(join(dir, "peers-latest.svg"), `${renderSvg(r.comparison, `Runner, 4 players/room, 60 Hz sim, 20 Hz state — ${r.machine.cores}-core ${r.machine.cpuModel}`)}\n`);
  return path;
}
