/**
 * workerd's own floor for quick play's traffic, measured in the matchmaking bench's session (as
 * bench/capacity/floor.ts is for the runner's): a minimal worker with no authentication, ratings,
 * tickets, protocol or logging. Each player opens a hibernatable WebSocket to one queue object
 * (in memory, pairs in arrival order, sends each pair a fresh match id); each player then opens a
 * WebSocket to that match's own new SQLite-backed object, which records the seat in one insert (a
 * room must keep who sits where) and sends "welcome". What Edgeroom does on top (tokens, the ticket
 * check, ratings windows, the room's record, directory reports, logs) is what lies above it.
 *
 * The players are opened exactly as the bench's (all at once, each on its own connection, from this
 * process), so the floor's p99 says how much of Edgeroom's is the platform's on this machine.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Log, LogLevel, Miniflare } from "miniflare";
import WebSocket from "ws";
import { cpuMs, findServerTree } from "./proc";

const SCRIPT = `
import { DurableObject } from "cloudflare:workers";
export class Queue extends DurableObject {
  waiting = null;
  fetch() {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    if (this.waiting === null) this.waiting = pair[1];
    else {
      const text = JSON.stringify({ matchId: crypto.randomUUID() });
      this.waiting.send(text);
      pair[1].send(text);
      this.waiting = null;
    }
    return new Response(null, { status: 101, webSocket: pair[0] });
  }
  webSocketClose(ws, code) { ws.close(code); }
}
export class Room extends DurableObject {
  fetch(request) {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS seats (player TEXT PRIMARY KEY)");
    sql.exec("INSERT OR IGNORE INTO seats VALUES (?)", new URL(request.url).searchParams.get("p"));
    pair[1].send("welcome");
    return new Response(null, { status: 101, webSocket: pair[0] });
  }
  webSocketClose(ws, code) { ws.close(code); }
}
export default {
  fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/q") return env.QUEUE.get(env.QUEUE.idFromName("q")).fetch(request);
    const match = url.searchParams.get("m");
    if (url.pathname === "/r" && match) return env.ROOM.get(env.ROOM.idFromName(match)).fetch(request);
    return new Response("not found", { status: 404 });
  },
};
`;

export interface MatchmakingFloor {
  readonly players: number;
  readonly joinToWelcomeMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly workerdCpuMsPerPlayer: number;
  readonly traffic: string;
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

function message(ws: WebSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    ws.once("message", (d) => resolve(String(d)));
    ws.once("error", reject);
    ws.once("close", (code) => reject(new Error(`closed with ${code} before a message`)));
  });
}

async function onePlayer(base: string, n: number, sockets: WebSocket[]): Promise<number> {
  const t0 = performance.now();
  const queue = new WebSocket(`${base}/q`);
  sockets.push(queue);
  const matched: unknown = JSON.parse(await message(queue));
  const matchId = typeof matched === "object" && matched !== null && "matchId" in matched ? String(matched.matchId) : "";
  if (!matchId) throw new Error("the floor's queue sent no match id");
  const room = new WebSocket(`${base}/r?m=${matchId}&p=${n}`);
  sockets.push(room);
  if ((await message(room)) !== "welcome") throw new Error("the floor's room sent no welcome");
  return performance.now() - t0;
}

/** The same burst as the bench's (every player at once) against the minimal worker; state under `stateBase`. */
export async function runMatchmakingFloor(players: number, stateBase: string): Promise<MatchmakingFloor> {
  const dir = mkdtempSync(join(stateBase, "edgeroom-mm-floor-"));
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: "index.mjs", contents: SCRIPT }],
    compatibilityDate: "2025-09-01",
    durableObjects: { QUEUE: { className: "Queue", useSQLite: true }, ROOM: { className: "Room", useSQLite: true } },
    durableObjectsPersist: join(dir, "do"),
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
    log: new Log(LogLevel.WARN),
  });
  const sockets: WebSocket[] = [];
  try {
    await mf.ready;
    const base = (await mf.unsafeGetDirectURL()).origin.replace(/^http/, "ws");
    const pids = findServerTree(process.pid).workerd;
    if (pids.length === 0) throw new Error("no workerd process found for the matchmaking floor");
    const cpu0 = cpuMs(pids);
    const times = await Promise.all(Array.from({ length: players }, (_, i) => onePlayer(base, i, sockets)));
    const cpu = cpuMs(pids) - cpu0;
    return {
      players,
      joinToWelcomeMs: { p50: pct(times, 50), p99: pct(times, 99), max: Math.max(...times) },
      workerdCpuMsPerPlayer: cpu / players,
      traffic: "a WebSocket to one in-memory queue object that pairs arrivals, then a WebSocket to the match's own new SQLite-backed object (one insert, then welcome); no auth, ratings, tickets, protocol or logs",
    };
  } finally {
    for (const s of sockets) s.terminate();
    await mf.dispose().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
