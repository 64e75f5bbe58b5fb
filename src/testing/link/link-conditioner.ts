/**
 * A link conditioner between SDK clients and a hand-stepped room, in one
 * process: `joinMatch` gets this module's WebSocket class, ticket `fetch` and
 * timers, so the real SDK talks to the real room core through links with
 * latency, jitter and drops, all on the stepper's clock.
 *
 * WebSockets ride one TCP stream, so frames are never lost or reordered while
 * a link lives; "loss" is the link dying (the SDK must notice and resume), and
 * the only reordering is across a reconnect: frames the dead link still had in
 * flight to the room may arrive late, after the client re-sent them on its new
 * link (`straggleMs`).
 */
import * as z from "zod";
import { joinMatch } from "../../client/join-match";
import type { ClientOptions } from "../../client/client-types";
import type { FetchLike } from "../../client/ticket";
import type { WebSocketConstructor } from "../../client/transport";
import { Rng } from "../../games/rng";
import { CloseCode } from "../../protocol";
import type { RoomStepper } from "../room-stepper";
import { ConditionedSocket, type SocketLink } from "./conditioned-socket";
import { Scheduler } from "./scheduler";

export interface LinkProfile {
  /** One-way delay, in ms. */
  readonly latencyMs: number;
  /** Each frame's delay is latencyMs ± up to jitterMs (uniform), never below zero; order is kept. */
  readonly jitterMs?: number;
  /** Links die after a random lifetime in [min, max] ms from their open; omitted: links never die. */
  readonly dropAfterMs?: readonly [number, number];
  /**
   * Share (0…1) of drops that are silent: nobody is told, the client's heartbeat and the room's
   * heartbeat timeout must find out. The others are resets: the client sees close 1006 at once, the
   * room one delay later. Default 0.
   */
  readonly silentShare?: number;
  /** When set, frames a dying link had in flight to the room still arrive, this much later. Default: lost. */
  readonly straggleMs?: number;
  /** Seeds the delays, lifetimes and the SDK's backoff. */
  readonly seed: number;
}

export interface LinkStats {
  sockets: number;
  refused: number;
  resets: number;
  silentDrops: number;
  /** Frames from dead links that reached the room late. */
  stragglers: number;
}

const TicketBody = z.object({ role: z.enum(["player", "spectator"]) });
const BASE_URL = "http://edgeroom.test";

export class LinkConditioner implements SocketLink {
  readonly scheduler: Scheduler;
  readonly stats: LinkStats = { sockets: 0, refused: 0, resets: 0, silentDrops: 0, stragglers: 0 };
  private readonly rng: Rng;
  private readonly byConn = new Map<string, ConditionedSocket>();
  private readonly tickets = new Map<string, { playerId: string; role: "player" | "spectator" }>();
  private nextConn = 1;
  /** Set by `calm()`: links opened or scheduled to die from now on live. */
  private calmed = false;

  constructor(
    readonly room: RoomStepper,
    readonly profile: LinkProfile,
  ) {
    this.scheduler = new Scheduler(room);
    this.rng = new Rng(profile.seed);
    room.tap((out) => {
      const socket = this.byConn.get(out.conn);
      if (!socket) return;
      if (out.kind === "frame") this.down(socket, () => socket.fireMessage(out.bytes));
      else if (out.kind === "text") this.down(socket, () => socket.fireMessage(out.text));
      else this.down(socket, () => socket.fireClose(out.code, out.reason));
    });
  }

  /** The WebSocket class to give `joinMatch`: every socket it makes rides this conditioner. */
  get WebSocket(): WebSocketConstructor {
    const link: SocketLink = this;
    return class extends ConditionedSocket {
      constructor(url: string) {
        super(url, link);
      }
    };
  }

  /** The ticket endpoint: the bearer token is the player id; the answer takes one round trip. */
  readonly fetch: FetchLike = (_url, init) =>
    new Promise((resolve) => {
      const playerId = (init.headers["Authorization"] ?? "").replace(/^Bearer /, "");
      const body = TicketBody.safeParse(safeJson(init.body));
      const role = body.success ? body.data.role : "player";
      this.scheduler.at(this.room.now + this.delay() + this.delay(), () => {
        const ticket = `ticket-${this.tickets.size + 1}`;
        this.tickets.set(ticket, { playerId, role });
        const matchId = this.room.core.record.matchId;
        const answer = { ticket, expiresAt: this.room.now + 30_000, url: `ws://edgeroom.test/api/matches/${matchId}/ws?ticket=${ticket}&v=1` };
        resolve({ status: 200, json: async () => answer, text: async () => JSON.stringify(answer) });
      });
    });

  /** An SDK client for `playerId` over this conditioner (`overrides` win over the defaults here). */
  join<G = unknown>(playerId: string, role: "player" | "spectator" = "player", overrides: Partial<ClientOptions> = {}) {
    return joinMatch<G>({
      baseUrl: BASE_URL,
      matchId: this.room.core.record.matchId,
      getToken: async () => playerId,
      role,
      WebSocket: this.WebSocket,
      fetch: this.fetch,
      transport: "websocket",
      timers: this.scheduler,
      backoff: { random: () => this.rng.float() },
      onlineEvents: null,
      store: null,
      ...overrides,
    });
  }

