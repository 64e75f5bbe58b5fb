/**
 * Edgeroom's turn-based figures, on its own server (pinned like the ramp's):
 *
 * - Connect Four input → ack: K rooms of two clients play seeded random legal
 *   moves with a think time; p50/p99 of send → `ack`, and server CPU per move
 *   (workerd CPU over the play, net of idle, ÷ acknowledged moves).
 * - Wake from hibernation (wake.ts): W rooms per state where a room really
 *   hibernates (WAITING for its second player with the creator connected;
 *   FINISHED with both players connected) and W in play as the control the
 *   liveness watchdog keeps awake; idle together with sockets open and pinging,
 *   then per room the first `sync` and its reply; only rooms a new instance
 *   answered (`bornAt`) count; `stateHash` equal before and after.
 * - Rebuild after eviction: the runtime is SIGKILLed and restarted on the same
 *   state; the first request to each wake room (GET status, which the object
 *   answers after loading its record from SQLite) is timed, and its `stateHash`
 *   compared with the one before the kill.
 */
import { randomBytes } from "node:crypto";
import { Rng } from "../../src/games/rng";
import { Api, type Guest } from "../../test/support/api";
import { cpuMs, findServerTree } from "../proc";
import { pool, sleep } from "../rooms";
import { startBenchServer, type BenchServer } from "../server";
import { round, summarize, type Summary } from "../stats";
import { C4Player, errorsOf, openC4, playMove, statusHash } from "./c4-player";
import { measureWake, setUpWakeRooms, type WakeRooms } from "./wake";
import { WAKE_STATES, type WakeFigure } from "./wake-figure";

export interface TurnBasedConfig {
  readonly rooms: number;
  readonly thinkMs: number;
  readonly wakeRooms: number;
  readonly idleSeconds: number;
  readonly stateBase: string;
  readonly serverCpus: string | null;
  readonly gitRev: string;
}

export interface TurnBasedResult {
  readonly c4: { readonly rooms: number; readonly moves: number; readonly ackMs: Summary; readonly cpuUsPerMoveNet: number; readonly seconds: number; readonly errors: Record<string, number> };
  /** One figure per room state (wake-figure.ts); results saved before 2026-12-06 17:00 hold one object (rooms in play). */
  readonly wake: readonly WakeFigure[];
  readonly rebuild: { readonly rooms: number; readonly firstRequestMs: Summary; readonly hashEqual: number };
  readonly error: string | null;
}

