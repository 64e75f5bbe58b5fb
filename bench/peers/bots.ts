/**
 * Bot clients for the two peer systems, with the same brain and the same
 * records as Edgeroom's bot (bench/bot.ts): on every state the client
 * receives, the brain (`decide` in bench/reactive.ts, on Edgeroom's quantised
 * frame layout) plans the scripted runner's jumps and ducks up to 400 ms ahead
 * and the bot sends each input stamped with its tick and an increasing id
 * (plus a button-less probe every 2 s, the ack-latency sample);
 * arrival times are performance.now() when the message event fires; the
 * recorded size is the WebSocket message payload.
 *
 * - Colyseus: the colyseus.js client (matchmaking over HTTP, then its
 *   WebSocket), `room.send("input", …)`, `room.onMessage("ack", …)`; the state
 *   is Colyseus's decoded Schema, read after each full state or patch.
 * - PartyServer: a plain `ws` client (what partysocket wraps), JSON text both ways.
 *
 * Neither sends application heartbeats: Colyseus's transport pings at the
 * WebSocket level by itself; PartyServer apps usually send none.
 */
import WebSocket, { type RawData } from "ws";
import { Client, type Room } from "colyseus.js";
import { quantize, type RunnerState } from "../../src/games/runner";
import type { BotSamples } from "../analyze";
import type { BotCounters, FlushMark, SnapSample } from "../bot";
import { decide, newBotMemory } from "../reactive";
import { toQuantised, type RoomStateView } from "./colyseus/state";

/** Everything a peer bot records and decides, independent of the wire. */
export abstract class PeerBot implements BotSamples {
  readonly snaps: SnapSample[] = [];
  readonly otherFrames: { at: number; t: string; bytes: number }[] = [];
  readonly inputs: { id: number; sentAt: number; tick: number; ackAt: number | null; probe: boolean }[] = [];
  /** Not used by the peers' cost model (they count operations on the server). */
  readonly appliedMarks: FlushMark[] = [];
  readonly eventMarks: FlushMark[] = [];
  readonly errors = new Map<string, number>();
  readonly counters: BotCounters = { inputs: 0, pings: 0, bytesOut: 0 };
  seat: number | null = null;
  knockedOut = false;
  matchOver = false;
  closeCode: number | null = null;
  private nextId = 1;
  /** Input records by id (records, not indices: the load generator trims `inputs` between windows). */
  private readonly byId = new Map<number, { ackAt: number | null }>();
  private readonly mem = newBotMemory();
  private lastTick = -1;

  abstract get open(): boolean;
  abstract close(): void;
  abstract terminate(): void;
  protected abstract sendInput(id: number, input: { tick: number; jump?: boolean; duck?: boolean }): number;

  protected count(key: string): void {
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }

  /**
   * Passive bots (the capacity bench: three of a room's four) do not decode states; they record arrival
   * and size, and send what the room's driving bot decides for their seat.
   */
  protected passive = false;
  private followers: PeerBot[] = [];

  /** Make this bot decide for `followers` too (same room, same state), and make them passive. */
  drive(followers: readonly PeerBot[]): void {
    this.followers = [...followers];
    for (const f of followers) f.passive = true;
  }

  /** A passive bot's state message: arrival and size only (the tick is not decoded). */
  protected onPassiveState(at: number, bytes: number, key: boolean): void {
    this.snaps.push({ at, tick: -1, bytes, key });
  }

  /** A state arrived: record it (a new tick only: the server sends nothing else in a state message), then play. */
  protected onState(at: number, quantised: number[], bytes: number, key: boolean): void {
    const tick = quantised[0] ?? 0;
    if (tick === this.lastTick && !key) return;
    this.lastTick = tick;
    this.snaps.push({ at, tick, bytes, key });
    this.play(quantised);
    for (const f of this.followers) f.play(quantised);
  }

  private play(quantised: number[]): void {
    if (this.seat === null || this.knockedOut || this.matchOver) return;
    let decision;
    try {
      decision = decide(quantised, this.seat, this.mem);
    } catch {
      return this.count("bad-state");
    }
    if (decision.kind === "out") this.knockedOut = true;
    if (decision.kind === "over") this.matchOver = true;
    if (decision.kind !== "inputs" || !this.open) return;
    for (const { input, probe } of decision.inputs) {
      const id = this.nextId++;
      const rec = { id, sentAt: performance.now(), tick: input.tick, ackAt: null as number | null, probe };
      this.byId.set(id, rec);
      this.inputs.push(rec);
      this.counters.bytesOut += this.sendInput(id, input);
      this.counters.inputs += 1;
    }
  }

  protected onAck(id: number, at: number): void {
    const rec = this.byId.get(id);
    if (rec && rec.ackAt === null) rec.ackAt = at;
  }
}

/** The colyseus.js protocol codes the bot tells apart (Protocol in colyseus.js). */
const ROOM_STATE = 14;
const ROOM_STATE_PATCH = 15;

