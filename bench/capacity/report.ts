/**
 * Results of a capacity run: the JSON (configuration, machine, every level of
 * every ramp as summaries, the turn-based, heap and AI phases, the figures),
 * the markdown report, and the README-format Performance table.
 *
 * Files (bench/results/): `<stem>-<time>.json`, `<stem>-latest.{json,md}` and,
 * for `npm run bench`, `performance-table<suffix>.md`, where the stem is ""
 * (bench) or "peers" (bench:peers), and quick runs are labelled "quick".
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Machine } from "../proc";
import type { AiResult } from "./c4-ai";
import type { CapacityConfig } from "./config";
import type { FloorResult } from "./floor";
import { CRITERION, LOAD_LIMITS } from "./ramp";
import { performanceRows, renderPerformanceTable, type HeapResult, type SystemFigures } from "./summary";
import type { RampResult } from "./system-ramp";
import type { TurnBasedResult } from "./turn-based";

export interface CapacityResults {
  readonly version: 2;
  readonly kind: "bench" | "peers";
  readonly quick: boolean;
  readonly startedAt: string;
  readonly runtimeSeconds: number;
  readonly command: string;
  readonly machine: Machine;
  readonly gitRev: string;
  readonly pinning: { readonly server: string | null; readonly loadgen: string | null };
  readonly packages: Record<string, string>;
  readonly config: CapacityConfig;
  readonly ramps: RampResult[];
  readonly figures: SystemFigures[];
  readonly turnBased: TurnBasedResult | null;
  readonly heap: HeapResult | null;
  readonly ai: AiResult | null;
  /** workerd's own floor for the runner's traffic (floor.ts); absent in runs saved before 2026-12-06 19:30. */
  readonly floor?: FloorResult | null;
  readonly notes: string[];
}

const NAMES: Record<string, string> = { edgeroom: "Edgeroom", colyseus: "Colyseus", partyserver: "PartyServer" };

function header(r: CapacityResults): string[] {
  const m = r.machine;
  return [
    `- ${r.quick ? "**QUICK MODE** (smoke run: short windows, coarse ramp; not the published figures). " : ""}Date ${r.startedAt}; run took ${r.runtimeSeconds} s; git ${r.gitRev.slice(0, 12)}`,
    `- Command: \`${r.command}\``,
    `- Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}; server pinned to CPU ${r.pinning.server ?? "(unpinned)"}, ${r.config.loadgens} load-generator processes on CPU ${r.pinning.loadgen ?? "(unpinned)"}`,
    `- Packages: ${Object.entries(r.packages).map(([k, v]) => `${k} ${v}`).join(", ")}`,
    `- 20 Hz criterion: p99 inter-state gap ≤ ${CRITERION.gapP99Ms} ms, ≥ ${CRITERION.minDelivered * 100} % of expected states delivered, simulation ≥ ${CRITERION.minTickRate * 100} % of 60 Hz (server tick stamps); the ramp (steps ≤ +25 %) stops at the first level that fails it (a level failing its window is measured for a second and judged on both pooled) or when the server uses ≥ ${CRITERION.maxServerCores * 100} % of its core; a level where the load generators were saturated ("unusable") or the bots failed in more than ${LOAD_LIMITS.maxFailedRooms * 100} % of the rooms ("bots failed": a load failure, the bots never fall on their own) also stops it and leaves a lower bound.${r.ramps.some((x) => x.levels.some((l) => l.probes !== undefined)) ? " Ack latency from probes (one button-less input per bot every 2 s)." : " Ack latency over every input (a run from before the probes)."} Method: bench/README.md.`,
  ];
}

/** A level's verdict in words: the load's failures first (they make the level's figures untrustworthy), then 20 Hz. */
export function levelStatus(l: Pick<RampResult["levels"][number], "unusable" | "botsFailed" | "verdict" | "firstWindow">): string {
  const confirmed = l.firstWindow ? ` over 2 windows (the first alone: gap p99 ${l.firstWindow.gapP99Ms} ms)` : "";
  if (l.unusable) return `unusable: ${l.unusable}`;
  if (!l.verdict.holds20Hz) return `**fails**${confirmed} (${l.verdict.failed})`;
  if (l.botsFailed) return `bots failed: ${l.botsFailed}`;
  return `holds${confirmed}`;
}

