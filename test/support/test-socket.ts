/**
 * A test-side WebSocket wrapper that records every server frame and lets a
 * test wait for the frame it expects: synchronisation on events, never sleeps.
 * Works over workerd's WebSocket (from a fetch upgrade) and Node's `ws`.
 */
import { decodeServerFrame, encodeFrame, type ClientFrame, type ServerFrame } from "../../src/protocol";

/** The subset of the WHATWG WebSocket API both runtimes provide. */
export interface MinimalSocket {
  send(data: ArrayBufferLike | ArrayBufferView | string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "message", fn: (ev: { data: unknown }) => void): void;
  addEventListener(type: "close", fn: (ev: { code: number; reason: string }) => void): void;
}

type Waiter = { match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void; reject: (e: Error) => void; from: number; settles?: boolean };

export class TestSocket {
  readonly frames: ServerFrame[] = [];
  readonly texts: string[] = [];
  readonly undecodable: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Waiter[] = [];
  private textWaiters: { text: string; resolve: () => void }[] = [];
  private isClosed = false;
  /** Per frame type: index after the last frame of that type a wait consumed. */
  private cursors = new Map<string, number>();
  /** Indices of frames already returned by `settle`. */
  private settled = new Set<number>();

  constructor(readonly raw: MinimalSocket) {
    raw.addEventListener("message", (ev) => this.onMessage(ev.data));
    this.closed = new Promise((resolve) => {
      raw.addEventListener("close", (ev) => {
        this.isClosed = true;
        this.stopHeartbeat();
        for (const w of this.waiters) w.reject(new Error(`socket closed (${ev.code} ${ev.reason}) while waiting for a frame`));
        this.waiters = [];
        resolve({ code: ev.code, reason: ev.reason });
      });
    });
  }

  send(frame: ClientFrame): void {
    this.raw.send(encodeFrame(frame));
  }

  sendRaw(data: Uint8Array | string): void {
    this.raw.send(data);
  }

  close(code = 1000): void {
    this.stopHeartbeat();
    this.raw.close(code, "test");
  }

  private heartbeat: ReturnType<typeof setInterval> | null = null;

  /** Send the protocol's text "ping" every `ms`, as a real client must (real-time rooms declare silence dead in 5 s). */
  startHeartbeat(ms = 1000): this {
    this.heartbeat ??= setInterval(() => {
      try {
        this.raw.send("ping");
      } catch {
        this.stopHeartbeat();
      }
    }, ms);
    return this;
  }

  stopHeartbeat(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /**
   * Wait for the next frame of type `t` matching `match`, after the last
   * frame of that type an earlier wait consumed. Each type has its own cursor,
   * so waiting for an ack never skips past an update.
   */
  next<T extends ServerFrame["t"]>(t: T, match: (f: Extract<ServerFrame, { t: T }>) => boolean = () => true): Promise<Extract<ServerFrame, { t: T }>> {
    const pred = (f: ServerFrame): f is Extract<ServerFrame, { t: T }> => f.t === t && match(f as Extract<ServerFrame, { t: T }>);
    const from = this.cursors.get(t) ?? 0;
    for (let i = from; i < this.frames.length; i++) {
      const f = this.frames[i];
      if (f && pred(f)) {
        this.cursors.set(t, i + 1);
        return Promise.resolve(f);
      }
    }
    if (this.isClosed) return Promise.reject(new Error(`socket already closed; no ${t} frame`));
    return new Promise((resolve, reject) => {
      this.waiters.push({ match: pred, resolve: (f) => resolve(f as Extract<ServerFrame, { t: T }>), reject, from: this.frames.length });
    });
  }

  /**
   * Wait for the frame that settles input `id`: its ack, its gameError, or an
   * error frame naming it (each frame settles one wait at most).
   */
  settle(id: number): Promise<Extract<ServerFrame, { t: "ack" | "gameError" | "error" }>> {
    const match = (f: ServerFrame): f is Extract<ServerFrame, { t: "ack" | "gameError" | "error" }> =>
      (f.t === "ack" || f.t === "gameError" || f.t === "error") && f.id === id;
    for (let i = 0; i < this.frames.length; i++) {
      const f = this.frames[i];
      if (f && !this.settled.has(i) && match(f)) {
        this.settled.add(i);
        return Promise.resolve(f);
      }
    }
    if (this.isClosed) return Promise.reject(new Error(`socket already closed; input ${id} never settled`));
    return new Promise((resolve, reject) => {
      this.waiters.push({
        match,
        resolve: (f) => {
          this.settled.add(this.frames.indexOf(f));
          resolve(f as Extract<ServerFrame, { t: "ack" | "gameError" | "error" }>);
        },
        reject,
        from: this.frames.length,
        settles: true,
      });
    });
  }

  /** Wait for an update frame whose events include one of `type`. */
  nextEvent(type: string): Promise<Extract<ServerFrame, { t: "update" }>> {
    return this.next("update", (u) => u.events.some((e) => e.type === type));
  }

  /**
   * The room once its match has started, from this socket's point of view. The connection whose join
   * starts the match gets no `matchStarted` update (its welcome already shows the room playing), so a
   * test whose players join at once cannot know which socket to wait on for the event.
   */
  async started(): Promise<Extract<ServerFrame, { t: "welcome" }>["room"]> {
    const seen = [...this.frames].reverse().find((f) => f.t === "welcome");
    const welcome = seen?.t === "welcome" ? seen : await this.next("welcome");
    if (welcome.room.status === "playing") return welcome.room;
    return (await this.nextEvent("matchStarted")).room;
  }

  /** The latest room snapshot seen (welcome or update). */
  latestRoom() {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i];
      if (f && (f.t === "update" || f.t === "welcome")) return f.room;
    }
    return undefined;
  }

  /** Wait for a text frame (the heartbeat "pong"). */
  nextText(text: string): Promise<void> {
    if (this.texts.includes(text)) return Promise.resolve();
    return new Promise((resolve) => this.textWaiters.push({ text, resolve }));
  }

  private onMessage(data: unknown): void {
    if (typeof data === "string") {
      this.texts.push(data);
      for (const w of this.textWaiters.filter((x) => x.text === data)) w.resolve();
      this.textWaiters = this.textWaiters.filter((x) => x.text !== data);
      return;
    }
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
    if (!bytes) return;
    const decoded = decodeServerFrame(bytes);
    if (!decoded.ok) {
      this.undecodable.push(decoded.message);
      return;
    }
    const frame = decoded.value;
    this.frames.push(frame);
    const index = this.frames.length - 1;
    // A frame may settle one `settle` wait and also satisfy one typed wait.
    const settler = this.waiters.find((x) => x.settles && index >= x.from && x.match(frame));
    if (settler) {
      this.waiters = this.waiters.filter((x) => x !== settler);
      settler.resolve(frame);
    }
    const w = this.waiters.find((x) => !x.settles && index >= x.from && x.match(frame));
    if (w) {
      this.waiters = this.waiters.filter((x) => x !== w);
      this.cursors.set(frame.t, index + 1);
      w.resolve(frame);
    }
  }
}
