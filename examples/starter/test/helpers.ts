/**
 * Talking to the worker from inside workerd: its HTTP API through SELF.fetch, and WebSockets from
 * SELF.fetch upgrades, with frames encoded and decoded by `edgeroom/protocol`.
 */
import { SELF } from "cloudflare:test";
import { decodeServerFrame, encodeFrame, type ClientFrame, type ServerFrame } from "edgeroom/protocol";

export const BASE = "https://starter.test";

export interface Guest {
  readonly playerId: string;
  readonly token: string;
}

async function post<T>(path: string, body: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token !== undefined) headers["Authorization"] = `Bearer ${token}`;
  const res = await SELF.fetch(`${BASE}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** POST /api/guest: a guest identity and its bearer token. */
export const guest = (name: string) => post<Guest>("/api/guest", { name });

/** POST /api/matches: a new match of `game`; returns its id. */
export async function createMatch(token: string, game: string): Promise<string> {
  return (await post<{ matchId: string }>("/api/matches", { game, mode: "pvp" }, token)).matchId;
}

/** POST /api/matches/:id/ticket: a short-lived single-use join ticket. */
export async function ticket(token: string, matchId: string): Promise<string> {
  return (await post<{ ticket: string }>(`/api/matches/${matchId}/ticket`, { role: "player" }, token)).ticket;
}

/** One player's socket: every decoded server frame is recorded; tests wait for the one they expect. */
export class Player {
  readonly frames: ServerFrame[] = [];
  private waiters: { match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void; reject: (e: Error) => void }[] = [];
  private consumed = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener("message", (ev) => {
      if (typeof ev.data === "string") return; // heartbeat text frames
      const decoded = decodeServerFrame(ev.data as ArrayBuffer);
      if (!decoded.ok) throw new Error(`undecodable frame: ${decoded.message}`);
      this.frames.push(decoded.value);
      const w = this.waiters.find((x) => x.match(decoded.value));
      if (w) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(decoded.value);
      }
    });
    ws.addEventListener("close", (ev) => {
      for (const w of this.waiters) w.reject(new Error(`socket closed (${ev.code}) while waiting`));
      this.waiters = [];
    });
  }

  /** Ticket, then `GET /api/matches/:id/ws?ticket=…` with `Upgrade: websocket` through the worker. */
  static async join(g: Guest, matchId: string): Promise<Player> {
    const t = await ticket(g.token, matchId);
    const res = await SELF.fetch(`${BASE}/api/matches/${matchId}/ws?ticket=${encodeURIComponent(t)}&v=1`, { headers: { Upgrade: "websocket" } });
    if (res.status !== 101 || res.webSocket === null) throw new Error(`upgrade failed: ${res.status} ${await res.text()}`);
    res.webSocket.accept();
    res.webSocket.binaryType = "arraybuffer";
    return new Player(res.webSocket);
  }

  send(frame: ClientFrame): void {
    this.ws.send(encodeFrame(frame));
  }

  /** The first frame (after the last one a wait returned) matching `match`. */
  next<T extends ServerFrame["t"]>(t: T, match: (f: Extract<ServerFrame, { t: T }>) => boolean = () => true): Promise<Extract<ServerFrame, { t: T }>> {
    const pred = (f: ServerFrame): f is Extract<ServerFrame, { t: T }> => f.t === t && match(f as Extract<ServerFrame, { t: T }>);
    const seen = this.frames.slice(this.consumed).findIndex(pred);
    if (seen >= 0) {
      this.consumed += seen + 1;
      return Promise.resolve(this.frames[this.consumed - 1] as Extract<ServerFrame, { t: T }>);
    }
    return new Promise((resolve, reject) => {
      this.waiters.push({ match: pred, resolve: (f) => ((this.consumed = this.frames.length), resolve(f as Extract<ServerFrame, { t: T }>)), reject });
    });
  }

  close(): void {
    this.ws.close(1000, "done");
  }
}
