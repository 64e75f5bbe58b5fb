/**
 * An in-process stepper for the I/O-free room core: connections are plain
 * ids, frames go in as bytes, time advances only when the test says so, and
 * the alarm is simulated by running `wake` at `nextWakeAt()`.
 */
import { appGames } from "./app-games";
import { decodeServerFrame, encodeFrame, type ClientFrame, type JournalEntry, type ServerFrame } from "../../src/protocol";
import type { Effects } from "../../src/room/core/effects";
import type { AnyGame } from "../../src/games/types";
import { newRecord, type ActionEntry, type RoomRecord } from "../../src/room/core/record";
import { RoomCore, type ResumeRequest } from "../../src/room/core/room-core";
import { CreateMatchRequest, resolveSettings } from "../../src/room/core/settings";

export class RoomStepper {
  now = 1_700_000_000_000;
  core: RoomCore;
  private readonly game: AnyGame;
  /** The record as of the last persist (what SQLite would hold), and the journal written with it. */
  private saved: { record: RoomRecord; journal: JournalEntry[] };
  readonly inbox = new Map<string, ServerFrame[]>();
  readonly closed = new Map<string, { code: number; reason: string }>();
  readonly actions: ActionEntry[] = [];
  writes = 0;
  /** Connections that stop pinging; every other connection pings before each simulated wake. */
  readonly silent = new Set<string>();

  constructor(request: Record<string, unknown>, seed = 42) {
    const req = CreateMatchRequest.parse({ game: "connect-four", ...request });
    const game = appGames.find(req.game);
    if (!game) throw new Error("unknown game");
    const settings = resolveSettings(game, req);
    if (!settings.ok) throw new Error(settings.message);
    this.game = game;
    this.core = new RoomCore(game, newRecord("m".repeat(32), settings.settings, { playerId: "p0", name: "Zero" }, seed.toString(16).padStart(64, "0"), this.now));
    this.saved = { record: structuredClone(this.core.record), journal: [] };
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

  private pump() {
    const fx: Effects = this.core.drain();
    if (fx.persist) this.persisted(fx);
    this.actions.push(...fx.actions);
    for (const { conn, frame } of fx.frames) {
      // Round-trip through the codec, as a client would see it.
      const decoded = decodeServerFrame(encodeFrame(frame));
      if (!decoded.ok) throw new Error(`server produced an invalid frame: ${decoded.message}`);
      const list = this.inbox.get(conn) ?? [];
      list.push(decoded.value);
      this.inbox.set(conn, list);
    }
    for (const c of fx.closes) {
      this.closed.set(c.conn, { code: c.code, reason: c.reason });
      this.core.disconnect(c.conn, c.code, this.now);
      const more = this.core.drain();
      if (more.persist) this.persisted(more);
      for (const { conn, frame } of more.frames) this.inbox.set(conn, [...(this.inbox.get(conn) ?? []), frame]);
    }
  }
}
