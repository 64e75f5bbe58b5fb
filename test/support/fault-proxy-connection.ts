/**
 * One accepted client connection and its paired connection to the target,
 * with the faults that can be injected into it. Each fault is defined by
 * what the two peers observe at the TCP level (RST, FIN, silence), because
 * that is what the code under test has to cope with.
 */
import { connect, type Socket } from "node:net";
import { Rng, mixSeed } from "../../src/games/rng";
import { FrameTracker, chooseCut } from "./fault-proxy-frames";
import { Lane, laneSeed, type Direction, type LinkSettings } from "./fault-proxy-link";

export type FaultKind = "reset" | "close" | "cutMidFrame" | "blackhole";

export interface CutReport {
  direction: Direction;
  /** Bytes of the cut chunk that were forwarded. */
  forwardedOfChunk: number;
  chunkLength: number;
  /** Bytes of the interrupted frame forwarded in total: 0 < frameOffset < frameLength. */
  frameOffset: number;
  /** Header + payload length of the interrupted frame (null if its header was itself cut short). */
  frameLength: number | null;
}

export interface ConnectionOptions {
  id: number;
  seed: number;
  target: { host: string; port: number };
  links: Record<Direction, LinkSettings>;
  /** Pause between flushing a cut's partial bytes and the RST (see cutMidFrame). */
  cutGraceMs: number;
  onFault: (kind: FaultKind) => void;
}

type State = "open" | "closing" | "cutting" | "blackholed" | "reset" | "closed";

export class ProxyConnection {
  readonly id: number;
  /** Resolves when both sockets have closed, however that happened. */
  readonly closed: Promise<void>;
  lastCut: CutReport | null = null;
  private state: State = "open";
  private readonly client: Socket;
  private readonly server: Socket;
  private readonly lanes: Record<Direction, Lane>;
  private readonly trackers: Record<Direction, FrameTracker> = { up: new FrameTracker("up"), down: new FrameTracker("down") };
  private readonly faultRng: Rng;
  private readonly armed: Partial<Record<Direction, (r: CutReport | null) => void>> = {};
  private graceTimer: NodeJS.Timeout | null = null;
  private cutInFlight: ((r: CutReport | null) => void) | null = null;

  constructor(client: Socket, private readonly opts: ConnectionOptions) {
    this.id = opts.id;
    this.client = client;
    // allowHalfOpen on both sides so a FIN from one peer is forwarded as a
    // FIN, after queued bytes, rather than closing the whole connection.
    this.server = connect({ host: opts.target.host, port: opts.target.port, allowHalfOpen: true });
    for (const s of [client, this.server]) s.setNoDelay(true);
    this.faultRng = new Rng(mixSeed(mixSeed(opts.seed, opts.id), 3));
    const lane = (dir: Direction, src: Socket, dst: Socket) =>
      new Lane(src, dst, { ...opts.links[dir] }, new Rng(laneSeed(opts.seed, opts.id, dir)));
    this.lanes = { up: lane("up", client, this.server), down: lane("down", this.server, client) };
    this.closed = Promise.all([closeOf(client), closeOf(this.server)]).then(() => this.finish());
    this.wire(client, "up", this.server);
    this.wire(this.server, "down", client);
  }

  get bytesUp(): number {
    return this.lanes.up.forwarded;
  }
  get bytesDown(): number {
    return this.lanes.down.forwarded;
  }
  /** WebSocket frames fully received by the proxy, per direction. */
  get frames(): Record<Direction, number> {
    return { up: this.trackers.up.framesSeen, down: this.trackers.down.framesSeen };
  }
  /** Applied per-chunk delays so far (bounded history), for determinism checks. */
  delays(direction: Direction): readonly number[] {
    return this.lanes[direction].delays;
  }
  /** Number of write() calls made towards the peer in that direction. */
  writes(direction: Direction): number {
    return this.lanes[direction].writes;
  }
  get isClosed(): boolean {
    return this.state === "closed";
  }
  /** Live connections are those a fault can still act on. */
  get isLive(): boolean {
    return this.state === "open" || this.state === "blackholed";
  }

  setLink(link: Partial<LinkSettings>, direction: Direction | "both" = "both"): void {
    for (const d of dirs(direction)) Object.assign(this.lanes[d].link, link);
  }

  /** RST both peers now; queued bytes are dropped. Works from any live state, including blackholed. */
  reset(): void {
    if (this.state === "closed" || this.state === "reset") return;
    this.opts.onFault("reset");
    this.abort();
  }

