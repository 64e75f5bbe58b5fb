/**
 * The room core: game-agnostic, I/O-free. Messages, connection changes and
 * time go in; frames, closes, log lines, action-log entries and a "persist"
 * flag come out through `drain()`. It never touches sockets, storage or the
 * alarm, which is why it can be stepped by hand in unit tests and hosted by a
 * Durable Object in production.
 */
import type { AnyGame, GameEvent, Seat } from "../games/types";
import { CloseCode, SUPPORTED_PROTOCOL_VERSIONS, PROTOCOL_VERSION, stateHash, type JournalEntry, type ServerFrame } from "../protocol";
import { Connections, liveConn, type ConnInfo, type LiveConn, type Role } from "./connections";
import { emptyEffects, type Effects, type LogEntry } from "./effects";
import { closeRoom, snapshot, startRound, timerDeadlines, type Step } from "./match";
import type { ActionEntry, RoomRecord } from "./record";
import { isCritical, Journal } from "./journal";
import { RealtimeDriver } from "./realtime";
import { advanceRealtime, CHECKPOINT_MS } from "./realtime-room";
import { endAbsence, startAbsence } from "./absence";
import { buildWelcome, MAX_UNACKED } from "./welcome";
import { handleFrame } from "./frames";
import { dueDeadlines, nextWake } from "./ticker";
import { runTimer } from "./timers";

export interface ResumeRequest {
  /** The session from an earlier welcome; null for spectators, who have none. */
  readonly session: string | null;
  /** The last update seq the client applied. */
  readonly lastSeq: number;
}

export interface ConnectRequest {
  readonly connId: string;
  readonly playerId: string;
  readonly name: string;
  readonly role: Role;
  readonly version: number;
  /** A fresh random secret from the host, used as the seat's session if it has none yet. */
  readonly newSession: string;
  readonly resume: ResumeRequest | null;
}

export type ConnectDecision = { accepted: true; info: ConnInfo } | { accepted: false; code: number; reason: string };

export interface PublicStatus {
  matchId: string;
  game: string;
  mode: "pvp" | "ai";
  status: RoomRecord["status"];
  round: number;
  seats: { seat: number; name: string; kind: "human" | "ai"; claimed: boolean; connected: boolean }[];
  turn: Seat | null;
  turnDeadline: number | null;
  result: RoomRecord["result"];
  spectators: number;
  createdAt: number;
  endedAt: number | null;
  /** Sequence number of the latest update. */
  seq: number;
  /** Checksum of the authoritative game state (see welcome.stateHash). */
  stateHash: string;
}

export class RoomCore {
  readonly conns = new Connections();
  readonly journal: Journal;
  /** Real-time games: the fixed-step driver; null for turn-based games. */
  readonly rt: RealtimeDriver | null;
  /** Real-time games: highest input id admitted to the tick buffer per seat (not yet applied). */
  readonly admitted = new Map<number, number>();
  checkpointDueAt = 0;
  /** Counters for benchmarks and cost modelling. */
  readonly metrics = { steps: 0, droppedSteps: 0, messages: 0 };
  private fx: Effects = emptyEffects();

  constructor(
    readonly game: AnyGame,
    readonly record: RoomRecord,
    journal: JournalEntry[] = [],
  ) {
    this.journal = new Journal(journal);
    this.rt = game.realtime ? new RealtimeDriver(game, game.realtime) : null;
  }

  /** Real-time games: run the simulation up to `now` and send snapshots (the host calls this on its loop). */
  advance(now: number): void {
    advanceRealtime(this, now);
    this.checkLiveness(now);
  }

  /** Whether a real-time simulation is running (the host then keeps its in-memory loop going). */
  realtimeLive(): boolean {
    return this.rt !== null && this.record.status === "playing";
  }

  /** When the host's loop should next call `advance`: the next snapshot boundary. */
  nextLoopAt(now: number): number | null {
    return this.rt && this.realtimeLive() ? this.rt.nextSnapshotAt(this.record, now) : null;
  }

  /** Take what the core produced since the last drain. */
  drain(): Effects {
    const out = this.fx;
    this.fx = emptyEffects();
    return out;
  }

  /** Re-register a socket that survived hibernation (from its attachment). */
  restore(info: ConnInfo, lastSeenAt: number): void {
    this.conns.add({ ...liveConn(info, this.game.rateLimit.burst, lastSeenAt) });
  }

