/**
 * The room core: game-agnostic, I/O-free. Messages, connection changes and
 * time go in; frames, closes, log lines, action-log entries and a "persist"
 * flag come out through `drain()`. It never touches sockets, storage or the
 * alarm, which is why it can be stepped by hand in unit tests and hosted by a
 * Durable Object in production.
 */
import type { AnyGame, GameEvent } from "../../games/types";
import type { JournalEntry, ServerFrame, SnapWriter } from "../../protocol";
import { Connections, liveConn, type ConnInfo, type LiveConn } from "./connections";
import { EffectsBuffers, type Effects, type LogEntry } from "./effects";
import { timerDeadlines, type Step } from "./lifecycle";
import type { ActionEntry, RoomRecord } from "./record";
import { isCritical, Journal } from "./journal";
import { forgetAcked, rememberCritical, sendUpdate, shareEmptyUnacked } from "./updates";
import { FixedStep } from "./fixed-step";
import { DeferredLog } from "./deferred-log";
import { SnapshotFanout } from "./snapshot-fanout";
import { advanceRealtime, discardPending, holdRace, WATCHDOG_MS } from "./realtime-play";
import { absentAfterRestart, kick, leave } from "./departures";
import { closeSilent, nextLivenessDeadline, watchdogNeeded } from "./liveness";
import { handleFrame } from "./frame-handler";
import { dueDeadlines, nextWake } from "./ticker";
import { runTimer } from "./timers";
import { admit, type ConnectDecision } from "./admission";
import type { ConnectRequest } from "./connections";
import { publicStatus, type PublicStatus } from "./public-status";
import type { RoomOps } from "./room-ops";
import { closeByOperator, removePlayer, type CloseOutcome, type RemoveOutcome } from "./operator-actions";

// The connect and status types live with the code that builds them; re-exported here, where callers import them.
export type { ConnectDecision } from "./admission";
export type { ConnectRequest, ResumeRequest } from "./connections";
export type { PublicStatus } from "./public-status";

export { LOG_BATCH_ENTRIES } from "./deferred-log";

export class RoomCore implements RoomOps {
  readonly conns = new Connections();
  readonly journal: Journal;
  /** Real-time games: the fixed-step driver; null for turn-based games. */
  readonly rt: FixedStep | null;
  checkpointDueAt = 0;
  readonly fanout = new SnapshotFanout();
  /** Counters for benchmarks and cost modelling. */
  readonly metrics = { steps: 0, droppedSteps: 0, messages: 0 };
  /** What the core produced since the last drain, in one batch reused by every drain (effects.ts). */
  private readonly out = new EffectsBuffers();
  private get fx(): Effects {
    return this.out.fx;
  }
  /** Real-time inputs' log entries waiting for a write, and what is durable (deferred-log.ts). */
  private readonly deferredLog: DeferredLog;

  constructor(
    readonly game: AnyGame,
    readonly record: RoomRecord,
    journal: JournalEntry[] = [],
  ) {
    this.journal = new Journal(journal);
    this.rt = game.realtime ? new FixedStep(game, game.realtime) : null;
    this.deferredLog = new DeferredLog(record);
    shareEmptyUnacked(record);
  }

  /** Real-time games: run the simulation up to `now` and send snapshots (the host calls this on its loop). */
  advance(now: number): void {
    advanceRealtime(this, now);
    this.checkLiveness(now);
    this.discardIfOver();
  }

  /** Whether a real-time simulation is running (the host then keeps its in-memory loop going). */
  realtimeLive(): boolean {
    return this.rt !== null && this.record.status === "playing";
  }

  /** When the host's loop should next call `advance`: the next snapshot boundary. */
  nextLoopAt(now: number): number | null {
    return this.rt && this.realtimeLive() ? this.rt.nextSnapshotAt(this.record, now) : null;
  }

  /** Take what the core produced since the last drain: valid until the core is next called (see Effects). */
  drain(): Effects {
    if (this.fx.persist) this.deferredLog.written(this.record, this.out.rare("actions"), this.realtimeLive());
    return this.out.drain();
  }