  /** Graceful close: stop accepting new bytes, flush what is queued, then FIN both peers. */
  close(): void {
    if (!this.isLive) return;
    this.opts.onFault("close");
    this.state = "closing";
    for (const s of [this.client, this.server]) s.resume(); // keep reading so the peers' FINs are seen
    for (const lane of Object.values(this.lanes)) {
      lane.seal();
      lane.endAfterDrain();
    }
  }

  /**
   * Arm a cut on the next chunk in `direction` that carries WebSocket frame
   * bytes: forward it only up to a seeded point strictly inside a frame, then
   * RST both peers. Resolves with the report, or null if the connection ended first.
   *
   * The RST waits until the partial bytes are flushed, two event-loop turns
   * (so an in-process peer has read them) and `cutGraceMs` (for a peer in
   * another process): Linux discards unread received data when a RST arrives,
   * so resetting at once would deliver nothing and the cut would not be mid-frame.
   */
  cutMidFrame(direction: Direction = "down"): Promise<CutReport | null> {
    if (!this.isLive || this.state === "blackholed") return Promise.resolve(null);
    return new Promise((resolve) => {
      const previous = this.armed[direction];
      this.armed[direction] = resolve;
      previous?.(null);
    });
  }

  /**
   * Half-open link: forward nothing more in either direction, drop what is
   * queued, and stop reading both sockets, without FIN or RST. Both peers
   * keep an open socket on which nothing arrives; their writes pile up in
   * kernel buffers. Only reset() or FaultProxy.stop() ends it.
   */
  blackhole(): void {
    if (this.state !== "open") return;
    this.opts.onFault("blackhole");
    this.state = "blackholed";
    for (const lane of Object.values(this.lanes)) lane.halt();
    this.client.pause();
    this.server.pause();
  }

  /** Teardown used by FaultProxy.stop(): not a fault, just make sure no handle survives. */
  destroy(): void {
    this.halt();
    this.state = this.state === "closed" ? "closed" : "reset";
    this.client.destroy();
    this.server.destroy();
  }

  private wire(src: Socket, dir: Direction, other: Socket): void {
    src.on("data", (chunk: Buffer) => this.ingress(dir, chunk));
    src.on("end", () => {
      if (this.state === "open" || this.state === "closing") this.lanes[dir].endAfterDrain();
    });
    // An abrupt failure on one side (RST, refused connect) is mirrored as a
    // RST on the other, except through a blackhole, which passes nothing.
    src.on("error", () => {
      if (this.state === "open" || this.state === "closing") {
        this.state = "reset";
        this.halt();
        other.resetAndDestroy();
      }
    });
  }

  private ingress(dir: Direction, chunk: Buffer): void {
    if (this.state !== "open") return; // closing: discard; cutting/blackholed/reset: nothing passes
    const scan = this.trackers[dir].feed(chunk);
    const resolve = this.armed[dir];
    const cut = resolve ? chooseCut(scan, chunk.length, this.faultRng) : null;
    if (!resolve || !cut) return this.lanes[dir].push(chunk);
    delete this.armed[dir];
    this.cutInFlight = resolve;
    this.state = "cutting";
    this.client.pause();
    this.server.pause();
    const lane = this.lanes[dir];
    lane.push(chunk.subarray(0, cut.cutAt));
    lane.seal();
    this.lanes[dir === "up" ? "down" : "up"].halt();
    this.lastCut = { direction: dir, forwardedOfChunk: cut.cutAt, chunkLength: chunk.length, frameOffset: cut.frameOffset, frameLength: cut.frameLength };
    this.opts.onFault("cutMidFrame");
    const report = this.lastCut;
    void lane.whenDrained().then(() => {
      if (this.state !== "cutting") return resolve(null);
      this.graceTimer = setTimeout(() => {
        this.graceTimer = null;
        setImmediate(() =>
          setImmediate(() => {
            if (this.state !== "cutting") return resolve(null);
            this.abort();
            resolve(report);
          }),
        );
      }, this.opts.cutGraceMs);
      this.graceTimer.unref();
    });
  }

  private abort(): void {
    this.state = "reset";
    this.halt();
    this.client.resetAndDestroy();
    this.server.resetAndDestroy();
  }

  private halt(): void {
    for (const lane of Object.values(this.lanes)) lane.halt();
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = null;
  }

  private finish(): void {
    this.state = "closed";
    this.halt();
    // Settle every cut promise; resolving one that already resolved is a no-op.
    this.cutInFlight?.(null);
    for (const d of dirs("both")) {
      this.armed[d]?.(null);
      delete this.armed[d];
    }
  }
}

function dirs(direction: Direction | "both"): Direction[] {
  return direction === "both" ? ["up", "down"] : [direction];
}

function closeOf(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.once("close", () => resolve()));
}
