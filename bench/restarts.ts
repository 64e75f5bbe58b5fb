/**
 * `npm run bench:restarts`: how long a seated player takes to be back after the local runtime is
 * killed and restarted, over many restarts (docs/reliability.md quotes the result).
 *
 * Runner rooms (grace window 10 s, so the room asks for a 3.3 s reconnect cap in its welcome) with
 * SDK clients on the SDK's default backoff (base 500 ms, cap lowered by the welcome). Each cycle
 * kills the runtime, keeps it down for a seeded 3–6 s, restarts it on the same state, and records
 * per client the time from the restart being ready to its next welcome, and from the kill. Prints
 * p50/p95/p99/max and saves bench/results/restarts-<time>.json and restarts-latest.{json,md}.
 *
 * Usage: npm run bench:restarts [-- --restarts 30 --matches 4]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "../src/games/rng";
import { FaultClient, FaultStack, now } from "../test/support/fault-harness";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
}

const RESTARTS = arg("restarts", 30);
const MATCHES = arg("matches", 4);
const GRACE_MS = 10_000;

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

async function main(): Promise<void> {
  const rng = new Rng(20261206);
  const stack = await FaultStack.start();
  const clients: FaultClient[] = [];
  try {
    for (let m = 0; m < MATCHES; m++) {
      const a = await stack.api.guest(`A${m}`);
      const b = await stack.api.guest(`B${m}`);
      const matchId = await stack.api.createMatch(a.token, { game: "runner", mode: "pvp", seats: 2, options: { durationSeconds: 90 } });
      for (const [i, g] of [a, b].entries()) {
        // The SDK's own backoff (no suite override): what players get.
        clients.push(await FaultClient.open({ stack, label: `m${m}-${i}`, token: g.token, matchId, seed: m * 2 + i, backoff: { baseMs: 500, capMs: 30_000, stableAfterMs: 2_000 } }));
      }
    }
    await Promise.all(clients.map((c) => c.whenStatus("open")));
    const sinceReady: number[] = [];
    const sinceKill: number[] = [];
    const downtimes: number[] = [];
    for (let r = 0; r < RESTARTS; r++) {
      const down = 3_000 + rng.int(3_001);
      const killAt = now();
      const back = clients.map((c) => c.nextOpen());
      await stack.kill();
      await new Promise((res) => setTimeout(res, down));
      const { readyAt } = await stack.restartAfter("already-dead");
      const times = await Promise.all(back);
      downtimes.push(readyAt - killAt);
      for (const t of times) {
        sinceReady.push(Math.max(0, t - readyAt));
        sinceKill.push(t - killAt);
      }
      process.stderr.write(`restart ${r + 1}/${RESTARTS}: down ${Math.round(readyAt - killAt)} ms, slowest back ${Math.round(Math.max(...times) - readyAt)} ms after ready\n`);
    }
    const summary = {
      restarts: RESTARTS,
      clients: clients.length,
      returns: sinceReady.length,
      graceMs: GRACE_MS,
      downtimeMs: { p50: Math.round(pct(downtimes, 50)), max: Math.round(Math.max(...downtimes)) },
      backAfterReadyMs: { p50: Math.round(pct(sinceReady, 50)), p95: Math.round(pct(sinceReady, 95)), p99: Math.round(pct(sinceReady, 99)), max: Math.round(Math.max(...sinceReady)) },
      backAfterKillMs: { p50: Math.round(pct(sinceKill, 50)), p99: Math.round(pct(sinceKill, 99)), max: Math.round(Math.max(...sinceKill)) },
      beyondGrace: sinceReady.filter((t) => t > GRACE_MS).length,
    };
    const md = [
      `# Reconnects after restarts (${new Date().toISOString()})`,
      "",
      `${summary.restarts} kills of the local runtime, each down ${summary.downtimeMs.p50} ms (median, max ${summary.downtimeMs.max} ms) before it was ready again; ${summary.clients} SDK clients in ${MATCHES} runner rooms (grace ${GRACE_MS / 1000} s, reconnect cap 3.3 s from the welcome); ${summary.returns} returns.`,
      "",
      "| Back after the restart was ready | p50 | p95 | p99 | max |",
      "|---|---|---|---|---|",
      `| ms | ${summary.backAfterReadyMs.p50} | ${summary.backAfterReadyMs.p95} | ${summary.backAfterReadyMs.p99} | ${summary.backAfterReadyMs.max} |`,
      "",
      `Returns later than the grace window after the restart: ${summary.beyondGrace}.`,
      "",
    ].join("\n");
    const dir = join(import.meta.dirname, "results");
    mkdirSync(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    writeFileSync(join(dir, `restarts-${stamp}.json`), JSON.stringify(summary, null, 2) + "\n");
    writeFileSync(join(dir, "restarts-latest.json"), JSON.stringify(summary, null, 2) + "\n");
    writeFileSync(join(dir, "restarts-latest.md"), md);
    process.stdout.write(md);
  } finally {
    for (const c of clients) c.close();
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
