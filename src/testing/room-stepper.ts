/**
 * An in-process stepper for the I/O-free room core: connections are plain
 * ids, frames go in as bytes, time advances only when the test says so, and
 * the alarm is simulated by running `wake` at `nextWakeAt()`. It hosts any
 * game: pass the games (a list or a registry) the match may name.
 */
import { decodeServerFrame, encodeFrame, type ClientFrame, type JournalEntry, type ServerFrame } from "../protocol";
import type { Effects } from "../room/core/effects";
import { GameRegistry } from "../games/registry";
import type { AnyGame } from "../games/types";
import { newRecord, type ActionEntry, type RoomRecord } from "../room/core/record";
import { RoomCore, type ResumeRequest } from "../room/core/room-core";
import { CreateMatchRequest, resolveSettings } from "../room/core/settings";

export interface RoomStepperOptions {
  /** The games the match may name; the request's `game` defaults to the first. */
  readonly games: GameRegistry | readonly AnyGame[];
  /** The room's secret seed (every round seed derives from it). Default 42. */
  readonly seed?: number;
  /** Wall-clock start, in ms since the epoch. */
  readonly now?: number;
}

/** Something the room sent a connection, as the host would put it on the wire. */
export type StepperOutput =
  | { readonly kind: "frame"; readonly conn: string; readonly frame: ServerFrame; readonly bytes: Uint8Array }
  | { readonly kind: "text"; readonly conn: string; readonly text: string }
  | { readonly kind: "close"; readonly conn: string; readonly code: number; readonly reason: string };

export class RoomStepper {
  now: number;
  core: RoomCore;
  readonly game: AnyGame;
  /** The record as of the last persist (what SQLite would hold), and the journal written with it. */
  private saved: { record: RoomRecord; journal: JournalEntry[] };
  readonly inbox = new Map<string, ServerFrame[]>();
  readonly closed = new Map<string, { code: number; reason: string }>();
  readonly actions: ActionEntry[] = [];
  writes = 0;
  /** Connections that stop pinging; every other connection pings before each simulated wake. */
  readonly silent = new Set<string>();
  /** Listeners told of every frame, text and close the room sends, in order, as it sends them. */
  private readonly taps: ((out: StepperOutput) => void)[] = [];

  constructor(request: Record<string, unknown>, options: RoomStepperOptions) {
    const registry = options.games instanceof GameRegistry ? options.games : new GameRegistry(options.games);
    const req = CreateMatchRequest.parse({ game: registry.ids[0], ...request });
    const game = registry.find(req.game);
    if (!game) throw new Error(`unknown game ${req.game}`);
    const settings = resolveSettings(game, req);
    if (!settings.ok) throw new Error(settings.message);
    this.game = game;
    this.now = options.now ?? 1_700_000_000_000;
    const seed = options.seed ?? 42;
    this.core = new RoomCore(game, newRecord("m".repeat(32), settings.settings, { playerId: "p0", name: "Zero" }, seed.toString(16).padStart(64, "0"), this.now));
    this.saved = { record: structuredClone(this.core.record), journal: [] };
  }

  /** Listen to everything the room sends from now on; returns the unsubscribe function. */
  tap(listener: (out: StepperOutput) => void): () => void {
    this.taps.push(listener);
    return () => {
      const i = this.taps.indexOf(listener);
      if (i >= 0) this.taps.splice(i, 1);
    };
  }

  /**
   * The process dies and a new instance rebuilds the room from what was last persisted, as a kill,
   * deploy or eviction does: every connection is gone without a close event, unsaved state is lost.
   */
  restart(): void {
    this.core.drain();
    this.core = new RoomCore(this.game, structuredClone(this.saved.record), structuredClone(this.saved.journal));
    this.core.reconcile(this.now);
    this.pump();
  }

  connect(connId: string, playerId: string, role: "player" | "spectator" = "player", version = 1, resume: ResumeRequest | null = null) {
    const d = this.core.connect({ connId, playerId, name: playerId, role, version, newSession: `session-${playerId}`, resume }, this.now);
    this.pump();
    return d;
  }

  send(connId: string, frame: ClientFrame | Uint8Array | string) {
    const data = typeof frame === "string" ? frame : frame instanceof Uint8Array ? frame : encodeFrame(frame);
    this.core.message(connId, typeof data === "string" ? data : data.slice().buffer, this.now);
    this.pump();
  }

  disconnect(connId: string, code = 1006) {
    this.core.disconnect(connId, code, this.now);
    this.pump();
  }

  /**
   * Advance the clock to `ms` later, firing the simulated alarm at every
   * deadline on the way, and the real-time loop at every snapshot boundary.
   */
  advance(ms: number) {
    const target = this.now + ms;
    for (;;) {
      const alarm = this.core.nextWakeAt(this.now);
      const loop = this.core.nextLoopAt(this.now);
      const next = Math.min(alarm ?? Infinity, loop ?? Infinity);
      if (!Number.isFinite(next) || next > target) break;
      this.now = Math.max(this.now, next);
      for (const c of this.core.conns.all()) if (!this.silent.has(c.connId)) this.core.observeSeen(c.connId, this.now);
      if (next === alarm) this.core.wake(this.now);
      else this.core.advance(this.now);
      this.pump();
    }
    this.now = target;
  }

  /** One wake, `ms` after now, as a late alarm would run it: every deadline passed in between is due at once. */
  lateWake(ms: number) {
    this.now += ms;
    for (const c of this.core.conns.all()) if (!this.silent.has(c.connId)) this.core.observeSeen(c.connId, this.now);
    this.core.wake(this.now);
    this.pump();
  }

  frames(connId: string): ServerFrame[] {
    return this.inbox.get(connId) ?? [];
  }

  last<T extends ServerFrame["t"]>(connId: string, t: T): Extract<ServerFrame, { t: T }> | undefined {
    const all = this.frames(connId).filter((f): f is Extract<ServerFrame, { t: T }> => f.t === t);
    return all.at(-1);
  }

  private persisted(fx: Effects) {
    this.writes++;
    this.saved = { record: structuredClone(this.core.record), journal: [...this.saved.journal, ...structuredClone(fx.journal)] };
  }

  private emit(out: StepperOutput) {
    for (const t of [...this.taps]) t(out);
  }

  /** Deliver frames and texts in the order the host would: frames, texts, then closes. */
  private deliver(fx: Effects) {
    if (fx.persist) this.persisted(fx);
    this.actions.push(...fx.actions);
    for (const { conn, frame } of fx.frames) {
      // Round-trip through the codec, as a client would see it.
      const bytes = frame instanceof Uint8Array ? frame : encodeFrame(frame);
      const decoded = decodeServerFrame(bytes);
      if (!decoded.ok) throw new Error(`server produced an invalid frame: ${decoded.message}`);
      const list = this.inbox.get(conn) ?? [];
      list.push(decoded.value);
      this.inbox.set(conn, list);
      this.emit({ kind: "frame", conn, frame: decoded.value, bytes });
    }
    for (const { conn, text } of fx.texts) this.emit({ kind: "text", conn, text });
  }

  private pump() {
    const fx: Effects = this.core.drain();
    this.deliver(fx);
    for (const c of fx.closes) {
      this.closed.set(c.conn, { code: c.code, reason: c.reason });
      this.emit({ kind: "close", conn: c.conn, code: c.code, reason: c.reason });
      this.core.disconnect(c.conn, c.code, this.now);
      this.deliver(this.core.drain());
    }
  }
}
