/**
 * Soak phase: evictions and alarm runs. They run in workerd under the Workers vitest integration
 * (bench/soak/evictions.soak.ts with bench/soak/vitest.workers.config.ts), because evicting a Durable
 * Object needs the integration's `evictDurableObject` (workerd's unsafe eviction hook), which a worker
 * started through miniflare's API does not offer. The test prints one SOAK_FIGURES line; this phase
 * checks those figures and the test's own verdict.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { Ledger } from "./ledger";

const REPO = join(import.meta.dirname, "..", "..");

interface Figures {
  keep: EvictionFigures;
  close: EvictionFigures;
  alarms: { timers: number; runs: number; foundDue: number; effects: number; timersWithOneEffect: number; matchEndedFramesOk: number };
}
interface EvictionFigures {
  evictions: number;
  dupAnswers: number;
  appliedTwice: number;
  lost: number;
  socketsSurvived: number;
  socketsClosed: number;
  resumedByReplay: number;
  gaps: number;
  duplicates: number;
  updates: number;
  matches: number;
}

export async function evictionsPhase(ledger: Ledger, opts: { evictions: number; alarms: number }): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [join(REPO, "node_modules", "vitest", "vitest.mjs"), "run", "--config", "bench/soak/vitest.workers.config.ts"], {
    cwd: REPO,
    env: { ...process.env, SOAK_EVICTIONS: String(opts.evictions), SOAK_ALARMS: String(opts.alarms), NO_COLOR: "1", FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
  const line = /SOAK_FIGURES (\{.*\})/.exec(out)?.[1];
  const P = "evictions";
  ledger.holds(P, "workerd soak test passed (bench/soak/evictions.soak.ts)", code === 0 && line !== undefined, code === 0 ? "no figures line" : out.slice(-1500));
  if (!line) return { exitCode: code };
  const f = JSON.parse(line) as Figures;
  ledger.eq(P, "evictions with sockets kept", f.keep.evictions, opts.evictions);
  ledger.eq(P, "  sockets that answered after the eviction", f.keep.socketsSurvived, 2 * opts.evictions);
  ledger.eq(P, "evictions with sockets closed", f.close.evictions, opts.evictions);
  ledger.eq(P, "  players back, resumed by replay", f.close.resumedByReplay, 2 * opts.evictions);
  for (const [k, e] of [["kept", f.keep], ["closed", f.close]] as const) {
    ledger.eq(P, `  (${k}) inputs re-sent after the eviction answered dup`, e.dupAnswers, e.evictions);
    ledger.eq(P, `  (${k}) acknowledged inputs lost`, e.lost, 0);
    ledger.eq(P, `  (${k}) inputs applied twice`, e.appliedTwice, 0);
    ledger.eq(P, `  (${k}) seq gaps / duplicates on the sockets`, e.gaps + e.duplicates, 0);
  }
  ledger.atLeast(P, "alarm runs", f.alarms.runs, opts.alarms);
  ledger.eq(P, "  due timers (half delivered twice in sequence, half twice at once)", f.alarms.timers, Math.ceil(opts.alarms / 2));
  ledger.eq(P, "  timers found due by a delivery", f.alarms.foundDue, f.alarms.timers);
  ledger.eq(P, "  timers with exactly one effect (one timeout forfeit)", f.alarms.timersWithOneEffect, f.alarms.timers);
  ledger.eq(P, "  timers whose matchEnded reached each socket exactly once", f.alarms.matchEndedFramesOk, f.alarms.timers);
  return { ...f, exitCode: code };
}
