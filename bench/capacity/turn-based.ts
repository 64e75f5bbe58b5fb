/**
 * Edgeroom's turn-based figures, on its own server (pinned like the ramp's):
 *
 * - Connect Four input → ack: K rooms of two clients play seeded random legal
 *   moves with a think time; p50/p99 of send → `ack`, and server CPU per move
 *   (workerd CPU over the play, net of idle, ÷ acknowledged moves).
 * - Wake from hibernation: W rooms mid-game, sockets open (pinging, which the
 *   runtime answers without waking the object), left idle together long enough
 *   for workerd to evict idle objects; then, one room at a time, a `sync` frame
 *   on the open socket and the time to its reply. The operator metrics' `bornAt`
 *   afterwards tells whether a new instance answered (a real wake) or the old one
 *   was still in memory; only the former count as wakes. The public status's
 *   `stateHash` before the idle period and after the wake must be equal.
 * - Rebuild after eviction: the runtime is SIGKILLed and restarted on the same
 *   state; the first request to each room (GET status, which the object answers
 *   after loading its record from SQLite) is timed, and its `stateHash` compared
 *   with the one before the kill.
 */
import { randomBytes } from "node:crypto";
import WebSocket, { type RawData } from "ws";
import { Rng } from "../../src/games/rng";
import { decodeServerFrame, encodeFrame, type ClientFrame, type ServerFrame } from "../../src/protocol";
import { Api, type Guest } from "../../test/support/api";
import { cpuMs, findServerTree } from "../proc";
import { pool, sleep } from "../rooms";
import { startBenchServer, type BenchServer } from "../server";
import { round, summarize, type Summary } from "../stats";

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
  readonly wake: { readonly rooms: number; readonly evicted: number; readonly wakeMs: Summary; readonly warmMs: Summary; readonly hashEqual: number; readonly idleSeconds: number };
  readonly rebuild: { readonly rooms: number; readonly firstRequestMs: Summary; readonly hashEqual: number };
  readonly error: string | null;
}

/** A minimal Connect Four player: one socket, frames decoded by the protocol module, acks awaited by id. */
class C4Player {
  seat: number | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, (f: ServerFrame) => void>();
  private syncWaiter: ((at: number) => void) | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  readonly errors = new Map<string, number>();
  over = false;

  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data: RawData, isBinary: boolean) => this.onMessage(data, isBinary));
  }

  static connect(url: string): Promise<C4Player> {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 10_000 });
    const p = new C4Player(ws);
    return new Promise((resolve, reject) => {
      ws.once("open", () => {
        // The protocol's text heartbeat: answered by the runtime's auto-response, it does not wake the object.
        p.heartbeat = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send("ping"), 1000);
        resolve(p);
      });
      ws.once("error", reject);
    });
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    const at = performance.now();
    if (!isBinary) return;
    const decoded = decodeServerFrame(Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data));
    if (!decoded.ok) return void this.errors.set(decoded.code, (this.errors.get(decoded.code) ?? 0) + 1);
    const f = decoded.value;
    if (f.t === "welcome") this.seat = f.you.seat;
    else if (f.t === "sync") this.syncWaiter?.(at);
    else if (f.t === "update" && f.events.some((e) => e.type === "matchEnded")) this.over = true;
    else if (f.t === "ack" || f.t === "gameError") {
      if (f.t === "gameError") this.errors.set(f.code, (this.errors.get(f.code) ?? 0) + 1);
      this.waiting.get(f.id)?.(f);
      this.waiting.delete(f.id);
    }
  }

  private send(frame: ClientFrame): void {
    this.ws.send(encodeFrame(frame));
  }

  /** Drop a disc; resolves with the answer frame and the latency (ms), or null after 5 s. */
  async move(column: number): Promise<{ frame: ServerFrame; ms: number } | null> {
    const id = this.nextId++;
    const t0 = performance.now();
    const answer = new Promise<ServerFrame | null>((r) => {
      this.waiting.set(id, r);
      setTimeout(() => r(null), 5000).unref();
    });
    this.send({ t: "input", id, data: { type: "dropDisc", column } });
    const frame = await answer;
    return frame ? { frame, ms: performance.now() - t0 } : null;
  }

  /** A clock-sync frame and the time to its reply (ms), or null after 10 s. */
  async sync(): Promise<number | null> {
    const t0 = performance.now();
    const reply = new Promise<number | null>((r) => {
      this.syncWaiter = r;
      setTimeout(() => r(null), 10_000).unref();
    });
    this.send({ t: "sync", c: Date.now() });
    const at = await reply;
    this.syncWaiter = null;
    return at === null ? null : at - t0;
  }

  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.ws.terminate();
  }
}

interface C4Room {
  readonly matchId: string;
  readonly players: C4Player[];
  heights: number[];
  turn: number;
}

