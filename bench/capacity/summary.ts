/**
 * Headline figures of a capacity run per system (medians over repetitions),
 * and the rows of the README's Performance table: each figure of issue 12
 * beside Colyseus's and PartyServer's, the ratios, the goal and whether it
 * was met. Pure: unit-tested in test/unit/bench-capacity.test.ts.
 */
import { costFromCounts, poolRates } from "../peers/summary";
import type { SystemName } from "../peers/systems";
import { round } from "../stats";
import type { AiResult } from "./c4-ai";
import type { FloorResult } from "./floor";
import { REFERENCE_ROOMS } from "./ramp";
import type { RampResult } from "./system-ramp";
import type { TurnBasedResult } from "./turn-based";
import { WAKE_STATE_LABEL, wakeGoalMet, type WakeFigure } from "./wake-figure";

export interface HeapResult {
  readonly rooms: number;
  /** The largest of `points` (a run before 2026-12-07: 2 s into the race only). */
  readonly bytesPerRoom: number;
  /** Per room at each point of a race (seconds of racing), when measured at several. */
  readonly points?: readonly { readonly raceSeconds: number; readonly bytesPerRoom: number }[];
}

export interface SystemFigures {
  readonly system: SystemName;
  readonly runs: number;
  /** At the reference level (50 rooms); `refHeld` says whether that level held 20 Hz. */
  readonly ackP50Ms: number | null;
  readonly ackP99Ms: number | null;
  readonly stateBytesPerClientPerSecond: number | null;
  readonly cpuUsPerRoomTick: number | null;
  readonly refHeld: boolean | null;
  readonly roomsPerCore: number | null;
  readonly lastClean: number | null;
  readonly lastCleanCores: number | null;
  readonly capacityBound: string | null;
  readonly stop: string | null;
  /**
   * CPU (cores) other processes used during the level that stopped the ramp on the server's limit (20 Hz or
   * CPU), the largest over repetitions; above BUSY_OTHER_CORES the figure says the machine was busy.
   */
  readonly stopOtherCores?: number | null;
  /** Platform RSS growth per room at the last clean level (MiB above the idle server ÷ rooms), KiB. */
  readonly rssKiBPerRoom: number | null;
  /** Counted operations pooled over clean levels; null for a system that does not count (Colyseus). */
  readonly rowsPerRoomHour: number | null;
  readonly alarmWritesPer10s: number | null;
  readonly costPerRoomHour: number | null;
  /** Which levels the rows and alarm writes were pooled over: the clean ones, or (none clean) all measured. */
  readonly countedFrom: "clean" | "all" | null;
}