  /** Re-register a socket that survived hibernation (from its attachment). */
  restore(info: ConnInfo, lastSeenAt: number): void {
    this.conns.add(liveConn(info, this.game.rateLimit.burst, lastSeenAt));
  }

  /**
   * After (re)building from storage: seated players whose sockets are gone
   * without a close event (a restart or deploy closes sockets silently) get
   * their grace window now (departures.ts), and a live race is held at its last
   * durable tick until they are back (see realtime-room.ts).
   */
  reconcile(now: number): void {
    if (this.record.status !== "playing") return;
    const events: GameEvent[] = holdRace(this, now);
    absentAfterRestart(this, now, events);
    if (events.length > 0) this.emitUpdate(events);
  }

  /** Decide on a new socket and, when admitted, seat it and greet it. */
  connect(req: ConnectRequest, now: number): ConnectDecision {
    return admit(this, req, now);
  }

  /** A socket closed (or errored). Seated players get their grace window while a match is on (departures.ts). */
  disconnect(connId: string, code: number, now: number): void {
    leave(this, connId, code, now);
  }

  /** Close every connection of a player (revoked by the operator); returns how many. Its seat stays, in grace (departures.ts). */
  kick(playerId: string, now: number): number {
    return kick(this, playerId, now);
  }

  /** The operator closes the room (see operator-actions.ts). */
  closeByOperator(reason: string, now: number): CloseOutcome {
    return closeByOperator(this, reason, now);
  }

  /** The operator removes one player (see operator-actions.ts). */
  removePlayer(playerId: string, reason: string, now: number): RemoveOutcome {
    return removePlayer(this, playerId, reason, now);
  }

  /** Whether this connection is live in the room (the host drops frames of any other socket unread). */
  tracks(connId: string): boolean {
    return this.conns.get(connId) !== undefined;
  }

  /** One frame from a socket. Never throws on bad input: it answers with an error frame. */
  message(connId: string, data: ArrayBuffer | string, now: number): void {
    const c = this.conns.get(connId);
    // A socket the core no longer tracks (refused, replaced or policy-closed, its close still in flight): nothing to do.
    if (!c) return;
    this.metrics.messages += 1;
    if (now < c.lastSeenAt) this.conns.silentFrom = -Infinity;
    c.lastSeenAt = now;
    handleFrame(this, c, data, now);
  }

  /** Liveness evidence from outside the core (the host's heartbeat auto-response timestamp). */
  observeSeen(connId: string, at: number): void {
    const c = this.conns.get(connId);
    if (c && at > c.lastSeenAt) c.lastSeenAt = at;
  }

  /** The alarm fired (or any wake): run every due timer once, then advance a live simulation. */
  wake(now: number): void {
    this.runTimers(now);
    this.advance(now);
  }

  /**
   * Run every due timer once, then declare silent sockets dead. The host's alarm calls only this while a
   * real-time match runs: the in-memory loop steps the simulation, the alarm is its watchdog.
   */
  runTimers(now: number): void {
    // One timer at a time, re-reading the deadlines after each: a timer can move or clear the others
    // (an AI move resets the turn clock), so a late alarm must not run a stale one.
    for (let guard = 0; guard < 64; guard++) {
      const next = dueDeadlines(timerDeadlines(this.record), now)[0];
      if (!next) break;
      runTimer(this, next.key, now);
    }
    this.checkLiveness(now);
  }

  /** Declare sockets silent for the heartbeat timeout dead (src/room/core/liveness.ts). */
  checkLiveness(now: number): void {
    closeSilent(this, now);
  }

  /** Turn-based rooms: whether the host's in-memory liveness watchdog should run now. */
  watchdogNeeded(): boolean {
    return watchdogNeeded(this);
  }