function levelsTable(ramps: readonly RampResult[]): string[] {
  const out = [
    "| system | rep | rooms | 20 Hz | gap p99 ms | delivered | sim rate | server cores (net) | µs/room-tick net | probe ack p50/p99 ms | unacked probes / inputs | state B/s/client | RSS MiB | rows/room-h | server loop ticks ≥ 25 ms late | loadgen cores | loadgen ELD p99 / max ms | loadgen GC max / sum ms | ended | bots failed (rooms) | other cores | setup s |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of ramps) {
    for (const l of r.levels) {
      const rows = l.counted ? Math.round((l.counted.rowsWritten + l.counted.alarmWrites) * 3600) : "n/a";
      out.push(
        `| ${NAMES[r.system]} | ${r.rep} | ${l.rooms} | ${levelStatus(l)} | ${l.verdict.gapP99Ms} | ${(l.verdict.delivered * 100).toFixed(1)} % | ${(l.verdict.tickRate * 100).toFixed(1)} % | ${l.server.cores} (${l.server.coresNet}) | ${l.server.usPerRoomTickNet} | ${l.ackMs.p50} / ${l.ackMs.p99} | ${l.probes === undefined ? l.unacked : `${l.unacked}/${l.probes}`} / ${l.inputs} | ${l.stateBytesPerClientPerSecond} | ${l.server.rssMiB} | ${rows} | ${l.counted?.lateLoopShare != null ? `${(l.counted.lateLoopShare * 100).toFixed(2)} %` : "n/a"} | ${l.loadgenCores} | ${l.loadgenEldP99Ms}${l.loadgenStalls ? ` / ${l.loadgenStalls.eldMaxMs}` : ""} | ${l.loadgenStalls ? `${l.loadgenStalls.gcMaxMs} / ${l.loadgenStalls.gcMs}` : "n/a"} | ${l.endedRooms} | ${l.failedRooms ?? "n/a"} | ${l.otherCores} | ${l.setupSeconds} |`,
      );
    }
    out.push(`| ${NAMES[r.system]} | ${r.rep} | stop: ${r.stop}${r.error ? ` (${r.error})` : ""}; last clean ${r.capacity.lastClean} rooms at ${r.capacity.lastCleanCores} cores net → ${r.capacity.roomsPerCore} rooms per core (${r.capacity.bound}); idle ${r.idleCpuMsPerSecond} ms CPU/s, RSS₀ ${r.rss0MiB} MiB ||||||||||||||||||||`);
  }
  return out;
}

function tableOf(r: CapacityResults): string {
  return renderPerformanceTable(performanceRows({ figures: Object.fromEntries(r.figures.map((f) => [f.system, f])), turnBased: r.turnBased, heap: r.heap, ai: r.ai, floor: r.floor ?? null }));
}

function floorTable(f: FloorResult): string[] {
  return [
    `workerd alone (${f.traffic}); idle ${f.idleCpuMsPerSecond} ms CPU/s.`,
    "",
    "| rooms | 20 Hz | gap p99 ms | delivered | server cores (net) | µs/room-tick net | RSS MiB | client cores | client ELD p99 ms |",
    "|---|---|---|---|---|---|---|---|---|",
    ...f.levels.map((l) => `| ${l.rooms} | ${levelStatus({ unusable: l.unusable, botsFailed: null, verdict: l.verdict, ...(l.firstWindow ? { firstWindow: l.firstWindow } : {}) })} | ${l.verdict.gapP99Ms} | ${(l.verdict.delivered * 100).toFixed(1)} % | ${l.server.cores} (${l.server.coresNet}) | ${l.server.usPerRoomTickNet} | ${l.server.rssMiB} | ${l.clientCores} | ${l.clientEldP99Ms} |`),
    `| stop: ${f.stop}${f.error ? ` (${f.error})` : ""}; last clean ${f.capacity.lastClean} rooms → ${f.capacity.roomsPerCore} rooms per core (${f.capacity.bound}) ||||||||`,
  ];
}

export function renderMarkdown(r: CapacityResults): string {
  const table = tableOf(r);
  return [
    `# Capacity bench${r.kind === "peers" ? ": Edgeroom, Colyseus, PartyServer ramps" : ""}${r.quick ? " (quick mode)" : ""}`,
    "",
    ...header(r),
    "",
    "## Figures",
    "",
    table,
    "",
    "## Every level",
    "",
    ...levelsTable(r.ramps),
    "",
    ...(r.floor ? ["## workerd floor", "", ...floorTable(r.floor), ""] : []),
    "## Notes",
    "",
    ...r.notes.map((n) => `- ${n}`),
    "",
  ].join("\n");
}

export function renderTableFile(r: CapacityResults): string {
  const table = tableOf(r);
  return [
    `<!-- generated by \`${r.command}\` (bench/capacity/report.ts); paste into README.md's Performance section -->`,
    "",
    ...header(r),
    "",
    table,
    "",
  ].join("\n");
}

export function saveResults(dir: string, r: CapacityResults): string {
  mkdirSync(dir, { recursive: true });
  const stem = [r.kind === "peers" ? "peers" : "", r.quick ? "quick" : ""].filter(Boolean).join("-");
  const prefix = stem ? `${stem}-` : "";
  const stamp = r.startedAt.replace(/:/g, "-");
  const path = join(dir, `${prefix}${stamp}.json`);
  const json = `${JSON.stringify(r, null, 1)}\n`;
  writeFileSync(path, json);
  writeFileSync(join(dir, `${prefix}latest.json`), json);
  writeFileSync(join(dir, `${prefix}latest.md`), renderMarkdown(r));
  if (r.kind === "bench") writeFileSync(join(dir, `performance-table${r.quick ? "-quick" : ""}.md`), renderTableFile(r));
  return path;
}