export async function runTurnBased(cfg: TurnBasedConfig, log: (m: string) => void): Promise<TurnBasedResult> {
  const operatorToken = randomBytes(24).toString("hex");
  let server: BenchServer | null = null;
  const players: C4Player[] = [];
  const empty = summarize([]);
  let c4: TurnBasedResult["c4"] = { rooms: 0, moves: 0, ackMs: empty, cpuUsPerMoveNet: NaN, seconds: 0, errors: {} };
  let wake: TurnBasedResult["wake"] = [];
  let rebuild: TurnBasedResult["rebuild"] = { rooms: 0, firstRequestMs: empty, hashEqual: 0 };
  let error: string | null = null;
  try {
    server = await startBenchServer(cfg.stateBase, 90_000, {
      gitRev: cfg.gitRev,
      cpus: cfg.serverCpus ?? undefined,
      vars: { AUTH_SECRET: "bench-secret-0123456789abcdef0123456789abcdef", ALLOW_GUESTS: "true", OPERATOR_TOKEN: operatorToken },
    });
    const srv = server;
    const api = new Api((url, init) => fetch(url, init), srv.base);
    const total = cfg.rooms + cfg.wakeRooms * WAKE_STATES.length;
    const guests = await pool(Array.from({ length: total * 2 }, (_, i) => i), 16, (i) => api.guest(`c4bot${i}`));
    const pids = () => findServerTree(srv.pid).workerd;
    await sleep(1000);
    const p0 = pids();
    const i0 = cpuMs(p0);
    const it0 = performance.now();
    await sleep(2000);
    const idle = (cpuMs(p0) - i0) / ((performance.now() - it0) / 1000);

    // Connect Four input → ack, and CPU per move.
    const rooms = await pool(Array.from({ length: cfg.rooms }, (_, i) => i), 8, (i) => openC4(api, guests[2 * i] as Guest, guests[2 * i + 1] as Guest));
    players.push(...rooms.flatMap((r) => r.players));
    const lat: number[] = [];
    let moves = 0;
    const pidsPlay = pids();
    const c0 = cpuMs(pidsPlay);
    const t0 = performance.now();
    await Promise.all(
      rooms.map(async (room, i) => {
        const rng = new Rng(7000 + i);
        for (;;) {
          const r = await playMove(room, rng);
          if (!r || errorsOf(room) > 20) return;
          if (r.ok) {
            lat.push(r.ms);
            moves += 1;
          }
          await sleep(cfg.thinkMs);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuMs(pidsPlay) - c0 - idle * seconds;
    const errors: Record<string, number> = {};
    for (const p of rooms.flatMap((r) => r.players)) for (const [k, v] of p.errors) errors[k] = (errors[k] ?? 0) + v;
    c4 = { rooms: rooms.length, moves, ackMs: summarize(lat), cpuUsPerMoveNet: round((cpu * 1000) / Math.max(1, moves), 1), seconds: round(seconds, 1), errors };
    log(`  C4: ${moves} moves in ${rooms.length} rooms, ack p50/p99 ${c4.ackMs.p50}/${c4.ackMs.p99} ms, ${c4.cpuUsPerMoveNet} µs CPU/move`);
    for (const p of rooms.flatMap((r) => r.players)) p.close();

    // Wake from hibernation, per room state.
    const rng = new Rng(99);
    const sets: WakeRooms[] = [];
    for (const [k, state] of WAKE_STATES.entries()) {
      const from = 2 * (cfg.rooms + k * cfg.wakeRooms);
      const set = await setUpWakeRooms(api, state, guests.slice(from, from + 2 * cfg.wakeRooms), cfg.wakeRooms, rng);
      players.push(...set.rooms.flatMap((r) => r.players));
      sets.push(set);
    }
    const bornAt = async (matchId: string) => {
      const metrics = await fetch(`${srv.base}/api/matches/${matchId}/metrics`, { headers: { Authorization: `Bearer ${operatorToken}` } });
      return ((await metrics.json()) as { counters?: { bornAt?: number } }).counters?.bornAt ?? 0;
    };
    wake = await measureWake(api, sets, cfg.idleSeconds, bornAt, log);
    const wakeRooms = sets.flatMap((s) => s.rooms);

    // Rebuild after eviction: kill the runtime, restart on the same state, first request per room.
    const before = await pool(wakeRooms, 8, (r) => statusHash(api, r.matchId));
    for (const p of wakeRooms.flatMap((r) => r.players)) p.close();
    await srv.killAndRestart();
    const first: number[] = [];
    let equal = 0;
    for (const [i, room] of wakeRooms.entries()) {
      const s = await statusHash(api, room.matchId);
      first.push(s.ms);
      if (s.hash !== null && s.hash === before[i]?.hash) equal += 1;
    }
    rebuild = { rooms: wakeRooms.length, firstRequestMs: summarize(first), hashEqual: equal };
    log(`  rebuild: first request p50/p99 ${rebuild.firstRequestMs.p50}/${rebuild.firstRequestMs.p99} ms; hash equal ${equal}/${wakeRooms.length}`);
  } catch (err) {
    error = err instanceof Error ? err.message.slice(0, 500) : String(err);
    log(`  turn-based phase failed: ${error}`);
  } finally {
    for (const p of players) p.close();
    if (server) await server.stop().catch(() => undefined);
  }
  return { c4, wake, rebuild, error };
}