function median(values: readonly (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
}

export function systemFigures(system: SystemName, runs: readonly RampResult[]): SystemFigures {
  const mine = runs.filter((r) => r.system === system && r.levels.length > 0);
  const ref = mine.map((r) => r.levels.find((l) => l.rooms === REFERENCE_ROOMS) ?? null);
  const clean = mine.flatMap((r) => {
    const out = [];
    for (const l of r.levels) {
      if (l.unusable || l.botsFailed || !l.verdict.holds20Hz) break;
      out.push(l);
    }
    return out;
  });
  const counted = (levels: readonly RampResult["levels"][number][]) => poolRates(levels.map((l) => l.counted).filter((c): c is NonNullable<typeof c> => c !== null));
  const pooled = counted(clean);
  // Rows and alarm writes are shown from every measured level when none was clean (labelled); cost never is.
  const rowsFrom = pooled ?? counted(mine.flatMap((r) => r.levels));
  const cost = pooled ? costFromCounts(pooled) : null;
  const lastCleanLevel = (r: RampResult) => r.levels.find((l) => l.rooms === r.capacity.lastClean) ?? null;
  return {
    system,
    runs: mine.length,
    ackP50Ms: median(ref.map((l) => l?.ackMs.p50 ?? null)),
    ackP99Ms: median(ref.map((l) => l?.ackMs.p99 ?? null)),
    stateBytesPerClientPerSecond: median(ref.map((l) => l?.stateBytesPerClientPerSecond ?? null)),
    cpuUsPerRoomTick: median(ref.map((l) => l?.server.usPerRoomTickNet ?? null)),
    refHeld: ref.length ? ref.every((l) => l !== null && l.verdict.holds20Hz && !l.unusable && !l.botsFailed) : null,
    roomsPerCore: median(mine.map((r) => r.capacity.roomsPerCore)),
    lastClean: median(mine.map((r) => r.capacity.lastClean)),
    lastCleanCores: median(mine.map((r) => r.capacity.lastCleanCores)),
    capacityBound: mine.some((r) => r.capacity.bound === "lower bound") ? "lower bound" : mine.length ? "measured" : null,
    stop: mine.map((r) => r.stop).join(",") || null,
    stopOtherCores: mine.reduce<number | null>((m, r) => {
      const last = r.levels.at(-1);
      return (r.stop === "20Hz" || r.stop === "cpu") && last ? Math.max(m ?? 0, last.otherCores) : m;
    }, null),
    rssKiBPerRoom: median(
      mine.map((r) => {
        const l = lastCleanLevel(r);
        return l ? ((l.server.rssMiB - r.rss0MiB) * 1024) / l.rooms : null;
      }),
    ),
    rowsPerRoomHour: rowsFrom ? Math.round((rowsFrom.rowsWritten + rowsFrom.alarmWrites) * 3600) : null,
    alarmWritesPer10s: rowsFrom ? round(rowsFrom.alarmWrites * 10, 2) : null,
    countedFrom: pooled ? "clean" : rowsFrom ? "all" : null,
    costPerRoomHour: cost ? cost.totalDollars : null,
  };
}

/** Other processes' CPU (cores) during a ramp's last level above which its stop is flagged as a busy machine's. */
export const BUSY_OTHER_CORES = 0.3;

export interface TableRow {
  readonly figure: string;
  readonly edgeroom: string;
  readonly colyseus: string;
  readonly partyserver: string;
  readonly vsColyseus: string;
  readonly vsPartyServer: string;
  readonly goal: string;
  /** "met", "missed", or "—" (no goal, or not measured). */
  readonly verdict: string;
}

const fmt = (v: number | null, digits = 1, unit = "") => {
  if (v === null || !Number.isFinite(v)) return "n/a";
  const n = v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return unit === "$" ? `$${n}` : `${n}${unit}`;
};
const ratio = (a: number | null, b: number | null) => (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? "—" : `×${round(a / b, 2)}`);
const verdict = (ok: boolean | null) => (ok === null ? "—" : ok ? "met" : "**missed**");
const both = (ok: boolean[]) => ok.every(Boolean);

/**
 * A goal's verdict when either side may be a lower bound (rooms per core of a ramp stopped by its load, the
 * budget or the cap): an Edgeroom lower bound already at or above Colyseus's measured figure meets "≥ Colyseus";
 * a measured Edgeroom figure below Colyseus's lower bound misses it; any other comparison with a lower bound
 * decides nothing (null).
 */
export function decide(ev: number | null, cv: number | null, edgeroomLower: boolean, colyseusLower: boolean, ok: (e: number, c: number | null) => boolean | null): boolean | null {
  if (ev === null) return null;
  if (!edgeroomLower && !colyseusLower) return ok(ev, cv);
  if (cv === null) return null;
  if (edgeroomLower && !colyseusLower && ev >= cv) return ok(ev, cv);
  if (!edgeroomLower && colyseusLower && ev < cv) return ok(ev, cv);
  return null;
}

export interface TableInput {
  readonly figures: Partial<Record<SystemName, SystemFigures>>;
  readonly turnBased: TurnBasedResult | null;
  readonly heap: HeapResult | null;
  readonly ai: AiResult | null;
  /** workerd's own floor for the same traffic (floor.ts); absent in runs saved before 2026-12-06 19:30. */
  readonly floor?: Pick<FloorResult, "cpuUsPerRoomTick" | "capacity" | "stop"> | null;
}

export function performanceRows(input: TableInput): TableRow[] {
  const e = input.figures.edgeroom ?? null;
  const c = input.figures.colyseus ?? null;
  const p = input.figures.partyserver ?? null;
  const row = (figure: string, pick: (f: SystemFigures) => number | null, digits: number, unit: string, goal: string, ok: (e: number, c: number | null) => boolean | null, held = false, counted = false, capacityRow = false): TableRow => {
    const ev = e ? pick(e) : null;
    const cv = c ? pick(c) : null;
    const pv = p ? pick(p) : null;
    const lower = (f: SystemFigures | null) => capacityRow && f?.capacityBound === "lower bound";
    const busy = (f: SystemFigures | null) => capacityRow && (f?.stopOtherCores ?? 0) > BUSY_OTHER_CORES;
    const note = (f: SystemFigures | null, v: number | null) =>
      `${fmt(v, digits, unit)}${busy(f) ? ` (stopped while other processes used ${fmt(f?.stopOtherCores ?? null, 2)} cores: busy machine)` : ""}${held && f && f.refHeld === false ? " (level not clean)" : ""}${counted && v !== null && f?.countedFrom === "all" ? " (no clean level: all levels)" : ""}${lower(f) ? ` (lower bound: ramp stopped on ${f?.stop})` : ""}`;
    return {
      figure,
      edgeroom: note(e, ev),
      colyseus: note(c, cv),
      partyserver: note(p, pv),
      vsColyseus: ratio(ev, cv),
      vsPartyServer: ratio(ev, pv),
      goal,
      verdict: verdict(decide(ev, cv, lower(e), cv !== null && lower(c), ok)),
    };
  };
  const rows: TableRow[] = [
    row("input → ack p50, 50 rooms", (f) => f.ackP50Ms, 1, " ms", "—", () => null, true),
    row("input → ack p99, 50 rooms", (f) => f.ackP99Ms, 1, " ms", "≤ 5 ms and below Colyseus", (ev, cv) => both([ev <= 5, cv === null || ev < cv]), true),
    row("state bytes per client per second, 50 rooms", (f) => f.stateBytesPerClientPerSecond, 0, " B/s", "≤ ½ Colyseus", (ev, cv) => (cv === null ? null : ev <= cv / 2), true),
    row("server CPU per room-tick (net of idle), 50 rooms", (f) => f.cpuUsPerRoomTick, 1, " µs", "≤ 25 µs and below Colyseus", (ev, cv) => both([ev <= 25, cv === null || ev < cv]), true),
    row("rooms per core (20 Hz held; server pinned to one core)", (f) => f.roomsPerCore, 0, "", "≥ Colyseus (aim 1.5×)", (ev, cv) => (cv === null ? null : ev > 0 && ev >= cv), false, false, true),
    row("storage rows per active room-hour (counted, incl. alarm writes)", (f) => f.rowsPerRoomHour, 0, "", "≤ 2,500", (ev) => ev <= 2500, false, true),
    row("alarm writes per 10 s while racing", (f) => f.alarmWritesPer10s, 2, "", "≤ 1", (ev) => ev <= 1, false, true),
    row("cost per active room-hour (counted ops, clean levels)", (f) => f.costPerRoomHour, 5, "$", "≤ $0.009", (ev) => ev <= 0.009),
    row("server RSS per room at the last clean level (platform)", (f) => f.rssKiBPerRoom, 0, " KiB", "—", () => null),
  ];
  const tb = input.turnBased;
  const only = (figure: string, value: string, goal: string, ok: boolean | null): TableRow => ({ figure, edgeroom: value, colyseus: "n/a", partyserver: "n/a", vsColyseus: "—", vsPartyServer: "—", goal, verdict: verdict(ok) });
  const floor = input.floor;
  if (floor) {
    // Not a system: what workerd itself spends on the runner's sockets and frame rate, beside the rows it bounds.
    const at = (figure: string) => rows.findIndex((r) => r.figure.startsWith(figure)) + 1;
    const cap = floor.capacity;
    rows.splice(at("server CPU per room-tick"), 0, only("└ workerd floor, same run: minimal rooms with the runner's sockets, 50 ms loop and input rate, no game or storage (bench/capacity/floor.ts), CPU per room-tick at 50 rooms", fmt(floor.cpuUsPerRoomTick, 1, " µs"), "— (under any workerd room)", null));
    rows.splice(at("rooms per core"), 0, only("└ workerd floor, same run: rooms per core (same ramp and criterion)", `${fmt(cap.roomsPerCore, 0)}${cap.bound === "lower bound" ? ` (lower bound: stopped on ${floor.stop})` : ""}`, "—", null));
  }
  if (tb) {
    for (const w of wakeFigures(tb.wake)) {
      const met = wakeGoalMet(w);
      rows.push(
        only(
          `wake from hibernation p50 / p99: ${WAKE_STATE_LABEL[w.state]} (${w.evicted}/${w.rooms} rooms evicted after ${w.idleSeconds} s idle${w.wokenBefore ? `, ${w.wokenBefore} woken earlier by something else` : ""}; hash equal ${w.hashEqual}/${w.rooms})`,
          w.evicted ? `${fmt(w.wakeMs.p50, 1)} / ${fmt(w.wakeMs.p99, 1)} ms` : "n/a (no room was evicted)",
          w.state === "in-play" ? "stays awake (watchdog)" : "p99 ≤ 10 ms",
          w.state === "in-play" ? (w.rooms ? w.evicted === 0 && w.hashEqual === w.rooms : null) : met,
        ),
      );
    }
    rows.push(
      only(
        `rebuild after eviction (runtime killed), first request p50 / p99 (hash equal ${tb.rebuild.hashEqual}/${tb.rebuild.rooms})`,
        `${fmt(tb.rebuild.firstRequestMs.p50, 1)} / ${fmt(tb.rebuild.firstRequestMs.p99, 1)} ms`,
        "state hash equal",
        tb.rebuild.rooms ? tb.rebuild.hashEqual === tb.rebuild.rooms : null,
      ),
      only(`Connect Four input → ack p50 / p99 (${tb.c4.rooms} rooms)`, `${fmt(tb.c4.ackMs.p50, 1)} / ${fmt(tb.c4.ackMs.p99, 1)} ms`, "—", null),
      only("Connect Four server CPU per move (net of idle)", fmt(tb.c4.cpuUsPerMoveNet, 0, " µs"), "—", null),
    );
  }
  if (input.heap) {
    const at = input.heap.points ? `, the largest at ${input.heap.points.map((p) => `${p.raceSeconds}`).join(" / ")} s of racing: ${input.heap.points.map((p) => fmt(p.bytesPerRoom / 1024, 1, "")).join(" / ")} KB` : ", 2 s into the race";
    rows.push(only(`JS heap per 4-player runner room (room core, Node, ${input.heap.rooms} rooms${at})`, fmt(input.heap.bytesPerRoom / 1024, 1, " KB"), "≤ 50 KB", input.heap.bytesPerRoom / 1024 <= 50));
  }
  if (input.ai) {
    const a = input.ai;
    rows.push(
      only(`Connect Four hard AI CPU per move (${a.cpuClock === "thread" ? "its thread" : "whole process"}) p50 / p99 / max`, `${fmt(a.hardMoveCpuMs.p50, 1)} / ${fmt(a.hardMoveCpuMs.p99, 1)} / ${fmt(a.hardMoveCpuMs.max, 1)} ms`, "≤ 50 ms", a.hardMoveCpuMs.max <= 50),
      only(`Connect Four hard vs medium, ${a.games} seeded games (wins / draws / losses)`, `${a.hardWins} / ${a.draws} / ${a.mediumWins}`, "≥ 95 of 100 wins", a.hardWins >= 0.95 * a.games),
    );
  }
  return rows;
}

export function renderPerformanceTable(rows: readonly TableRow[]): string {
  const head = "| Figure | Edgeroom | Colyseus | PartyServer | Edgeroom ÷ Colyseus | Edgeroom ÷ PartyServer | Goal | |\n|---|---|---|---|---|---|---|---|";
  return [head, ...rows.map((r) => `| ${r.figure} | ${r.edgeroom} | ${r.colyseus} | ${r.partyserver} | ${r.vsColyseus} | ${r.vsPartyServer} | ${r.goal} | ${r.verdict} |`)].join("\n");
}

/** Wake figures of a run; a run saved before 2026-12-06 17:00 holds one object, measured on rooms in play. */
export function wakeFigures(wake: TurnBasedResult["wake"] | Omit<WakeFigure, "state" | "unanswered" | "wokenBefore">): readonly WakeFigure[] {
  if (Array.isArray(wake)) return wake as readonly WakeFigure[];
  return [{ ...(wake as Omit<WakeFigure, "state" | "unanswered" | "wokenBefore">), state: "in-play", unanswered: 0, wokenBefore: 0 }];
}