  /**
   * Move time forward by `ms`: room alarms and loop ticks, frames in flight and SDK timers all run at
   * their moments, in time order (the room first on a tie), with promise callbacks settled in between.
   */
  async advance(ms: number): Promise<void> {
    const target = this.room.now + ms;
    for (;;) {
      await settle();
      const roomAt = Math.min(this.room.core.nextWakeAt(this.room.now) ?? Infinity, this.room.core.nextLoopAt(this.room.now) ?? Infinity);
      const linkAt = this.scheduler.nextAt() ?? Infinity;
      const next = Math.max(this.room.now, Math.min(roomAt, linkAt));
      if (next > target) break;
      if (roomAt <= linkAt) this.room.advance(next - this.room.now);
      else {
        this.room.advance(next - this.room.now);
        this.scheduler.runOne(this.room.now);
      }
    }
    if (target > this.room.now) this.room.advance(target - this.room.now);
    await settle();
  }

  /** Kill the live link of a connection now (see LinkProfile.silentShare for what each end is told). */
  drop(socket: ConditionedSocket, silent = false): void {
    if (socket.severed || socket.state === "closed") return;
    socket.severed = true;
    if (silent) {
      this.stats.silentDrops++;
      return;
    }
    this.stats.resets++;
    socket.fireClose(1006, "link reset", true);
    const conn = socket.connId;
    if (conn === null) return;
    // The room hears of it after the last frame still on its way (a straggler) or one delay, whichever is later.
    const at = Math.max(this.room.now + this.delay(), socket.upAt + (this.profile.straggleMs ?? 0) + 1);
    this.scheduler.at(at, () => this.room.disconnect(conn, 1006));
  }

  /** No more drops: every live link stays up (links already dead stay dead; the SDK reconnects as usual). */
  calm(): void {
    this.calmed = true;
  }

  /** Every socket the SDK opened that is still open at the client end. */
  openSockets(): ConditionedSocket[] {
    return [...this.byConn.values()].filter((s) => s.state === "open" && !s.severed);
  }

  // ------------------------------------------------------------ SocketLink: the server end

  opened(socket: ConditionedSocket): void {
    this.stats.sockets++;
    this.up(socket, () => this.handshake(socket));
  }

  sent(socket: ConditionedSocket, data: Uint8Array | string): void {
    this.up(socket, () => {
      if (socket.connId !== null) this.room.send(socket.connId, data);
    });
  }

  closedByClient(socket: ConditionedSocket, code: number, reason: string): void {
    this.up(socket, () => {
      if (socket.connId !== null) this.room.disconnect(socket.connId, code);
      // The room's close frame comes back one delay later.
      this.down(socket, () => socket.fireClose(code, reason));
    });
  }

  private handshake(socket: ConditionedSocket): void {
    const ticket = this.tickets.get(socket.param("ticket") ?? "");
    this.tickets.delete(socket.param("ticket") ?? "");
    // The open event is queued before anything the room says, as the 101 response precedes the first frame.
    this.down(socket, () => socket.fireOpen());
    if (!ticket) {
      this.stats.refused++;
      this.down(socket, () => socket.fireClose(CloseCode.AUTH_FAILED, "This join ticket was already used."));
      return;
    }
    const connId = `link-${this.nextConn++}`;
    socket.connId = connId;
    this.byConn.set(connId, socket);
    // Liveness comes only from the pings the SDK really sends, not from the stepper's simulated ones.
    this.room.silent.add(connId);
    const lastSeq = socket.param("lastSeq");
    const resume = lastSeq === null ? null : { session: socket.param("session"), lastSeq: Number(lastSeq) };
    const decision = this.room.connect(connId, ticket.playerId, ticket.role, Number(socket.param("v") ?? "1"), resume);
    if (!decision.accepted) {
      this.stats.refused++;
      this.down(socket, () => socket.fireClose(decision.code, decision.reason));
      return;
    }
    const [min, max] = this.profile.dropAfterMs ?? [Infinity, Infinity];
    if (Number.isFinite(min)) {
      const silent = this.rng.float() < (this.profile.silentShare ?? 0);
      this.scheduler.at(this.room.now + min + Math.floor(this.rng.float() * (max - min + 1)), () => {
        if (!this.calmed) this.drop(socket, silent);
      });
    }
  }

  /** Client → room: after the socket's previous upstream frame, and only while the path lives (or as a straggler). */
  private up(socket: ConditionedSocket, fn: () => void): void {
    if (socket.severed) return;
    const at = Math.max(socket.upAt, this.room.now + this.delay());
    socket.upAt = at;
    this.scheduler.at(at, () => {
      if (!socket.severed) return fn();
      if (this.profile.straggleMs === undefined) return;
      this.stats.stragglers++;
      this.scheduler.at(this.room.now + this.profile.straggleMs, fn);
    });
  }

  /** Room → client: in order, lost once the path is severed. */
  private down(socket: ConditionedSocket, fn: () => void): void {
    if (socket.severed) return;
    const at = Math.max(socket.downAt, this.room.now + this.delay());
    socket.downAt = at;
    this.scheduler.at(at, () => {
      if (!socket.severed) fn();
    });
  }

  private delay(): number {
    const jitter = this.profile.jitterMs ?? 0;
    return Math.max(0, Math.round(this.profile.latencyMs + (this.rng.float() * 2 - 1) * jitter));
  }
}

/**
 * Let every promise callback run (the SDK awaits its ticket and token): one turn of the event loop.
 * setImmediate is not a clock: nothing here waits on real time (but do not fake it with vi.useFakeTimers).
 */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
