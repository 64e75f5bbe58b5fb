/**
 * `npm run bench:matchmaking`: quick play under load against the worker under miniflare. N players
 * (default 200) join one ranked Connect Four queue at once; each holds its queue socket, and on its
 * `matched` frame opens the room with the ticket it got. Measures, per player, the time from sending
 * `POST /api/queue` to the room's `welcome`, and the rate at which the one queue object matched
 * players (matched players / time from the first join to the last `matched` frame). Prints p50/p99
 * and saves bench/results/matchmaking-<time>.json and matchmaking-latest.{json,md}. Exits non-zero if
 * any player is not welcomed.
 *
 * Usage: npm run bench:matchmaking [-- --players 200]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { decodeServerFrame } from "../src/protocol/codec";
import type { QueueMessage } from "../src/protocol/matchmaking-api";
import { Api } from "../test/support/api";
import { startWorker } from "../test/support/worker-server";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 2 || v % 2 !== 0) throw new Error(`--${name} must be an even integer ≥ 2`);
  return v;
}

const PLAYERS = arg("players", 200);

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

interface Timing {
  joinAt: number;
  matchedAt: number;
  welcomedAt: number;
}

async function onePlayer(base: string, token: string, n: number, sockets: WebSocket[]): Promise<Timing> {
  const joinAt = performance.now();
  const res = await fetch(`${base}/api/queue`, {
    method: "POST",
    // An address per player: the per-address join cap is not what is measured.
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, "CF-Connecting-IP": `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
    body: JSON.stringify({ game: "connect-four", aiAfterMs: null }),
  });
  if (res.status !== 201) throw new Error(`queue: ${res.status} ${await res.text()}`);
  const { url } = (await res.json()) as { url: string };
  if (process.env["MM_DEBUG"]) console.error("posted", n, (performance.now() - joinAt).toFixed(0));
  const queueSocket = new WebSocket(url);
  sockets.push(queueSocket);
  const matched = await new Promise<Extract<QueueMessage, { type: "matched" }>>((resolve, reject) => {
    queueSocket.on("message", (d) => {
      const m = JSON.parse(String(d)) as QueueMessage;
      if (m.type === "matched") resolve(m);
    });
    queueSocket.on("error", reject);
  });
  const matchedAt = performance.now();
  const room = new WebSocket(matched.url);
  sockets.push(room);
  await new Promise<void>((resolve, reject) => {
    room.on("message", (d: Buffer) => {
      const frame = decodeServerFrame(new Uint8Array(d));
      if (frame.ok && frame.value.t === "welcome") resolve();
    });
    room.on("error", reject);
  });
  return { joinAt, matchedAt, welcomedAt: performance.now() };
}

async function main(): Promise<void> {
  const server = await startWorker({ outputLimit: 200_000 });
  const sockets: WebSocket[] = [];
  try {
    const api = new Api((input, init) => fetch(input, init), server.base);
    const guests = await Promise.all(Array.from({ length: PLAYERS }, (_, i) => api.guest(`Bench ${i}`)));
    const timings = await Promise.all(guests.map((g, i) => onePlayer(server.base, g.token, i, sockets)));
    const toWelcome = timings.map((t) => t.welcomedAt - t.joinAt);
    const first = Math.min(...timings.map((t) => t.joinAt));
    const last = Math.max(...timings.map((t) => t.matchedAt));
    const summary = {
      at: new Date().toISOString(),
      players: PLAYERS,
      matches: PLAYERS / 2,
      joinToWelcomeMs: { p50: pct(toWelcome, 50), p99: pct(toWelcome, 99), max: Math.max(...toWelcome) },
      matchedPerSecondOneQueue: PLAYERS / ((last - first) / 1000),
      machine: "2 shared cores, Node 20, workerd via miniflare on loopback",
      // The machine is shared: the 1-minute load average at the end says how much else was running.
      loadAverage1m: loadavg()[0] ?? NaN,
    };
    const md = [
      `# Matchmaking benchmark (${summary.at})`,
      "",
      `${PLAYERS} players joining one ranked Connect Four queue at once (${summary.matches} matches), ${summary.machine}; load average ${summary.loadAverage1m.toFixed(1)} at the end.`,
      "",
      "| Figure | Value |",
      "|---|---|",
      `| join (POST /api/queue) → room welcome, p50 / p99 / max | ${summary.joinToWelcomeMs.p50.toFixed(1)} / ${summary.joinToWelcomeMs.p99.toFixed(1)} / ${summary.joinToWelcomeMs.max.toFixed(1)} ms |`,
      `| players matched per second by one queue object | ${summary.matchedPerSecondOneQueue.toFixed(0)} |`,
      "",
      "Both figures are of the whole local stack (worker, queue, ratings store and rooms share one workerd",
      "process on 2 shared cores): they bound the queue object from below, they do not isolate it.",
      "",
    ].join("\n");
    console.log(md);
    const dir = join(import.meta.dirname, "results");
    mkdirSync(dir, { recursive: true });
    const stamp = summary.at.replace(/:/g, "-");
    writeFileSync(join(dir, `matchmaking-${stamp}.json`), JSON.stringify(summary, null, 2) + "\n");
    writeFileSync(join(dir, "matchmaking-latest.json"), JSON.stringify(summary, null, 2) + "\n");
    writeFileSync(join(dir, "matchmaking-latest.md"), md);
  } finally {
    for (const s of sockets) s.terminate();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