  /**
   * After (re)building from storage: seated players whose sockets are gone
   * without a close event (a restart or deploy closes sockets silently) get
   * their grace window now.
   */
  reconcile(now: number): void {
    if (this.record.status !== "playing") return;
    const events: GameEvent[] = [];
    this.record.seats.forEach((s, i) => {
      if (s.kind === "human" && s.graceUntil === null && !this.conns.seatConnected(i)) {
        events.push(...startAbsence(this.record, i, now));
        this.log("info", "drop", { seat: i, cause: "not connected after restart", graceUntil: s.graceUntil });
      }
    });
    if (events.length > 0) this.emitUpdate(events);
  }

  /** Decide on a new socket and, when admitted, seat it and greet it. */
  connect(req: ConnectRequest, now: number): ConnectDecision {
    const rec = this.record;
    if (!SUPPORTED_PROTOCOL_VERSIONS.includes(req.version)) {
      return this.refuse(req, CloseCode.UNSUPPORTED_VERSION, `Protocol version ${req.version} is not supported; this server speaks ${PROTOCOL_VERSION}.`);
    }
    if (rec.status === "closed") return this.refuse(req, CloseCode.MATCH_CLOSED, "This match is over and its room is closed.");
    const resumeError = this.checkResume(req);
    if (resumeError) return this.refuse(req, CloseCode.RESUME_REJECTED, resumeError);
    const seqBefore = rec.seq;
    let seat: Seat | null = null;
    const events: GameEvent[] = [];
    if (req.role === "spectator") {
      if (!rec.settings.spectators) return this.refuse(req, CloseCode.SPECTATORS_NOT_ALLOWED, "This match does not allow spectators.");
    } else {
      seat = rec.seats.findIndex((s) => s.playerId === req.playerId);
      if (seat < 0) {
        seat = rec.seats.findIndex((s) => s.kind === "human" && s.playerId === null);
        if (seat < 0) return this.refuse(req, CloseCode.ROOM_FULL, "Every seat in this match is taken.");
        const claimed = rec.seats[seat];
        if (claimed) {
          claimed.playerId = req.playerId;
          claimed.name = req.name;
        }
        events.push({ type: "playerJoined", seat, name: req.name });
        this.fx.persist = true;
      }
    }
    for (const old of this.conns.samePlayer(req.playerId, req.role)) {
      this.conns.remove(old.connId);
      this.fx.closes.push({ conn: old.connId, code: CloseCode.SESSION_REPLACED, reason: "Replaced by a newer connection of the same player." });
    }
    const info: ConnInfo = { connId: req.connId, playerId: req.playerId, name: req.name, role: req.role, seat, connectedAt: now };
    this.conns.add(liveConn(info, this.game.rateLimit.burst, now));

    const seatRec = seat === null ? undefined : rec.seats[seat];
    if (seatRec && seatRec.session === "") {
      seatRec.session = req.newSession;
      this.fx.persist = true;
    }
    if (seatRec && seat !== null) {
      const back = endAbsence(rec, seat, now);
      const resumed = back.length > 0;
      if (resumed) this.fx.persist = true;
      events.push(...(resumed ? back : [{ type: "playerConnected", seat }]));
      this.log("info", "join", { seat, playerId: req.playerId, returning: resumed, lastInputId: seatRec.lastInputId });
    } else {
      this.log("info", "spectate", { playerId: req.playerId });
    }
    if (rec.status === "waiting" && seat !== null && rec.readyDeadline === null && rec.settings.readyTimeoutMs !== null) {
      rec.readyDeadline = now + rec.settings.readyTimeoutMs;
      this.fx.persist = true;
    }
    if (rec.status === "waiting" && this.everyoneHere()) events.push(...this.beginMatch(now));
    if (events.length > 0) this.emitUpdate(events, req.connId);
    this.send(req.connId, buildWelcome(this, req, seat, seqBefore, now));
    return { accepted: true, info };
  }

  /** A socket closed (or errored). Seated players get their grace window while a match is on. */
  disconnect(connId: string, code: number, now: number): void {
    const c = this.conns.remove(connId);
    if (!c) return;
    if (c.role !== "player" || c.seat === null || this.conns.seatConnected(c.seat)) {
      if (c.role === "spectator") this.log("info", "leave", { playerId: c.playerId, role: "spectator", code });
      return;
    }
    const seatRec = this.record.seats[c.seat];
    if (!seatRec) return;
    const away = startAbsence(this.record, c.seat, now);
    this.log("info", code === CloseCode.NORMAL ? "leave" : "drop", { seat: c.seat, playerId: c.playerId, code, graceUntil: seatRec.graceUntil });
    this.emitUpdate(away.length > 0 ? away : [{ type: "playerDisconnected", seat: c.seat, graceUntil: null, paused: false }]);
  }

