/**
 * `npm run bench:halfopen`: how long a half-open link (blackholed: open, silent, no FIN/RST) goes
 * unnoticed, on the client (SDK heartbeat) and in the room (its liveness checks), for Connect Four
 * (turn-based) and the runner (real-time), over WebSockets and the HTTP fallback; and what finding
 * it costs per room-hour (alarm writes and runs, liveness checks, awake time). docs/reliability.md
 * quotes the result.
 *
 * Each link is test/support/halfopen-cut.ts's measurement (the one test/e2e/faults-halfopen.test.ts
 * asserts), `--links` per game × transport, `--parallel` at once, stopping early when `--budget`
 * seconds are spent. The cost part keeps one room of each game open with two pinging SDK players
 * (Connect Four: no moves; runner: racing) for `--cost-seconds` and reads the room's counters (GET /api/matches/:id/metrics).
 * Saves bench/results/halfopen-<time>.json and halfopen-latest.{json,md}.
 *
 * Usage: npm run bench:halfopen [-- --links 40 --parallel 8 --budget 600 --cost-seconds 60]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mixSeed } from "../src/games/rng";
import { FaultClient, FaultStack, now } from "../test/support/fault-harness";
import { halfOpenCut, MARGIN_MS, runnerBot, type HalfOpenGame, type HalfOpenSample, type HalfOpenTransport, type Opener } from "../test/support/halfopen-cut";
import { PRICES } from "./cost";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
}

const LINKS = arg("links", 40);
const PARALLEL = arg("parallel", 8);
const BUDGET_S = arg("budget", 600);
const COST_S = arg("cost-seconds", 60);
const SEED = 20261213;
const OPERATOR_TOKEN = "bench-halfopen-operator-0123456789abcdef";
const CASES: ReadonlyArray<readonly [HalfOpenGame, HalfOpenTransport]> = [
  ["connect-four", "websocket"],
  ["connect-four", "http"],
  ["runner", "websocket"],
  ["runner", "http"],
];

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}
const r0 = (v: number) => Math.round(v);

async function counters(stack: FaultStack, matchId: string): Promise<Record<string, number>> {
  const res = await fetch(`${stack.base}/api/matches/${matchId}/metrics`, { headers: { Authorization: `Bearer ${OPERATOR_TOKEN}` } });
  if (res.status !== 200) throw new Error(`metrics: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { counters: Record<string, number> }).counters;
}

interface CostFigures {
  game: HalfOpenGame;
  seconds: number;
  perHour: { alarmWrites: number; alarmRuns: number; livenessChecks: number; messages: number };
  /** Modelled: the share of the hour the object is awake (1 while the watchdog or the real-time loop runs). */
  awakeShare: number;
  dollars: { duration: number; alarmWrites: number; alarmRuns: number; messages: number; total: number };
}

/** One room of `game` with two connected, pinging SDK players and no moves, for COST_S seconds. */
async function cost(stack: FaultStack, game: HalfOpenGame): Promise<CostFigures> {
  const a = await stack.api.guest(`cost-${game}-a`);
  const b = await stack.api.guest(`cost-${game}-b`);
  const settings = game === "runner" ? { game, mode: "pvp", seats: 2, graceMs: 600_000, options: { durationSeconds: 90 } } : { game, mode: "pvp", turnMs: 0, graceMs: 600_000 };
  const matchId = await stack.api.createMatch(a.token, settings);
  const players = [await FaultClient.open({ stack, label: `cost-${game}-a`, token: a.token, matchId, seed: 1 })];
  await players[0]!.whenStatus("open");
  players.push(await FaultClient.open({ stack, label: `cost-${game}-b`, token: b.token, matchId, seed: 2 }));
  // Runners race (a scripted runner keeps each standing, so the race and its loop stay live); Connect Four players just wait.
  if (game === "runner") for (const p of players) runnerBot(p);
  await Promise.all(players.map((p) => p.untilRoom((r) => r.status === "playing")));
  const before = await counters(stack, matchId);
  const t0 = now();
  // The measurement window: the room runs on its own meanwhile (this wait is the window, not a synchronisation).
  await new Promise((r) => setTimeout(r, COST_S * 1000));
  const after = await counters(stack, matchId);
  const seconds = (now() - t0) / 1000;
  for (const p of players) p.close();
  const perHour = (k: string) => ((after[k] ?? 0) - (before[k] ?? 0)) * (3600 / seconds);
  const ph = { alarmWrites: perHour("alarmWrites"), alarmRuns: perHour("alarmRuns"), livenessChecks: perHour("livenessChecks"), messages: perHour("messages") };
  const awakeShare = 1;
  const dollars = {
    duration: 3600 * awakeShare * PRICES.memoryGb * (PRICES.gbSecondsPerMillion / 1e6),
    alarmWrites: ph.alarmWrites * (PRICES.rowsWrittenPerMillion / 1e6),
    alarmRuns: ph.alarmRuns * (PRICES.requestsPerMillion / 1e6),
    messages: (ph.messages / PRICES.wsMessagesPerRequest) * (PRICES.requestsPerMillion / 1e6),
    total: 0,
  };
  dollars.total = dollars.duration + dollars.alarmWrites + dollars.alarmRuns + dollars.messages;
  return { game, seconds, perHour: ph, awakeShare, dollars };
}