export class ColyseusBot extends PeerBot {
  private constructor(private readonly room: Room) {
    super();
    const ws = (room.connection.transport as unknown as { ws: { onmessage: (ev: { data: ArrayBuffer }) => void } }).ws;
    const original = ws.onmessage;
    // Wrap the client's own handler: stamp the arrival and size, let colyseus.js decode, then read its state.
    ws.onmessage = (ev: { data: ArrayBuffer }) => {
      const at = performance.now();
      const bytes = ev.data.byteLength;
      const code = new Uint8Array(ev.data, 0, 1)[0];
      // A passive bot lets colyseus.js decode the full state once (it needs a baseline), then counts patches only.
      if (this.passive && code === ROOM_STATE_PATCH) return this.onPassiveState(at, bytes, false);
      original.call(ws, ev);
      if (code === ROOM_STATE || code === ROOM_STATE_PATCH) this.onState(at, toQuantised(room.state as RoomStateView), bytes, code === ROOM_STATE);
      else this.otherFrames.push({ at, t: String(code), bytes });
    };
    room.onMessage("seat", (seat: number) => {
      this.seat = seat;
    });
    room.onMessage("ack", (id: number) => this.onAck(id, performance.now()));
    room.onMessage("reject", (m: { code?: string }) => this.count(`reject:${m.code ?? "?"}`));
    room.onLeave((code: number) => {
      this.closeCode = code;
    });
    room.onError((code: number) => this.count(`error:${code}`));
  }

  /** The first bot of a room creates it (matchmaking), the others join it by id. */
  static async create(client: Client, options: { seed: number; durationSeconds: number }): Promise<ColyseusBot> {
    return ColyseusBot.attach(await client.create("runner", options));
  }

  static async join(client: Client, roomId: string): Promise<ColyseusBot> {
    return ColyseusBot.attach(await client.joinById(roomId));
  }

  private static attach(room: Room): ColyseusBot {
    return new ColyseusBot(room);
  }

  get roomId(): string {
    return this.room.roomId;
  }

  get open(): boolean {
    return this.room.connection.isOpen;
  }

  close(): void {
    if (this.open) void this.room.leave(true).catch(() => undefined);
  }

  terminate(): void {
    (this.room.connection.transport as unknown as { ws: WebSocket }).ws.terminate?.();
  }

  protected sendInput(id: number, input: { tick: number; jump?: boolean; duck?: boolean }): number {
    const message = { id, ...input };
    this.room.send("input", message);
    // colyseus.js frames it as [ROOM_DATA, type string, msgpack body]: about 1 + 6 + the body.
    return 7 + approxMsgpackBytes(message);
  }
}

/** Rough msgpack size of a small flat object (for the bytes-up figure only). */
function approxMsgpackBytes(o: Record<string, unknown>): number {
  let n = 1;
  for (const [k, v] of Object.entries(o)) n += 1 + k.length + (typeof v === "number" ? (v < 128 ? 1 : v < 65536 ? 3 : 5) : 1);
  return n;
}

export class PartyBot extends PeerBot {
  private constructor(private readonly ws: WebSocket) {
    super();
    ws.on("message", (data: RawData) => this.onMessage(data));
    ws.on("close", (code: number) => {
      this.closeCode = code;
    });
    ws.on("error", (err: Error) => this.count(`socket:${err.message}`));
  }

  static connect(url: string, timeoutMs = 10_000): Promise<PartyBot> {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    const bot = new PartyBot(ws);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(bot));
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000, "bench done");
  }

  terminate(): void {
    this.ws.terminate();
  }

  private first = true;

  private onMessage(data: RawData): void {
    const at = performance.now();
    const text = String(data);
    // A passive bot does not parse states (the bench's own JSON wire: a state message starts so).
    if (this.passive && !this.first && text.startsWith('{"type":"state"')) return this.onPassiveState(at, Buffer.byteLength(text), false);
    let msg: { type?: string; seat?: number; id?: number; state?: RunnerState; code?: string };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return this.count("bad-json");
    }
    const bytes = Buffer.byteLength(text);
    if (msg.type === "state" && msg.state) {
      this.onState(at, quantize(msg.state), bytes, this.first);
      this.first = false;
      return;
    }
    this.otherFrames.push({ at, t: msg.type ?? "?", bytes });
    if (msg.type === "welcome" && typeof msg.seat === "number") this.seat = msg.seat;
    else if (msg.type === "ack" && typeof msg.id === "number") this.onAck(msg.id, at);
    else if (msg.type === "reject") this.count(`reject:${msg.code ?? "?"}`);
  }

  protected sendInput(id: number, input: { tick: number; jump?: boolean; duck?: boolean }): number {
    const text = JSON.stringify({ type: "input", id, ...input });
    this.ws.send(text);
    return Buffer.byteLength(text);
  }
}
