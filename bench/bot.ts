/**
 * One bot client: a real WebSocket (the `ws` package, no compression) that
 * heartbeats, applies keyframe/delta snapshots, plays with the reactive bot and
 * records what the figures need, stamped with performance.now() on arrival.
 * Frames are decoded by the protocol module and snapshots rebuilt by the SDK's
 * SnapshotStream, so the bot follows the wire format wherever it goes.
 */
import WebSocket, { type RawData } from "ws";
import { SnapshotStream } from "../src/client/realtime/snapshot-stream";
import { decodeServerFrame, encodeFrame, type ClientFrame } from "../src/protocol";
import { decide, newBotMemory } from "./reactive";

export interface SnapSample {
  readonly at: number;
  readonly tick: number;
  /** msgpack payload bytes of the frame. */
  readonly bytes: number;
  readonly key: boolean;
}

/** A room flush that persisted something, keyed by the tick of the snapshot it was sent with. */
export interface FlushMark {
  readonly at: number;
  readonly snapTick: number;
}

export interface BotCounters {
  inputs: number;
  pings: number;
  bytesOut: number;
}

export class Bot {
  readonly snaps: SnapSample[] = [];
  /** Non-snapshot frames received (welcome, update, ack, errors): arrival and size. */
  readonly otherFrames: { at: number; t: string; bytes: number }[] = [];
  /** Send time of each input and the time its ack arrived (null while unacknowledged); `probe`: an ack-latency sample (bench/reactive.ts). */
  readonly inputs: { id: number; sentAt: number; tick: number; ackAt: number | null; probe: boolean }[] = [];
  /** Acks (inputs applied) and updates with events (journal writes), by the snapshot of their flush. */
  readonly appliedMarks: FlushMark[] = [];
  readonly eventMarks: FlushMark[] = [];
  readonly errors = new Map<string, number>();
  readonly counters: BotCounters = { inputs: 0, pings: 0, bytesOut: 0 };
  seat: number | null = null;
  knockedOut = false;
  matchOver = false;
  closeCode: number | null = null;
  private readonly stream = new SnapshotStream();
  private nextId = 1;
  /** Input records by id (records, not indices: the load generator trims `inputs` between windows). */
  private readonly byId = new Map<number, { ackAt: number | null }>();
  private readonly mem = newBotMemory();
  private awaitingSnap: { kind: "applied" | "event"; at: number }[] = [];
  private heartbeat: ReturnType<typeof setInterval> | null = null;

  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data: RawData, isBinary: boolean) => this.onMessage(data, isBinary));
    ws.on("close", (code: number) => {
      this.closeCode = code;
      this.stopHeartbeat();
    });
    ws.on("error", (err: Error) => this.count(`socket:${err.message}`));
  }

  static connect(url: string, timeoutMs = 10_000): Promise<Bot> {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    const bot = new Bot(ws);
    return new Promise((resolve, reject) => {
      ws.once("open", () => {
        bot.startHeartbeat();
        resolve(bot);
      });
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** The protocol's text heartbeat; a real-time room declares a socket dead after 5 s of silence. */
  private startHeartbeat(): void {
    this.heartbeat = setInterval(() => {
      if (!this.open) return;
      this.ws.send("ping");
      this.counters.pings += 1;
      this.counters.bytesOut += 4;
    }, 1000);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  close(): void {
    this.stopHeartbeat();
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000, "bench done");
  }

  /** Forcefully drop the TCP connection (cleanup after errors). */
  terminate(): void {
    this.stopHeartbeat();
    this.ws.terminate();
  }

  private count(key: string): void {
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }

  private send(frame: ClientFrame): void {
    const bytes = encodeFrame(frame);
    this.ws.send(bytes);
    this.counters.bytesOut += bytes.byteLength;
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    const at = performance.now();
    if (!isBinary) return; // "pong"
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    const decoded = decodeServerFrame(buf);
    if (!decoded.ok) {
      this.count(`decode:${decoded.code}`);
      return;
    }
    const f = decoded.value;
    if (f.t !== "snap") this.otherFrames.push({ at, t: f.t, bytes: buf.byteLength });
    switch (f.t) {
      case "welcome":
        this.seat = f.you.seat;
        return;
      case "update":
        if (f.events.length > 0) this.awaitingSnap.push({ kind: "event", at });
        if (f.events.some((e) => e.type === "matchEnded")) this.matchOver = true;
        return;
      case "ack": {
        const rec = this.byId.get(f.id);
        if (rec && rec.ackAt === null && !f.dup) {
          rec.ackAt = at;
          this.awaitingSnap.push({ kind: "applied", at });
        }
        return;
      }
      case "gameError":
        this.count(`gameError:${f.code}`);
        return;
      case "error":
        this.count(`error:${f.code}`);
        return;
      case "snap":
        this.onSnap(at, f, buf.byteLength);
        return;
      default:
        return;
    }
  }

  /**
   * Passive bots (the capacity bench: three of a room's four) do not rebuild or read snapshots; they
   * record arrival, tick and size, and send what the room's driving bot decides for their seat.
   */
  private passive = false;
  private followers: Bot[] = [];

  /** Make this bot decide for `followers` too (same room, same state), and make them passive. */
  drive(followers: readonly Bot[]): void {
    this.followers = [...followers];
    for (const f of followers) f.passive = true;
  }

  private onSnap(at: number, frame: Parameters<SnapshotStream["apply"]>[0], bytes: number): void {
    if (this.passive) {
      this.snaps.push({ at, tick: frame.tick, bytes, key: frame.key });
      this.awaitingSnap = [];
      return;
    }
    const outcome = this.stream.apply(frame);
    this.snaps.push({ at, tick: outcome.tick, bytes, key: outcome.kind === "applied" && outcome.key });
    for (const w of this.awaitingSnap) (w.kind === "applied" ? this.appliedMarks : this.eventMarks).push({ at: w.at, snapTick: outcome.tick });
    this.awaitingSnap = [];
    if (outcome.kind !== "applied") return this.count(`snap-${outcome.reason}`);
    this.play(outcome.values);
    for (const f of this.followers) f.play(outcome.values);
  }

  /** Decide from the full quantised state for this bot's seat and send the inputs, if any. */
  private play(values: readonly number[]): void {
    if (this.seat === null || this.knockedOut || this.matchOver) return;
    let decision;
    try {
      decision = decide(values, this.seat, this.mem);
    } catch {
      return this.count("bad-quantised-frame");
    }
    if (decision.kind === "out") this.knockedOut = true;
    if (decision.kind === "over") this.matchOver = true;
    if (decision.kind !== "inputs" || !this.open) return;
    for (const { input, probe } of decision.inputs) {
      const id = this.nextId++;
      const rec = { id, sentAt: performance.now(), tick: input.tick, ackAt: null as number | null, probe };
      this.byId.set(id, rec);
      this.inputs.push(rec);
      this.send({ t: "input", id, data: input });
      this.counters.inputs += 1;
    }
  }
}
