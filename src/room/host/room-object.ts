/**
 * The room Durable Object: a thin adapter between the Workers runtime and the
 * I/O-free RoomCore. It alone touches `ctx.storage`, `acceptWebSocket` and the
 * alarm. Every entry point (fetch, RPC, webSocket*, alarm) first passes
 * through `ensureInitialized()`, which rebuilds the core from SQLite and the
 * hibernated sockets' attachments after hibernation, eviction or a restart.
 */
import { DurableObject } from "cloudflare:workers";
import type { GameRegistry } from "../../games/registry";
import type { RoomIdentity } from "../../shared/identity";
import { SseHub } from "./sse-hub";
import { Outbound } from "./outbound";
import { logEvent } from "../../shared/log";
import type { Creator } from "../core/record";
import { RoomCore } from "../core/room-core";
import { RoomStorage } from "./storage";
import { AlarmClock } from "./alarm-clock";
import { observePings, restoreSockets } from "./heartbeats";
import { roomFetch, type UpgradeHost } from "./room-fetch";
import { countLoopTick, countSave, newOpsCounters, opsReport, storedOps } from "./ops-counters";
import { archiveAndDelete, retentionMs, type RetentionEnv } from "./retention";
import type { CloseOutcome, RemoveOutcome } from "../core/operator-actions";
import { AwakeTimers } from "./awake-timers";
import { SocketRegistry } from "./socket-registry";
import { RatingReports, REPORT_RETRY_MS } from "./rating-reports";
import { socketClosed, socketErrored, socketMessage, type SocketEventsHost } from "./socket-events";
import { loadCore, newMatch, replayDocument } from "./match-record";
import { DirectoryReports } from "./directory-reports";
import { deliver, quietFlush } from "./flush-steps";
import { readRoomEnv } from "./room-env";

/** What the matchmaking queue adds when it creates a match. */
export interface CreateOptions {
  readonly rated?: boolean;
  /** Shown in the public room directory (GET /api/rooms): public matches from POST /api/matches. */
  readonly listed?: boolean;
}

export type CreateResult = { ok: true; statusJson: string } | { ok: false; status: 400 | 409; message: string };

/**
 * The room Durable Object over the games of one deployment. Not exported as is: `createEdgeroom`
 * binds it to the app's games in a subclass (the runtime constructs it with `(ctx, env)` only).
 */
export class RoomHost extends DurableObject<unknown> {
  private readonly store: RoomStorage;
  private readonly reports: RatingReports;
  private readonly directory: DirectoryReports;
  private readonly retention: RetentionEnv;
  /** HTTP fallback streams (in memory: they cannot hibernate and die with the instance). */
  private readonly sse = new SseHub((connId) => this.connGone(connId, 1006));
  private readonly out: Outbound;
  /** The hibernatable sockets and their connections, in memory (rebuilt when the room wakes). */
  private readonly sockets = new SocketRegistry();
  private core: RoomCore | null = null;
  private initialized = false;
  private readonly log = (level: "info" | "warn" | "error", event: string, fields: Record<string, unknown> = {}): void =>
    logEvent(level, event, { matchId: this.core?.record.matchId, ...fields });
  /** The one alarm (alarm-clock.ts). */
  private readonly alarms: AlarmClock;
  /** The real-time loop and the turn-based liveness watchdog, in memory while awake (awake-timers.ts). */
  private readonly timers = new AwakeTimers({
    readPings: (core) => observePings(this.ctx, this.sockets, core),
    flush: (core, plain) => void this.flush(core, plain),
    checked: () => (this.ops.livenessChecks += 1),
    loopRan: (lateMs) => countLoopTick(this.ops, lateMs),
  });
  /** Billable operations of this instance, for benchmarks and the cost model. */
  private readonly ops = newOpsCounters();
  /** The counters' stored text for a save (one function, not a closure per save). */
  private readonly opsText = (rows: number): string => storedOps(countSave(this.ops, rows));
  /** What the upgrade and the HTTP fallback transport may use of this object; storage stays here. */
  private readonly fallback: UpgradeHost = {
    sse: this.sse,
    room: () => this.ensureInitialized(),
    useTicket: (id) => this.useTicket(id),
    flush: (core) => this.flush(core),
    admitSocket: (server, info) => {
      // Tagged by connection and player: the attachment carries the rest.
      this.ctx.acceptWebSocket(server, [`conn:${info.connId}`, `player:${info.playerId}`]);
      this.sockets.add(server, info);
    },
    warn: (event, fields) => this.log("warn", event, fields),
  };
  /** What the hibernatable socket events may use of this object (socket-events.ts). */
  private readonly socketEvents: SocketEventsHost = {
    sockets: this.sockets,
    ops: this.ops,
    room: () => this.ensureInitialized(),
    flush: (core) => this.flush(core, true),
    gone: (connId, code) => this.connGone(connId, code),
    log: this.log,
  };