  /** One frame from a socket. Never throws on bad input: it answers with an error frame. */
  message(connId: string, data: ArrayBuffer | string, now: number): void {
    const c = this.conns.get(connId);
    // A socket the core no longer tracks (refused, replaced or policy-closed, its close still in flight): nothing to do.
    if (!c) return;
    this.metrics.messages += 1;
    c.lastSeenAt = now;
    handleFrame(this, c, data, now);
  }

  /** Liveness evidence from outside the core (the host's heartbeat auto-response timestamp). */
  observeSeen(connId: string, at: number): void {
    const c = this.conns.get(connId);
    if (c && at > c.lastSeenAt) c.lastSeenAt = at;
  }

  /** The alarm fired (or any wake): run every due timer once, then declare silent sockets dead. */
  wake(now: number): void {
    // One timer at a time, re-reading the deadlines after each: a timer can move or clear the others
    // (an AI move resets the turn clock), so a late alarm must not run a stale one.
    for (let guard = 0; guard < 64; guard++) {
      const next = dueDeadlines(timerDeadlines(this.record), now)[0];
      if (!next) break;
      runTimer(this, next.key, now);
    }
    this.advance(now);
  }

  /** Declare sockets silent for longer than the heartbeat timeout dead. */
  checkLiveness(now: number): void {
    const timeout = this.record.settings.heartbeatTimeoutMs;
    for (const c of this.conns.all()) {
      if (c.lastSeenAt + timeout <= now) {
        this.fx.closes.push({ conn: c.connId, code: CloseCode.HEARTBEAT_TIMEOUT, reason: "No heartbeat received in time." });
        this.log("info", "heartbeat_timeout", { playerId: c.playerId, seat: c.seat, silentMs: now - c.lastSeenAt });
        this.disconnect(c.connId, CloseCode.HEARTBEAT_TIMEOUT, now);
      }
    }
  }

  /**
   * When the core next needs the alarm: the earliest stored timer or heartbeat
   * check, and while a real-time match runs a watchdog a few seconds out (the
   * in-memory loop drives the ticks; the alarm restarts it after an eviction).
   */
  nextWakeAt(now: number): number | null {
    const timeout = this.record.settings.heartbeatTimeoutMs;
    const liveness = this.conns.all().map((c) => ({ key: "heartbeat", at: c.lastSeenAt + timeout }));
    const watchdog = this.realtimeLive() ? [{ key: "watchdog", at: now + CHECKPOINT_MS }] : [];
    return nextWake([...timerDeadlines(this.record), ...liveness, ...watchdog]);
  }

  status(): PublicStatus {
    const snap = snapshot(this.record, this.game, null, (s) => this.conns.seatConnected(s));
    return {
      matchId: snap.matchId,
      game: snap.game,
      mode: snap.mode,
      status: snap.status,
      round: snap.round,
      seats: snap.seats.map(({ seat, name, kind, claimed, connected }) => ({ seat, name, kind, claimed, connected })),
      turn: snap.turn,
      turnDeadline: snap.turnDeadline,
      result: snap.result,
      spectators: this.conns.spectatorCount(),
      createdAt: this.record.createdAt,
      endedAt: this.record.endedAt,
      seq: this.record.seq,
      stateHash: stateHash(this.record.game),
    };
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
    this.fx.journal.push(entry);
    const critical = isCritical(events);
    if (critical) {
      for (const s of rec.seats) {
        if (s.kind !== "human" || s.playerId === null) continue;
        s.unacked.push(entry);
        if (s.unacked.length > MAX_UNACKED) s.unacked.splice(0, s.unacked.length - MAX_UNACKED);
      }
    }
    const cache = new Map<Seat | null, ServerFrame>();
    for (const c of this.conns.all()) {
      if (c.connId === exclude) continue;
      let frame = cache.get(c.seat);
      if (!frame) {
        frame = { t: "update", seq: rec.seq, events, critical, room: snapshot(rec, this.game, c.seat, (s) => this.conns.seatConnected(s)) };
        cache.set(c.seat, frame);
      }
      this.send(c.connId, frame);
    }
    return rec.seq;
  }