async function main(): Promise<void> {
  const stack = await FaultStack.start({ vars: { OPERATOR_TOKEN } });
  const cuts: Array<{ reset: () => void }> = [];
  const samples: HalfOpenSample[] = [];
  const failures: string[] = [];
  const started = now();
  const open: Opener = (label, token, matchId, seed, extra = {}) => FaultClient.open({ stack, label, token, matchId, seed: mixSeed(SEED, seed), ...extra });
  const jobs = CASES.flatMap(([game, transport], c) => Array.from({ length: LINKS }, (_, i) => ({ game, transport, label: `ho-${game}-${transport}-${i}`, seed: mixSeed(SEED, 500 + c * 1000 + i) })));
  // Interleave the cases so a budget cut-off leaves each with about the same count.
  jobs.sort((x, y) => Number(x.label.split("-").at(-1)) - Number(y.label.split("-").at(-1)));
  let costs: CostFigures[] = [];
  try {
    for (let i = 0; i < jobs.length; i += PARALLEL) {
      if ((now() - started) / 1000 > BUDGET_S) break;
      const batch = jobs.slice(i, i + PARALLEL);
      const results = await Promise.allSettled(batch.map((j) => halfOpenCut(stack, open, { ...j, cuts })));
      for (const r of results) {
        if (r.status === "fulfilled") samples.push(r.value);
        else failures.push(String(r.reason instanceof Error ? r.reason.message : r.reason));
      }
      for (const c of cuts.splice(0)) c.reset();
      process.stdout.write(`\r${samples.length + failures.length}/${jobs.length} links (${failures.length} failed), ${r0((now() - started) / 1000)} s`);
    }
    process.stdout.write("\n");
    costs = await Promise.all((["connect-four", "runner"] as const).map((g) => cost(stack, g)));
  } finally {
    for (const c of cuts) c.reset();
    await stack.stop();
  }

  const rows = CASES.map(([game, transport]) => {
    const of = samples.filter((s) => s.game === game && s.transport === transport);
    const client = of.map((s) => s.client);
    const room = of.map((s) => s.room);
    const bounds = of[0]?.bounds ?? { client: NaN, room: NaN };
    return {
      game,
      transport,
      n: of.length,
      client: { p50: r0(pct(client, 50)), p95: r0(pct(client, 95)), max: r0(Math.max(...client)), bound: bounds.client },
      room: { p50: r0(pct(room, 50)), p95: r0(pct(room, 95)), max: r0(Math.max(...room)), bound: bounds.room },
      overBound: of.filter((s) => s.client > s.bounds.client || s.room > s.bounds.room).length,
    };
  });
  const summary = {
    when: new Date().toISOString(),
    seed: SEED,
    linksPerCase: LINKS,
    parallel: PARALLEL,
    seconds: r0((now() - started) / 1000),
    marginMs: MARGIN_MS,
    failures,
    detection: rows,
    costPerRoomHour: costs.map((c) => ({ ...c, perHour: Object.fromEntries(Object.entries(c.perHour).map(([k, v]) => [k, r0(v)])) })),
  };
  const $ = (v: number) => `$${v.toFixed(5)}`;
  const md = [
    `# Half-open link detection (bench/halfopen.ts, ${summary.when})`,
    "",
    `${LINKS} links per game × transport requested, ${PARALLEL} at once, seed ${SEED}; ${samples.length} measured, ${failures.length} failed; ${summary.seconds} s. ` +
      `Local workerd through miniflare on a shared 2-core VM. Times from the cut (blackhole) to the SDK's verdict (client) and to the opponent's playerDisconnected (room). ` +
      `Bounds: client = pingIntervalMs + pongTimeoutMs, room = timeoutMs + checkIntervalMs, each + ${MARGIN_MS} ms margin.`,
    "",
    "| game | transport | n | client p50 / p95 / max (bound) | room p50 / p95 / max (bound) | over bound |",
    "|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.game} | ${r.transport} | ${r.n} | ${r.client.p50} / **${r.client.p95}** / ${r.client.max} ms (${r.client.bound}) | ${r.room.p50} / **${r.room.p95}** / ${r.room.max} ms (${r.room.bound}) | ${r.overBound} |`),
    "",
    `## Cost per active room-hour of the liveness machinery (${COST_S} s windows, two pinging players, Connect Four without moves, the runner racing; duration modelled as always awake; inputs and syncs counted, auto-answered pings not)`,
    "",
    "| game | alarm writes/h | alarm runs/h | watchdog checks/h | messages in/h | duration | alarm writes | alarm runs | messages | total |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...costs.map((c) => `| ${c.game} | ${r0(c.perHour.alarmWrites)} | ${r0(c.perHour.alarmRuns)} | ${r0(c.perHour.livenessChecks)} | ${r0(c.perHour.messages)} | ${$(c.dollars.duration)} | ${$(c.dollars.alarmWrites)} | ${$(c.dollars.alarmRuns)} | ${$(c.dollars.messages)} | **${$(c.dollars.total)}** |`),
    "",
    failures.length > 0 ? `Failures:\n${failures.map((f) => `- ${f}`).join("\n")}\n` : "",
  ].join("\n");
  console.log(md);
  const dir = join(import.meta.dirname, "results");
  mkdirSync(dir, { recursive: true });
  const stamp = summary.when.replace(/[:.]/g, "-");
  writeFileSync(join(dir, `halfopen-${stamp}.json`), JSON.stringify(summary, null, 2) + "\n");
  writeFileSync(join(dir, "halfopen-latest.json"), JSON.stringify(summary, null, 2) + "\n");
  writeFileSync(join(dir, "halfopen-latest.md"), md);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
