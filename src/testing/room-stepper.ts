/**
 * An in-process stepper for the I/O-free room core: connections are plain
 * ids, frames go in as bytes, time advances only when the test says so, and
 * the alarm is simulated by running `wake` at `nextWakeAt()` (and the turn-based
 * liveness watchdog by `checkLiveness` every TURN_BASED_CHECK_MS while it is needed). It hosts any
 * game: pass the games (a list or a registry) the match may name.
 */
import { decodeServerFrame, encodeFrame, type ClientFrame, type JournalEntry, type ServerFrame } from "../protocol";
import type { Effects } from "../room/core/effects";
import { GameRegistry } from "../games/registry";
import type { AnyGame } from "../games/types";
import { carriedEntries } from "../room/core/carried-log";
import { newRecord, type ActionEntry, type RoomRecord } from "../room/core/record";
import { RoomCore, type ResumeRequest } from "../room/core/room-core";
import { CreateMatchRequest, resolveSettings } from "../room/core/settings";
import { TURN_BASED_CHECK_MS } from "../room/core/liveness";
import { alarmNeedsWrite, alarmTime } from "../room/core/ticker";

/** What the host would hand its storage at one write (RoomStorage.save's arguments). */
export type StepperWrite = (record: RoomRecord, actions: readonly ActionEntry[], journal: readonly JournalEntry[]) => void;

export interface RoomStepperOptions {
  /** The games the match may name; the request's `game` defaults to the first. */
  readonly games: GameRegistry | readonly AnyGame[];
  /** The room's secret seed (every round seed derives from it). Default 42. */
  readonly seed?: number;
  /** Wall-clock start, in ms since the epoch. */
  readonly now?: number;
  /** Called at every write the host would make, with what it would write (a workerd test passes it to RoomStorage). */
  readonly onWrite?: StepperWrite;
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
  /** Action-log entries written as batch rows; `actions` adds those the written record still carries. */
  private readonly logged: ActionEntry[] = [];
  writes = 0;
  /**
   * The alarm as the host stores it: after every flush it is moved earlier only (alarmNeedsWrite), and it
   * fires at its time; `alarmWrites` counts the `setAlarm` calls the host would make.
   */
  alarmAt: number | null = null;
  alarmWrites = 0;
  alarmRuns = 0;
  private readonly onWrite: StepperWrite | undefined;
  /** Connections that stop pinging; every other connection pings before each simulated wake. */
  readonly silent = new Set<string>();
  /** Turn-based rooms: when the simulated liveness watchdog next checks (null while it is not needed). */
  private watchAt: number | null = null;
  /** How many times the simulated watchdog checked (the host's `livenessChecks`). */
  watchChecks = 0;
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
    this.onWrite = options.onWrite;
    this.now = options.now ?? 1_700_000_000_000;
    const seed = options.seed ?? 42;
    this.core = new RoomCore(game, newRecord("m".repeat(32), settings.settings, { playerId: "p0", name: "Zero" }, seed.toString(16).padStart(64, "0"), this.now));
    this.saved = { record: structuredClone(this.core.record), journal: [] };
  }

  /** The action log as storage holds it now: the batches written, then the entries the written record carries. */
  get actions(): ActionEntry[] {
    return [...this.logged, ...carriedEntries(this.saved.record.pendingLog)];
  }

  /** What storage would hold now: the record as of the last write (a restart rebuilds from it). */
  get durable(): RoomRecord {
    return this.saved.record;
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

  /** The operator closes the room (4011 to everyone, later joins refused). */
  closeByOperator(reason: string) {
    const out = this.core.closeByOperator(reason, this.now);
    this.pump();
    return out;
  }

  /** The operator removes a player (4009, refused from then on; a seat in play forfeits). */
  removePlayer(playerId: string, reason: string) {
    const out = this.core.removePlayer(playerId, reason, this.now);
    this.pump();
    return out;
  }

  /**
   * Advance the clock to `ms` later, firing the simulated alarm at every
   * deadline on the way, and the real-time loop at every snapshot boundary.
   */
  advance(ms: number) {
    const target = this.now + ms;
    for (;;) {
      // The host's turn-based liveness watchdog: a check TURN_BASED_CHECK_MS after it is (re)armed, while needed.
      if (!this.core.watchdogNeeded()) this.watchAt = null;
      else if (this.watchAt === null) this.watchAt = this.now + TURN_BASED_CHECK_MS;
      // The stored alarm is at or before the core's next deadline (it only moves earlier), unless nothing stored it yet.
      const alarm = Math.min(this.alarmAt ?? Infinity, this.core.nextWakeAt(this.now) ?? Infinity);
      const loop = this.core.nextLoopAt(this.now);
      const next = Math.min(alarm, loop ?? Infinity, this.watchAt ?? Infinity);
      if (!Number.isFinite(next) || next > target) break;
      this.now = Math.max(this.now, next);
      for (const c of this.core.conns.all()) if (!this.silent.has(c.connId)) this.core.observeSeen(c.connId, this.now);
      if (next === alarm) {
        // As the host's alarm handler: the alarm is consumed; while a real-time match runs it is only the
        // loop's watchdog (timers, never steps), else a full wake.
        this.alarmAt = null;
        this.alarmRuns++;
        if (this.core.realtimeLive()) {
          this.core.runTimers(this.now);
          // The loop's own timer is independent of the alarm: a boundary due at the same moment still runs.
          if (loop === next) this.core.advance(this.now);
        } else this.core.wake(this.now);
      } else if (next === loop) this.core.advance(this.now);
      else {
        this.watchAt = null;
        this.watchChecks += 1;
        this.core.checkLiveness(this.now);
      }
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
    this.onWrite?.(this.core.record, fx.actions, fx.journal);
    this.saved = { record: structuredClone(this.core.record), journal: [...this.saved.journal, ...structuredClone(fx.journal)] };
  }

  private emit(out: StepperOutput) {
    for (const t of [...this.taps]) t(out);
  }

  /** Deliver frames and texts in the order the host would: frames, texts, then closes. */
  private deliver(fx: Effects) {
    if (fx.persist) this.persisted(fx);
    this.logged.push(...fx.actions);
    // The core reuses its snapshot bytes when next called (effects.ts): listeners get copies, one per
    // distinct frame, so bytes shared by many connections stay one shared object as the host sends them.
    const copies = new Map<Uint8Array, Uint8Array>();
    for (let i = 0; i < fx.frames.length; i++) {
      const frame = fx.frames[i];
      const conn = fx.frameConns[i];
      if (frame === undefined || conn === undefined) throw new Error("the core's frame and connection lists differ in length");
      // Round-trip through the codec, as a client would see it.
      let bytes: Uint8Array;
      if (frame instanceof Uint8Array) {
        bytes = copies.get(frame) ?? frame.slice();
        copies.set(frame, bytes);
      } else bytes = encodeFrame(frame);
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
    // Copied: the calls below reuse the lists of this drain (effects.ts).
    for (const c of [...fx.closes]) {
      this.closed.set(c.conn, { code: c.code, reason: c.reason });
      this.emit({ kind: "close", conn: c.conn, code: c.code, reason: c.reason });
      this.core.disconnect(c.conn, c.code, this.now);
      this.deliver(this.core.drain());
    }
    // As the host's flush ends: make the stored alarm match the next deadline.
    const wanted = alarmTime(this.core.nextWakeAt(this.now), this.now);
    if (alarmNeedsWrite(this.alarmAt, wanted)) {
      this.alarmAt = wanted;
      this.alarmWrites++;
    }
  }
}
