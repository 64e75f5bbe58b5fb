/**
 * The runner on PartyServer, written the way PartyServer's README and
 * examples do it: a `Server` subclass (a Durable Object) with hibernation on
 * (`static options = { hibernate: true }`), `onConnect` / `onMessage` /
 * `onClose`, `this.broadcast`, and `routePartykitRequest` for routing
 * (`/parties/runner-server/<room>`). Real-time games on PartyServer/PartyKit
 * keep the game state in memory and drive it with timers inside the object;
 * this one does the same: a 60 Hz `setInterval` runs the shared simulation
 * (fixed steps owed by the wall clock, as the Colyseus room does) and a 20 Hz
 * `setInterval` broadcasts the full game state as JSON text, as PartyServer's
 * examples send their state (`JSON.stringify`). Inputs are JSON text; each
 * applied input is acknowledged with `{"type":"ack","id"}` to its sender when
 * the step that applies it runs.
 *
 * Billable operations are counted in the object (incoming messages, storage
 * writes including PartyServer's own name record, alarms set and run, awake
 * time) and served on `GET /parties/runner-server/<room>?metrics=1`, so the
 * benchmark models the cost per room-hour from counted operations. That
 * request is not counted.
 */
import { routePartykitRequest, Server, type Connection, type ConnectionContext, type WSMessage } from "partyserver";
import { FixedClock, PeerMatch, SEATS, TICK_MS, TICKS_PER_SNAPSHOT } from "../match";

interface SeatState {
  readonly seat: number;
}

export interface PartyMetrics {
  /** Incoming WebSocket messages (billed 20:1 as requests). */
  messages: number;
  /** WebSocket upgrades accepted (requests). */
  connects: number;
  /** storage.put / delete calls and SQL statements run through ctx.storage (PartyServer's name record included). */
  storageWrites: number;
  alarmWrites: number;
  alarmRuns: number;
  /** ms between this instance's construction and now (the object stays awake while its timers run). */
  awakeMs: number;
  steps: number;
  droppedSteps: number;
  inputs: number;
  rejected: number;
  broadcasts: number;
}

export class RunnerServer extends Server {
  static override options = { hibernate: true };

  private match: PeerMatch | null = null;
  private readonly seats: (string | null)[] = new Array<string | null>(SEATS).fill(null);
  private seed = 1;
  private durationSeconds = 90;
  private simTimer: ReturnType<typeof setInterval> | null = null;
  private sendTimer: ReturnType<typeof setInterval> | null = null;
  private readonly bornAt = Date.now();
  private readonly ops = { messages: 0, connects: 0, storageWrites: 0, alarmWrites: 0, alarmRuns: 0, droppedSteps: 0, broadcasts: 0 };

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.countStorageWrites(ctx.storage);
  }

  /** Count every write that reaches storage, PartyServer's own included, by wrapping the storage methods. */
  private countStorageWrites(storage: DurableObjectStorage): void {
    const ops = this.ops;
    const wrap = <K extends "put" | "delete" | "deleteAll" | "setAlarm">(name: K, counter: "storageWrites" | "alarmWrites") => {
      const original = storage[name] as (...args: unknown[]) => unknown;
      try {
        (storage as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
          ops[counter] += 1;
          return original.apply(storage, args);
        };
      } catch {
        // A read-only binding: writes go uncounted (none of the game's own code writes).
      }
    };
    wrap("put", "storageWrites");
    wrap("delete", "storageWrites");
    wrap("deleteAll", "storageWrites");
    wrap("setAlarm", "alarmWrites");
  }

  override onConnect(connection: Connection<SeatState>, ctx: ConnectionContext): void {
    this.ops.connects += 1;
    const url = new URL(ctx.request.url);
    if (this.match === null && this.seats.every((s) => s === null)) {
      this.seed = Number(url.searchParams.get("seed") ?? 1) >>> 0;
      this.durationSeconds = Number(url.searchParams.get("duration") ?? 90);
    }
    const seat = this.seats.indexOf(null);
    if (seat < 0 || this.match !== null) {
      connection.close(4000, "room full");
      return;
    }
    this.seats[seat] = connection.id;
    connection.setState({ seat });
    connection.send(JSON.stringify({ type: "welcome", seat }));
    if (this.seats.every((s) => s !== null)) this.start();
  }

  override onMessage(connection: Connection<SeatState>, message: WSMessage): void {
    this.ops.messages += 1;
    const seat = connection.state?.seat;
    if (seat === undefined || this.match === null || typeof message !== "string") return;
    let msg: { type?: unknown; id?: unknown };
    try {
      msg = JSON.parse(message) as { type?: unknown; id?: unknown };
    } catch {
      return;
    }
    if (msg.type !== "input") return;
    const { type: _type, ...input } = msg;
    const admission = this.match.admit(seat, input);
    if (admission.ok && admission.dup) connection.send(JSON.stringify({ type: "ack", id: msg.id }));
    else if (!admission.ok) connection.send(JSON.stringify({ type: "reject", id: msg.id, code: admission.code }));
  }

  override onClose(connection: Connection<SeatState>): void {
    const seat = this.seats.indexOf(connection.id);
    if (seat < 0) return;
    this.seats[seat] = null;
    this.match?.forfeit(seat);
    if (this.seats.every((s) => s === null)) this.stop();
  }

  override async onAlarm(): Promise<void> {
    this.ops.alarmRuns += 1;
  }

  override onRequest(request: Request): Response {
    const url = new URL(request.url);
    if (url.searchParams.has("metrics")) return Response.json(this.metrics());
    return new Response("Not found", { status: 404 });
  }

  metrics(): PartyMetrics {
    const counts = this.match?.counts ?? { steps: 0, inputs: 0, rejected: 0 };
    return { ...this.ops, awakeMs: Date.now() - this.bornAt, steps: counts.steps, inputs: counts.inputs, rejected: counts.rejected };
  }

  private start(): void {
    const match = new PeerMatch({ seed: this.seed, durationSeconds: this.durationSeconds });
    this.match = match;
    const clock = new FixedClock(Date.now());
    this.simTimer = setInterval(() => {
      const owed = clock.owed(Date.now());
      this.ops.droppedSteps += owed.dropped;
      for (let i = 0; i < owed.steps; i++) {
        const out = match.stepOnce();
        for (const a of out.applied) this.sendTo(a.seat, JSON.stringify({ type: "ack", id: a.id }));
        if (out.ended) break;
      }
    }, TICK_MS);
    this.sendTimer = setInterval(() => {
      this.broadcast(JSON.stringify({ type: "state", state: match.state }));
      this.ops.broadcasts += 1;
      if (match.over) this.stop();
    }, TICK_MS * TICKS_PER_SNAPSHOT);
  }

  private stop(): void {
    if (this.simTimer !== null) clearInterval(this.simTimer);
    if (this.sendTimer !== null) clearInterval(this.sendTimer);
    this.simTimer = null;
    this.sendTimer = null;
  }

  private sendTo(seat: number, text: string): void {
    const id = this.seats[seat];
    if (id) this.getConnection(id)?.send(text);
  }
}

export default {
  // The binding is `RunnerServer` (wrangler.jsonc), routed as /parties/runner-server/<room>.
  async fetch(request: Request, env: Cloudflare.Env): Promise<Response> {
    if (new URL(request.url).pathname === "/health") return new Response("ok");
    return (await routePartykitRequest(request, env)) ?? new Response("Not found", { status: 404 });
  },
};