async function openC4(api: Api, a: Guest, b: Guest): Promise<C4Room> {
  const matchId = await api.createMatch(a.token, { game: "connect-four", seats: 2 });
  const players = await Promise.all([a, b].map(async (g) => C4Player.connect((await api.ticket(g.token, matchId)).url)));
  const status = (await (await api.status(matchId)).json()) as { turn: number | null };
  return { matchId, players, heights: [0, 0, 0, 0, 0, 0, 0], turn: status.turn ?? 0 };
}

/** One move by the seat to move: a seeded random legal column. */
async function playMove(room: C4Room, rng: Rng): Promise<{ ms: number; ok: boolean } | null> {
  const player = room.players.find((p) => p.seat === room.turn);
  const legal = room.heights.map((h, c) => (h < 6 ? c : -1)).filter((c) => c >= 0);
  if (!player || legal.length === 0 || player.over) return null;
  const column = legal[rng.int(legal.length)] as number;
  const r = await player.move(column);
  if (!r) return null;
  if (r.frame.t === "gameError" && r.frame.code === "NOT_YOUR_TURN") room.turn = 1 - room.turn;
  if (r.frame.t === "gameError" && r.frame.code === "MATCH_OVER") return null;
  if (r.frame.t !== "ack") return { ms: r.ms, ok: false };
  room.heights[column] = (room.heights[column] ?? 0) + 1;
  room.turn = 1 - room.turn;
  return { ms: r.ms, ok: true };
}

function errorsOf(room: C4Room): number {
  return room.players.reduce((s, p) => s + [...p.errors.values()].reduce((a, b) => a + b, 0), 0);
}

async function statusHash(api: Api, matchId: string): Promise<{ hash: string | null; ms: number }> {
  const t0 = performance.now();
  const res = await api.status(matchId);
  const json = (await res.json()) as { stateHash?: string | null };
  return { hash: json.stateHash ?? null, ms: performance.now() - t0 };
}

export async function runTurnBased(cfg: TurnBasedConfig, log: (m: string) => void): Promise<TurnBasedResult> {
  const operatorToken = randomBytes(24).toString("hex");
  let server: BenchServer | null = null;
  const players: C4Player[] = [];
  const empty = summarize([]);
  let c4: TurnBasedResult["c4"] = { rooms: 0, moves: 0, ackMs: empty, cpuUsPerMoveNet: NaN, seconds: 0, errors: {} };
  let wake: TurnBasedResult["wake"] = { rooms: 0, evicted: 0, wakeMs: empty, warmMs: empty, hashEqual: 0, idleSeconds: cfg.idleSeconds };
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
    const total = cfg.rooms + cfg.wakeRooms;
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

    // Wake from hibernation.
    const wakeRooms = await pool(Array.from({ length: cfg.wakeRooms }, (_, i) => i), 8, (i) => openC4(api, guests[2 * (cfg.rooms + i)] as Guest, guests[2 * (cfg.rooms + i) + 1] as Guest));
    players.push(...wakeRooms.flatMap((r) => r.players));
    const rng = new Rng(99);
    const warm: number[] = [];
    for (const room of wakeRooms) {
      await playMove(room, rng);
      await playMove(room, rng);
      const ms = await room.players[0]?.sync();
      if (ms !== null && ms !== undefined) warm.push(ms);
    }
    const hashesBefore = await pool(wakeRooms, 8, (r) => statusHash(api, r.matchId));
    const idleFrom = Date.now();
    log(`  wake: ${wakeRooms.length} rooms idle for ${cfg.idleSeconds} s (sockets open, pinging)`);
    await sleep(cfg.idleSeconds * 1000);
    const wakeMs: number[] = [];
    let evicted = 0;
    let hashEqual = 0;
    for (const [i, room] of wakeRooms.entries()) {
      const ms = await room.players[0]?.sync();
      const metrics = await fetch(`${srv.base}/api/matches/${room.matchId}/metrics`, { headers: { Authorization: `Bearer ${operatorToken}` } });
      const bornAt = ((await metrics.json()) as { counters?: { bornAt?: number } }).counters?.bornAt ?? 0;
      const after = await statusHash(api, room.matchId);
      if (after.hash !== null && after.hash === hashesBefore[i]?.hash) hashEqual += 1;
      if (bornAt > idleFrom && ms !== null && ms !== undefined) {
        evicted += 1;
        wakeMs.push(ms);
      }
    }
    wake = { rooms: wakeRooms.length, evicted, wakeMs: summarize(wakeMs), warmMs: summarize(warm), hashEqual, idleSeconds: cfg.idleSeconds };
    log(`  wake: ${evicted}/${wakeRooms.length} rooms had been evicted; wake p50/p99 ${wake.wakeMs.p50}/${wake.wakeMs.p99} ms (warm ${wake.warmMs.p50}/${wake.warmMs.p99}); hash equal ${hashEqual}/${wakeRooms.length}`);

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
