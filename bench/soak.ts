/**
 * `npm run soak`: the long fault soak of issue 13 (docs/reliability.md §3.2 quotes its last run).
 * Loopback only, bounded in count and time, stops by itself; every figure it prints is checked
 * against its rule and any failure makes it exit 1. Saves bench/results/soak-<time>.json and
 * soak-latest.{json,md}.
 *
 * Phases (counts at SOAK_SCALE=1; SOAK_SCALE=0.05 is the quick smoke):
 *   cuts       500 seeded cuts over Connect Four and runner matches (bench/soak/cuts.ts)
 *   kills      50 hard kills of the runtime mid-match (bench/soak/kills.ts)
 *   reloads    20 code reloads mid-match (bench/soak/reloads.ts)
 *   storm      200 clients cut at once (bench/soak/storm.ts)
 *   evictions  200 evictions keeping sockets, 200 closing them, 1 000 alarm runs with something due
 *              (bench/soak/evictions.soak.ts, run in workerd by the Workers vitest integration)
 *
 * Usage: npm run soak            SOAK_SCALE=0.05 npm run soak      SOAK_PHASES=cuts,storm npm run soak
 *        EDGEROOM_FAULT_SEED=7 npm run soak
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { faultSeed, FaultStack, now } from "../test/support/fault-harness";
import { cutsPhase } from "./soak/cuts";
import { evictionsPhase } from "./soak/evictions";
import { killsPhase, OPERATOR_TOKEN } from "./soak/kills";
import { Ledger, scaled } from "./soak/ledger";
import { reloadsPhase } from "./soak/reloads";
import { stormPhase } from "./soak/storm";

const PHASES = ["cuts", "kills", "reloads", "storm", "evictions"] as const;
type Phase = (typeof PHASES)[number];
/** A bound on the whole run: the soak stops itself (and fails) past it. */
const TIME_LIMIT_MS = Number(process.env["SOAK_TIME_LIMIT_MS"] ?? 40 * 60_000);

function selected(): Phase[] {
  const raw = process.env["SOAK_PHASES"];
  if (!raw) return [...PHASES];
  const list = raw.split(",").map((s) => s.trim());
  for (const p of list) if (!(PHASES as readonly string[]).includes(p)) throw new Error(`SOAK_PHASES: unknown phase ${p} (known: ${PHASES.join(", ")})`);
  return list as Phase[];
}

async function main(): Promise<void> {
  const seed = faultSeed();
  const scale = process.env["SOAK_SCALE"] ?? "1";
  const phases = selected();
  const ledger = new Ledger();
  const results: Record<string, unknown> = {};
  const started = now();
  const limit = setTimeout(() => {
    process.stderr.write(`soak: over its time limit of ${TIME_LIMIT_MS} ms, stopping\n`);
    process.exit(1);
  }, TIME_LIMIT_MS);
  limit.unref();
  process.stderr.write(`soak: seed ${seed}, scale ${scale}, phases ${phases.join(", ")}\n`);
  const stack = await FaultStack.start({ vars: { OPERATOR_TOKEN }, outputLimit: 2_000_000 });
  try {
    for (const phase of phases) {
      process.stderr.write(`\n== ${phase}\n`);
      const t = now();
      if (phase === "cuts") results[phase] = await cutsPhase(stack, ledger, { cuts: scaled(500, 8), seed, minDups: scaled(20, 1) });
      if (phase === "kills") results[phase] = await killsPhase(stack, ledger, { kills: scaled(50, 3), seed });
      if (phase === "reloads") results[phase] = await reloadsPhase(stack, ledger, { reloads: scaled(20, 2), seed });
      if (phase === "storm") results[phase] = await stormPhase(stack, ledger, { clients: scaled(200, 20), seed });
      if (phase === "evictions") results[phase] = await evictionsPhase(ledger, { evictions: scaled(200, 5), alarms: scaled(1000, 20) });
      process.stderr.write(`== ${phase}: ${Math.round((now() - t) / 1000)} s\n`);
    }
  } finally {
    await stack.stop();
  }
  clearTimeout(limit);
  const violations = ledger.violations;
  const summary = {
    when: new Date().toISOString(),
    seed,
    scale: Number(scale),
    phases,
    machine: { cpus: cpus().length, node: process.version },
    seconds: Math.round((now() - started) / 1000),
    ok: violations.length === 0,
    figures: ledger.figures,
    notes: ledger.notes,
    results,
  };
  const md = [
    `# Soak (${summary.when})`,
    "",
    `\`npm run soak\`, seed ${seed}, SOAK_SCALE ${scale}, ${summary.machine.cpus} CPUs, Node ${summary.machine.node}, ${summary.seconds} s. Result: **${summary.ok ? "every rule met" : `${violations.length} violation(s)`}**.`,
    "",
    "| Phase | Figure | Value | Rule | |",
    "|---|---|---|---|---|",
    ...ledger.figures.map((f) => `| ${f.phase} | ${f.name.trim()} | ${f.value} | ${f.rule} | ${f.ok ? "ok" : "**FAIL**"} |`),
    "",
    ...ledger.notes.map((n) => `- ${n.phase}: ${n.text}`),
    "",
  ].join("\n");
  const dir = join(import.meta.dirname, "results");
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  writeFileSync(join(dir, `soak-${stamp}.json`), JSON.stringify(summary, null, 2) + "\n");
  writeFileSync(join(dir, "soak-latest.json"), JSON.stringify(summary, null, 2) + "\n");
  writeFileSync(join(dir, "soak-latest.md"), md);
  process.stdout.write(md);
  if (violations.length > 0) {
    process.stderr.write(`soak: ${violations.length} violation(s):\n${violations.map((v) => `  [${v.phase}] ${v.name}: ${v.value} (${v.rule})`).join("\n")}\n`);
    process.exit(1);
  }
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
