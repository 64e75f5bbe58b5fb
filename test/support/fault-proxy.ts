/**
 * A seeded fault-injection TCP proxy for tests: put it between WebSocket
 * clients and a real `wrangler dev` on loopback to condition the link and
 * break connections in precise, reproducible ways.
 *
 * Every random choice (jitter, cut positions) comes from the seed, split per
 * connection and per direction, so one seed always yields the same schedule
 * even though TCP chunking on loopback varies from run to run.
 *
 *   const proxy = await FaultProxy.start({ target: { host: "127.0.0.1", port }, seed: 7 });
 *   proxy.setLink({ delayMs: 20, jitterMs: 30 });
 *   const ws = new WebSocket(`ws://127.0.0.1:${proxy.port}/...`);
 *   const conn = await proxy.nextConnection();
 *   await conn.cutMidFrame("down");
 *   await proxy.stop();
 */
import { createServer, type Server, type Socket } from "node:net";
import { ProxyConnection, type FaultKind } from "./fault-proxy-connection";
import { IDEAL_LINK, type Direction, type LinkSettings } from "./fault-proxy-link";

export { ProxyConnection, type CutReport, type FaultKind } from "./fault-proxy-connection";
export { IDEAL_LINK, delaySchedule, type Direction, type LinkSettings } from "./fault-proxy-link";
export { FrameTracker, chooseCut } from "./fault-proxy-frames";

export interface FaultProxyOptions {
  target: { host: string; port: number };
  seed: number;
  listenHost?: "127.0.0.1";
  /** Default link for new connections (both directions). */
  link?: Partial<LinkSettings>;
  /** Extra pause before the RST of a cutMidFrame, for peers in another process. Default 10 ms. */
  cutGraceMs?: number;
}

export interface FaultProxyStats {
  accepted: number;
  faults: Record<FaultKind, number>;
}

type ConnectionListener = (conn: ProxyConnection) => void;

export class FaultProxy {
  /** Every accepted connection, in accept order (closed ones included). */
  readonly connections: ProxyConnection[] = [];
  readonly stats: FaultProxyStats = { accepted: 0, faults: { reset: 0, close: 0, cutMidFrame: 0, blackhole: 0 } };
  private readonly links: Record<Direction, LinkSettings>;
  private readonly listeners = new Set<ConnectionListener>();
  private stopped = false;
  private stopping: Promise<void> | null = null;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly seed: number,
    private readonly opts: FaultProxyOptions,
  ) {
    this.links = { up: { ...IDEAL_LINK, ...opts.link }, down: { ...IDEAL_LINK, ...opts.link } };
    server.on("connection", (socket) => this.accept(socket));
  }

  static async start(opts: FaultProxyOptions): Promise<FaultProxy> {
    // allowHalfOpen: a client's FIN must not close our side before queued
    // server bytes are forwarded; the connection decides when to end.
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: false });
    const port = await new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, opts.listenHost ?? "127.0.0.1", () => {
        server.off("error", reject);
        const addr = server.address();
        resolve(typeof addr === "object" && addr ? addr.port : 0);
      });
    });
    return new FaultProxy(server, port, opts.seed, opts);
  }

  /** Set the default link for connections accepted from now on. */
  setLink(link: Partial<LinkSettings>, direction: Direction | "both" = "both"): void {
    for (const d of direction === "both" ? (["up", "down"] as const) : [direction]) Object.assign(this.links[d], link);
  }

  /**
   * Send connections accepted from now on to another target (e.g. a server
   * restarted on a new port), so clients keep using this proxy's port.
   * Connections already accepted keep the target they were opened to.
   */
  retarget(target: { host: string; port: number }): void {
    this.opts.target = { host: target.host, port: target.port };
  }

  /** Call `cb` synchronously for each new connection, before any byte is forwarded. Returns an unsubscribe. */
  onConnection(cb: ConnectionListener): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Resolves with the next connection accepted after this call. */
  nextConnection(): Promise<ProxyConnection> {
    return new Promise((resolve) => {
      const off = this.onConnection((conn) => {
        off();
        resolve(conn);
      });
    });
  }

  /** Connections a fault can still act on. */
  live(): ProxyConnection[] {
    return this.connections.filter((c) => c.isLive);
  }

  /**
   * Apply one fault to every live connection; returns how many were hit.
   * For cutMidFrame this arms a down-direction cut on each.
   */
  cutAll(kind: FaultKind): number {
    const targets = this.live();
    for (const conn of targets) {
      if (kind === "reset") conn.reset();
      else if (kind === "close") conn.close();
      else if (kind === "blackhole") conn.blackhole();
      else void conn.cutMidFrame("down");
    }
    return targets.length;
  }

  /** Close the listener and destroy every connection; resolves when no socket or timer of ours is left. */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stopped = true;
    this.listeners.clear();
    const listenerClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const conn of this.connections) conn.destroy();
    this.stopping = Promise.all([listenerClosed, ...this.connections.map((c) => c.closed)]).then(() => undefined);
    return this.stopping;
  }

  private accept(client: Socket): void {
    if (this.stopped) {
      client.destroy();
      return;
    }
    this.stats.accepted++;
    const conn = new ProxyConnection(client, {
      id: this.connections.length,
      seed: this.seed,
      target: this.opts.target,
      links: this.links,
      cutGraceMs: this.opts.cutGraceMs ?? 10,
      onFault: (kind) => this.stats.faults[kind]++,
    });
    this.connections.push(conn);
    for (const cb of [...this.listeners]) cb(conn);
  }
}