  constructor(
    ctx: DurableObjectState,
    env: unknown,
    private readonly games: GameRegistry,
  ) {
    super(ctx, env);
    this.store = new RoomStorage(ctx.storage);
    const bindings = readRoomEnv(env); // checked at run time, absent ones off (room-env.ts)
    this.reports = new RatingReports(ctx.storage, bindings.ratings, this.store.tables, this.store.count);
    this.directory = new DirectoryReports(ctx.storage, this.store.tables, bindings.roomIndex, () => this.core, (level, event, fields) => this.log(level, event, fields), this.store.count);
    this.retention = bindings.retention;
    for (const name of bindings.ignored) this.log("warn", "room_binding_ignored", { binding: name, reason: "set, but not a binding of the expected kind: its feature is off" });
    this.out = new Outbound(this.sockets, this.sse, (event, fields) => this.log("warn", event, fields));
    this.alarms = new AlarmClock(ctx.storage, () => (this.ops.alarmWrites += 1));
    // Heartbeats are answered by the runtime without waking the room.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  // ------------------------------------------------------------ RPC from the worker

  async create(matchId: string, request: unknown, creator: Creator, options: CreateOptions = {}): Promise<CreateResult> {
    if (this.ensureInitialized()) return { ok: false, status: 409, message: "A match with this id already exists." };
    const now = Date.now();
    const made = newMatch(this.games, matchId, request, creator, now, retentionMs(this.retention));
    if (!made.ok) return made;
    const { game, record } = made;
    this.core = new RoomCore(game, record);
    this.store.save(record, [], [], this.opsText);
    if (options.rated === true) this.reports.markRated();
    if (options.listed === true) this.directory.markListed();
    this.directory.created(this.core, now, options.listed === true);
    this.log("info", "match_created", { game: game.id, mode: record.settings.mode, seats: record.settings.seats, creator: creator.playerId });
    this.alarms.noneStored(); // no `getAlarm` round trip for a new room (alarm-clock.ts)
    await this.alarms.follow(this.core);
    return { ok: true, statusJson: JSON.stringify(this.core.status()) };
  }

  /** Close a revoked player's connections (operator revocation); the number closed. */
  async kick(playerId: string): Promise<number> {
    return (await this.act((core, now) => core.kick(playerId, now))) ?? 0;
  }

  /** The operator closes the room (4011 to everyone, later joins refused); null when no match exists here. */
  async closeByOperator(reason: string): Promise<CloseOutcome | null> {
    return this.act((core, now) => core.closeByOperator(reason, now));
  }

  /** The operator removes one player (4009, never again in this match); null when no match exists here. */
  async removePlayer(playerId: string, reason: string): Promise<RemoveOutcome | null> {
    return this.act((core, now) => core.removePlayer(playerId, reason, now));
  }

  /** Public status as JSON text, or null when no match exists here (nothing is written). */
  async status(): Promise<string | null> {
    const core = this.ensureInitialized();
    return core ? JSON.stringify(core.status()) : null;
  }

  /** Whether the match is over (the replay is published only then). */
  async isOver(): Promise<boolean | null> {
    const core = this.ensureInitialized();
    return core ? core.record.status === "finished" || core.record.status === "closed" : null;
  }

  /** The replay document (match-record.ts), or null for an unknown match. */
  async replay(): Promise<string | null> {
    const core = this.ensureInitialized();
    return core ? replayDocument(core.record, this.store.actions()) : null;
  }

  // ------------------------------------------------------------ WebSocket upgrade

  override async fetch(request: Request): Promise<Response> {
    return roomFetch(this.fallback, request);
  }

  // ------------------------------------------------------------ hibernatable WebSocket handlers (socket-events.ts)

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> | void {
    return socketMessage(this.socketEvents, ws, message);
  }

  override async webSocketClose(ws: WebSocket, code: number, _reason: string, _wasClean: boolean): Promise<void> {
    socketClosed(this.socketEvents, ws, code);
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    socketErrored(this.socketEvents, ws, error);
  }

  // ------------------------------------------------------------ the single alarm

  override async alarm(): Promise<void> {
    this.alarms.cleared(); // the alarm that fired is consumed
    this.ops.alarmRuns += 1;
    const core = this.ensureInitialized();
    if (!core) return;
    try {
      const now = Date.now();
      observePings(this.ctx, this.sockets, core);
      // While a real-time match runs the alarm is only the loop's watchdog: timers here, steps on the loop (flush restarts it).
      if (core.realtimeLive()) core.runTimers(now);
      else core.wake(now);
    } finally {
      // Re-arm whatever is still due, even if handling threw (alarms are retried, but we do not rely on it).
      await this.flush(core);
      if (this.core) await this.deliverReports(); // not after the room deleted its storage
    }
  }

  // ------------------------------------------------------------ internals

  /** Resolves once this room's directory report is delivered (or none is pending): for tests. */
  async directoryIdle(): Promise<void> {
    return this.directory.idle();
  }

  /** Billable-operation counters of this instance (benchmarks and the cost model). */
  async metrics(): Promise<Record<string, number>> {
    return { ...opsReport(this.ops, this.ensureInitialized(), this.store.rowsWritten), directoryReports: this.directory.delivered };
  }

  /** A connection is gone (its socket closed or failed, or its stream ended): the core forgets it. */
  private connGone(connId: string, code: number): void {
    void this.act((core, now) => core.disconnect(connId, code, now));
  }

  /** Run one step of the core at the current time and execute what it produced; null when no match exists here. */
  private async act<T>(step: (core: RoomCore, now: number) => T): Promise<T | null> {
    const core = this.ensureInitialized();
    if (!core) return null;
    const out = step(core, Date.now());
    await this.flush(core);
    return out;
  }

  /** Spend a join ticket (single use, recorded in storage); false when it was already used. */
  private useTicket(id: RoomIdentity): boolean {
    return this.store.useTicket(id.jti, id.exp, Math.floor(Date.now() / 1000));
  }

  /** Build the core from storage once per instance; null when no match was ever created here. */
  private ensureInitialized(): RoomCore | null {
    if (this.initialized) return this.core;
    this.initialized = true;
    const core = loadCore(this.store, this.games, this.ops, (event, fields) => this.log("error", event, fields));
    if (!core) return null;
    restoreSockets(this.ctx, this.sockets, core);
    core.reconcile(Date.now());
    this.core = core;
    void this.flush(core);
    return core;
  }

  /**
   * Persist, then send, then close, then log; finally make the alarm match the next deadline, unless the
   * flush is quiet (flush-steps.ts). Not `async`: it runs at every tick and frame, so it returns a
   * promise only when storage work is left to await (retiring, an alarm write; flush-steps.ts).
   */
  private flush(core: RoomCore, plain = false): Promise<void> | undefined {
    // A timer (loop, watchdog) of a core that has since retired: its room is deleted, touch nothing.
    if (core !== this.core) return;
    // The core's scratch until it is next called (effects.ts): everything below only reads the core.
    const fx = core.drain();
    this.ops.lastEventAt = Date.now();
    if (fx.persist) {
      this.store.save(core.record, fx.actions, fx.journal, this.opsText);
      // Same event as the save: a finished round's rating report is exactly as durable as its result.
      if (this.reports.noteEnd(core.record)) void this.deliverReports();
    }
    deliver(fx, this.out, this.log);
    const quiet = quietFlush(fx, plain, core);
    if (!quiet) this.directory.note(core, Date.now());
    if (fx.retire) return this.retire(core).then((gone) => (gone ? undefined : this.rearm(core, false)));
    return this.rearm(core, quiet);
  }

  /** Restart the in-memory timers; unless quiet, move the one alarm earlier if a deadline needs it (alarm-clock.ts). */
  private rearm(core: RoomCore, quiet: boolean): Promise<void> | undefined {
    this.timers.ensure(core);
    return core !== this.core || quiet ? undefined : this.alarms.follow(core);
  }

  /** Archive the replay and delete the storage (retention.ts); true when done (this instance then answers as an unknown match). */
  private async retire(core: RoomCore): Promise<boolean> {
    const out = await archiveAndDelete(this.ctx.storage, this.retention.ARCHIVE, core.record, () => replayDocument(core.record, this.store.actions()), this.reports.pending().length > 0);
    if (!out.ok) {
      this.log("warn", "retire_postponed", { message: out.message });
      return false;
    }
    this.log("info", "room_deleted", { archived: out.archived, status: core.record.status });
    this.store.forget();
    this.core = null;
    this.alarms.cleared();
    return true;
  }

  /** Send pending rating reports; if the store cannot be reached, the alarm tries again. */
  private async deliverReports(): Promise<void> {
    if (await this.reports.deliver()) return;
    await this.alarms.noLaterThan(Date.now() + REPORT_RETRY_MS);
  }
}
