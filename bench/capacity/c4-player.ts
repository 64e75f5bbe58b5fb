/**
 * A minimal Connect Four player for the turn-based phases of the capacity
 * bench (turn-based.ts, wake.ts): one socket, frames decoded by the protocol
 * module, acks awaited by id, the protocol's text heartbeat (answered by the
 * runtime's auto-response without waking the object); and the room helpers
 * around it.
 */
import WebSocket, { type RawData } from "ws";
import type { Rng } from "../../src/games/rng";
import { decodeServerFrame, encodeFrame, type ClientFrame, type ServerFrame } from "../../src/protocol";
import type { Api, Guest } from "../../test/support/api";

/** A minimal Connect Four player: one socket, frames decoded by the protocol module, acks awaited by id. */
export class C4Player {
  seat: number | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, (f: ServerFrame) => void>();
  private syncWaiter: ((at: number) => void) | null = null;
  private overWaiter: (() => void) | null = null;
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
    else if (f.t === "update" && f.events.some((e) => e.type === "matchEnded")) {
      this.over = true;
      this.overWaiter?.();
    }
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

  /** Resign; resolves true once this socket saw `matchEnded`, false after 10 s. */
  async resign(): Promise<boolean> {
    if (this.over) return true;
    const ended = new Promise<boolean>((r) => {
      this.overWaiter = () => r(true);
      setTimeout(() => r(false), 10_000).unref();
    });
    this.send({ t: "resign", id: this.nextId++ });
    const ok = await ended;
    this.overWaiter = null;
    return ok;
  }

  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.ws.terminate();
  }
}

export interface C4Room {
  readonly matchId: string;
  readonly players: C4Player[];
  heights: number[];
  turn: number;
}

export async function openC4(api: Api, a: Guest, b: Guest): Promise<C4Room> {
  const matchId = await api.createMatch(a.token, { game: "connect-four", seats: 2 });
  const players = await Promise.all([a, b].map(async (g) => C4Player.connect((await api.ticket(g.token, matchId)).url)));
  const status = (await (await api.status(matchId)).json()) as { turn: number | null };
  return { matchId, players, heights: [0, 0, 0, 0, 0, 0, 0], turn: status.turn ?? 0 };
}

/** One move by the seat to move: a seeded random legal column. */
export async function playMove(room: C4Room, rng: Rng): Promise<{ ms: number; ok: boolean } | null> {
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

export function errorsOf(room: C4Room): number {
  return room.players.reduce((s, p) => s + [...p.errors.values()].reduce((a, b) => a + b, 0), 0);
}

export async function statusHash(api: Api, matchId: string): Promise<{ hash: string | null; ms: number }> {
  const t0 = performance.now();
  const res = await api.status(matchId);
  const json = (await res.json()) as { stateHash?: string | null };
  return { hash: json.stateHash ?? null, ms: performance.now() - t0 };
}