  /** A player acknowledged a critical update: stop re-delivering it. */
  ackCritical(conn: LiveConn, seq: number): void {
    const seatRec = conn.seat === null ? undefined : this.record.seats[conn.seat];
    if (!seatRec) return;
    const before = seatRec.unacked.length;
    seatRec.unacked = seatRec.unacked.filter((e) => e.seq !== seq);
    if (seatRec.unacked.length !== before) this.fx.persist = true;
  }

  /** Apply a lifecycle step's effects: its log entries, its broadcast, and the end-of-match log. */
  commit(step: Step): number | null {
    this.recordActions(step.actions);
    if (step.ended) this.log("info", "match_end", { round: this.record.round, result: this.record.result });
    return step.events.length > 0 ? this.emitUpdate(step.events) : null;
  }

  closeAll(code: number, reason: string): void {
    for (const c of this.conns.all()) {
      this.conns.remove(c.connId);
      this.fx.closes.push({ conn: c.connId, code, reason });
    }
  }

  close(conn: LiveConn, code: number, reason: string): void {
    this.fx.closes.push({ conn: conn.connId, code, reason });
  }

  shutdown(now: number): void {
    const step = closeRoom(this.record, now);
    this.commit(step);
    this.log("info", "room_closed", { reason: step.events[0]?.["reason"] });
    this.closeAll(CloseCode.MATCH_CLOSED, "The match is over and the room is closed.");
  }

  send(conn: string, frame: ServerFrame): void {
    this.fx.frames.push({ conn, frame });
  }

  sendText(conn: string, text: string): void {
    this.fx.texts.push({ conn, text });
  }

  markDirty(): void {
    this.fx.persist = true;
  }

  log(level: LogEntry["level"], event: string, fields: Record<string, unknown> = {}): void {
    this.fx.logs.push({ ...fields, level, event });
  }

  /** Queue entries for the action log; the record counts them so the log and the record stay in step. */
  recordActions(actions: readonly ActionEntry[]): void {
    if (actions.length === 0) return;
    this.record.actions += actions.length;
    this.fx.actions.push(...actions);
    this.fx.persist = true;
  }

  /**
   * Start the first round. When the ready timeout forces the start, seats no
   * one claimed are removed and claimed seats whose player is not connected
   * get their grace window at once.
   */
  beginMatch(now: number): GameEvent[] {
    const rec = this.record;
    const claimed = rec.seats.filter((s) => s.playerId !== null);
    if (claimed.length < rec.seats.length) rec.seats = claimed;
    const step = startRound(rec, this.game, now);
    this.recordActions(step.actions);
    this.log("info", "match_start", { round: rec.round, seats: rec.seats.length });
    const away: GameEvent[] = [];
    rec.seats.forEach((s, i) => {
      if (s.kind === "human" && !this.conns.seatConnected(i)) away.push(...startAbsence(rec, i, now));
    });
    return [...step.events, ...away];
  }

  /** The ready timeout expired: start with whoever is seated, if enough are here. */
  readyTimeout(now: number): void {
    const rec = this.record;
    rec.readyDeadline = null;
    if (rec.status !== "waiting") return;
    const present = rec.seats.filter((s, i) => s.playerId !== null && (s.kind === "ai" || this.conns.seatConnected(i))).length;
    if (present < this.game.seats.min) return;
    this.emitUpdate(this.beginMatch(now));
  }

  private everyoneHere(): boolean {
    return this.record.seats.every((s, i) => s.playerId !== null && (s.kind === "ai" || this.conns.seatConnected(i)));
  }

  private refuse(req: ConnectRequest, code: number, reason: string): ConnectDecision {
    this.log("info", "join_refused", { playerId: req.playerId, role: req.role, code, reason });
    return { accepted: false, code, reason };
  }

  /** Null when the resume data (if any) is acceptable, else why not. Fails closed. */
  private checkResume(req: ConnectRequest): string | null {
    const r = req.resume;
    if (!r) return null;
    if (r.lastSeq > this.record.seq) return `lastSeq ${r.lastSeq} is ahead of the room (at ${this.record.seq}).`;
    if (req.role === "spectator") return null;
    const seatRec = this.record.seats.find((s) => s.playerId === req.playerId);
    if (!seatRec || seatRec.session === "" || r.session !== seatRec.session) return "Unknown or foreign session for this player.";
    return null;
  }

}