  /**
   * When the core next needs the alarm: the earliest stored timer, and heartbeat checks unless a
   * real-time match runs. While one runs, the in-memory loop checks liveness at every snapshot and the
   * alarm is only a watchdog WATCHDOG_MS out that restarts the loop after an eviction; since the alarm
   * is only ever moved earlier, that is one alarm write per WATCHDOG_MS.
   */
  nextWakeAt(now: number): number | null {
    const timers = nextWake(timerDeadlines(this.record));
    // The liveness backstop (liveness.ts): in play the loop or the host's watchdog finds silent sockets.
    const other = this.realtimeLive() ? now + WATCHDOG_MS : nextLivenessDeadline(this);
    return timers === null || (other !== null && other < timers) ? other : timers;
  }

  status(): PublicStatus {
    return publicStatus(this);
  }

  // ------------------------------------------------------------ helpers used by frames.ts and timers.ts

  /**
   * Broadcast one update (seq + 1) built per recipient, journal it, and for
   * critical updates remember it per human seat until acknowledged. Returns its seq.
   */
  emitUpdate(events: GameEvent[], exclude?: string): number {
    const rec = this.record;
    rec.seq += 1;
    this.fx.persist = true;
    const entry: JournalEntry = { seq: rec.seq, events };
    this.journal.append(entry);
    this.out.rare("journal").push(entry);
    const critical = isCritical(events);
    if (critical) rememberCritical(rec, entry);
    sendUpdate(this, entry, critical, exclude);
    return rec.seq;
  }

  /** A player acknowledged a critical update: stop re-delivering it. */
  ackCritical(conn: LiveConn, seq: number): void {
    const seatRec = conn.seat === null ? undefined : this.record.seats[conn.seat];
    if (seatRec && forgetAcked(seatRec, seq)) this.fx.persist = true;
  }

  /** Apply a lifecycle step's effects: its log entries, its broadcast, and the end-of-match log. */
  commit(step: Step): number | null {
    this.recordActions(step.actions);
    if (step.ended) this.log("info", "match_end", { round: this.record.round, result: this.record.result });
    const seq = step.events.length > 0 ? this.emitUpdate(step.events) : null;
    this.discardIfOver();
    return seq;
  }

  /** Real-time games: once the round is over, buffered inputs are answered ROUND_ENDED, never carried over. */
  private discardIfOver(): void {
    if (this.rt && this.record.status !== "playing") discardPending(this);
  }

  closeAll(code: number, reason: string): void {
    for (const c of this.conns.all()) {
      this.conns.remove(c.connId);
      this.out.rare("closes").push({ conn: c.connId, code, reason });
    }
  }

  close(conn: LiveConn, code: number, reason: string): void {
    this.out.rare("closes").push({ conn: conn.connId, code, reason });
  }

  send(conn: string, frame: ServerFrame | Uint8Array): void {
    this.out.send(conn, frame);
  }

  frameBytes(): SnapWriter {
    return this.out.bytes;
  }

  sendText(conn: string, text: string): void {
    this.fx.texts.push({ conn, text });
  }

  markDirty(): void {
    this.fx.persist = true;
  }

  retire(): void {
    this.fx.retire = true;
  }

  log(level: LogEntry["level"], event: string, fields: Record<string, unknown> = {}): void {
    this.out.rare("logs").push({ ...fields, level, event });
  }

  recordDeferredInput(round: number, seat: number, inputId: number, data: unknown, at: number, tick: number): number {
    return this.deferredLog.addInput(this.record, round, seat, inputId, data, at, tick);
  }

  durableInputId(seat: number): number {
    return this.deferredLog.durable(this.record, seat, this.fx.persist);
  }

  /** Queue entries for the action log; the record counts them so the log and the record stay in step. */
  recordActions(actions: readonly ActionEntry[]): void {
    if (actions.length === 0) return;
    // Entries deferred earlier keep their place in the log, ahead of these.
    this.out.rare("actions").push(...this.deferredLog.takeAll(this.record));
    this.record.actions += actions.length;
    this.out.rare("actions").push(...actions);
    this.fx.persist = true;
  }
}
