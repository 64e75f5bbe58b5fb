/**
 * One connection attempt, from opening the transport to its end: the
 * connect timeout, the heartbeat, the outgoing pacer, frame decoding, and
 * timers that must die with the connection. When it ends, for whatever
 * reason, it reports exactly once through `onEnd` and then goes quiet, so
 * callbacks of a dead connection can never touch the next one.
 */
import { decodeServerFrame, encodeFrame } from "../protocol/codec";
import { CloseCode } from "../protocol/codes";
import type { ClientFrame, ServerFrame } from "../protocol/schemas";
import { DEFAULT_PING_INTERVAL_MS, Heartbeat } from "./heartbeat";
import { Pacer, type PacerLimits } from "./pacer";
import type { TimerHandle, Timers } from "./timers";
import type { Transport, TransportContext, TransportData, TransportFactory, TransportKind } from "./transport";

export interface LinkCallbacks {
  onOpen(): void;
  onFrame(frame: ServerFrame): void;
  onUndecodable(code: string, message: string): void;
  /** The link ended (closed by the server, failed, timed out, dead, or dropped by us). `immediate` asks for a retry without backoff. */
  onEnd(code: number, reason: string, immediate: boolean): void;
}

export interface LinkOptions {
  readonly timers: Timers;
  readonly connectTimeoutMs: number;
  readonly deadAfterMs?: number;
}

export class Link {
  private transport: Transport | null = null;
  private readonly heartbeat: Heartbeat;
  private readonly pacer: Pacer;
  private readonly timers = new Set<TimerHandle>();
  private connectTimer: TimerHandle | null = null;
  private ended = false;

  constructor(private readonly opts: LinkOptions, private readonly cb: LinkCallbacks) {
    this.pacer = new Pacer(opts.timers);
    this.heartbeat = new Heartbeat({
      timers: opts.timers,
      intervalMs: DEFAULT_PING_INTERVAL_MS,
      deadAfterMs: opts.deadAfterMs,
      sendPing: () => this.transport?.send("ping"),
      onDead: (silentMs) => this.drop(CloseCode.HEARTBEAT_TIMEOUT, `no frame from the server ${silentMs} ms after a ping`),
    });
  }

  /**
   * Open the transport. Separate from the constructor so the owner can hold
   * the link before any callback runs (a factory may fail synchronously).
   */
  start(factory: TransportFactory, url: string, context: TransportContext): void {
    if (this.transport || this.ended) return;
    this.connectTimer = this.schedule(() => this.drop(1006, `socket not open after ${this.opts.connectTimeoutMs} ms`), this.opts.connectTimeoutMs);
    this.transport = factory(
      url,
      {
        onOpen: () => this.onOpen(),
        onMessage: (data) => this.onMessage(data),
        onClose: (code, reason) => this.end(code, reason, false),
      },
      context,
    );
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** What carries this link ("websocket" unless the factory's transport says otherwise), or null before `start`. */
  get kind(): TransportKind | null {
    return this.transport ? (this.transport.kind ?? "websocket") : null;
  }

  /** The room's welcome: adopt its ping interval, its pong timeout (unless the caller set one) and frame budget. */
  welcomed(limits: PacerLimits, heartbeat: { pingIntervalMs: number; pongTimeoutMs?: number | undefined }): void {
    this.heartbeat.setInterval(heartbeat.pingIntervalMs);
    if (this.opts.deadAfterMs === undefined && heartbeat.pongTimeoutMs !== undefined) this.heartbeat.setDeadAfter(heartbeat.pongTimeoutMs);
    this.pacer.reset(limits);
  }

  /**
   * Queue one binary frame behind the pacer; built at send time so timestamps
   * in it are accurate. `inputId` marks input frames, which `throttle` can
   * take back out of the queue.
   */
  send(build: () => ClientFrame, inputId: number | null = null): void {
    if (this.ended) return;
    this.pacer.submit(() => {
      if (!this.ended) this.transport?.send(encodeFrame(build()));
    }, inputId);
  }

  /**
   * The room refused a frame for lack of budget: model its bucket as empty
   * and withdraw input frames not sent yet (the room would only hold them).
   * Returns the withdrawn ids.
   */
  throttle(): number[] {
    if (this.ended) return [];
    this.pacer.exhaust();
    return this.pacer.withdrawInputs();
  }

  /** A timer that is cancelled when the link ends. */
  schedule(fn: () => void, ms: number): TimerHandle | null {
    if (this.ended) return null;
    const handle = this.opts.timers.setTimeout(() => {
      this.timers.delete(handle);
      if (!this.ended) fn();
    }, ms);
    this.timers.add(handle);
    return handle;
  }

  /** End from our side (dead link, gap, timeout): close the socket and report it like any other end. */
  drop(code: number, reason: string, immediate = false): void {
    if (this.ended) return;
    // Browsers only let a client send 1000 or 3000–4999; `onEnd` gets the real code.
    const wireCode = code === CloseCode.NORMAL || (code >= 3000 && code <= 4999) ? code : CloseCode.NORMAL;
    this.transport?.close(wireCode, reason.slice(0, 100));
    this.end(code, reason, immediate);
  }

  /** End silently (the client is closing for good): no `onEnd`. */
  close(code: number, reason: string): void {
    if (this.ended) return;
    this.stop();
    this.transport?.close(code, reason);
  }

  private onOpen(): void {
    if (this.ended) return;
    if (this.connectTimer !== null) {
      this.opts.timers.clearTimeout(this.connectTimer);
      this.timers.delete(this.connectTimer);
    }
    this.heartbeat.start();
    this.cb.onOpen();
  }

  private onMessage(data: TransportData): void {
    if (this.ended) return;
    // Anything at all proves the link is alive.
    this.heartbeat.received();
    if (data === "pong") return;
    const decoded = decodeServerFrame(data);
    if (decoded.ok) this.cb.onFrame(decoded.value);
    else this.cb.onUndecodable(decoded.code, decoded.message);
  }

  private end(code: number, reason: string, immediate: boolean): void {
    if (this.ended) return;
    this.stop();
    this.cb.onEnd(code, reason, immediate);
  }

  private stop(): void {
    this.ended = true;
    this.heartbeat.stop();
    this.pacer.cancel();
    this.cancelTimers();
  }

  private cancelTimers(): void {
    for (const h of this.timers) this.opts.timers.clearTimeout(h);
    this.timers.clear();
  }
}
