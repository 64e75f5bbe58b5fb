/**
 * EdgeroomClient: one player's (or spectator's) seat in one match, kept
 * connected for as long as the match allows.
 *
 * Each attempt mints a fresh single-use ticket (with a fresh token from
 * `getToken`), opens a socket, and waits for the room's welcome. After a drop
 * it reconnects with backoff and presents its session and last applied seq,
 * so the room replays what was missed; pending inputs are re-sent and settle
 * exactly once through the room's duplicate acknowledgement. The pieces live
 * in their own modules (connection-state and connection-driver, retry-timer,
 * link, transport-switch, room-feed, inputs and input-sender, clock); this
 * class only wires them together.
 *
 * Frames travel over WebSockets or, where those are blocked, the HTTP
 * fallback (http-transport.ts); `transport: "auto"` switches by itself.
 *
 * `send()`, `rematch()` and `resign()` return a Promise that always RESOLVES
 * with an InputOutcome (ack, gameError, invalid, outboxFull or closed) and
 * never rejects: a rule violation is ordinary game flow, not an exception.
 */
// Protocol modules are imported one by one (not the barrel) so browser bundles carry only what the client uses.
import { CloseCode, ErrorCode } from "../protocol/codes";
import type { RoomSnapshot, ServerFrame, WelcomeFrame } from "../protocol/schemas";
import { resolveBackoff } from "./backoff";
import type { ClientEvents, ClientOptions, ClientStats, InputOutcome, OnlineEventSource } from "./client-types";
import { ServerClock, startClockSync } from "./clock";
import { ConnectionDriver } from "./connection-driver";
import { DEFAULT_MAX_ESTABLISH_FAILURES, type ConnectionState } from "./connection-state";
import { Emitter, type Listener } from "./emitter";
import { checkDeadAfter, DEFAULT_DEAD_AFTER_MS } from "./heartbeat";
import { InputSender } from "./input-sender";
import { InputTracker, closedOutcome } from "./inputs";
import { Link } from "./link";
import type { OutboxCommand } from "./outbox";
import { globalOnlineSource, resolveFetch, resolveTransport } from "./platform";
import { RetryTimer } from "./retry-timer";
import { RoomFeed } from "./room-feed";
import { mintTicket, socketUrl, type FetchLike } from "./ticket";
import { systemTimers, type Timers } from "./timers";
import type { TransportKind } from "./transport";
import { TransportSwitch } from "./transport-switch";

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export class EdgeroomClient {
  readonly stats: ClientStats = { undecodableFrames: 0, duplicateUpdates: 0, gaps: 0, connections: 0, straySettles: 0 };
  private readonly emitter = new Emitter<ClientEvents>();
  private readonly timers: Timers;
  private readonly fetchImpl: FetchLike;
  private readonly transports: TransportSwitch;
  private readonly onlineSource: OnlineEventSource | null;
  private readonly inputs: InputTracker;
  private readonly sender: InputSender;
  private readonly feed: RoomFeed;
  private readonly clock = new ServerClock();
  private readonly connection: ConnectionDriver;
  private link: Link | null = null;
  /** The welcome of the current link, once it arrived. */
  private welcomed: WelcomeFrame | null = null;
  /** Bumped per attempt, so a ticket that arrives after a newer attempt began is ignored. */
  private attemptId = 0;
  private started = false;
  private readonly retry: RetryTimer;
  private readonly onOnline = () => this.connection.dispatch({ type: "online", now: this.timers.now() });

  constructor(private readonly options: ClientOptions) {
    this.timers = options.timers ?? systemTimers();
    this.retry = new RetryTimer(this.timers);
    const cfg = { backoff: resolveBackoff(options.backoff), maxEstablishFailures: options.maxEstablishFailures ?? DEFAULT_MAX_ESTABLISH_FAILURES };
    this.connection = new ConnectionDriver(cfg, this.emitter, (state) => this.enter(state));
    checkDeadAfter(options.deadAfterMs ?? DEFAULT_DEAD_AFTER_MS);
    this.fetchImpl = resolveFetch(options.fetch);
    this.transports = new TransportSwitch(resolveTransport(options.transport, options.WebSocket, options.httpFetch, this.timers));
    this.onlineSource = options.onlineEvents === undefined ? globalOnlineSource() : options.onlineEvents;
    this.inputs = new InputTracker({
      capacity: options.outboxCapacity,
      store: options.store ?? null,
      key: options.storeKey ?? `edgeroom:outbox:${options.matchId}:${options.role ?? "player"}`,
      onStoreError: (err) => this.emitter.emit("error", { kind: "store", message: err instanceof Error ? err.message : String(err) }),
    });
    this.sender = new InputSender(this.inputs, () => this.link, this.emitter, this.stats);
    this.feed = new RoomFeed(this.emitter, (seq) => this.link?.send(() => ({ t: "ackCritical", seq })));
  }

  // ------------------------------------------------------------ public API

  /** Begin connecting (joinMatch does this for you). Idempotent. */
  start(): void {
    if (this.started || this.connection.machine.state.status === "closed") return;
    this.started = true;
    this.onlineSource?.addEventListener("online", this.onOnline);
    const loadError = this.inputs.outbox.loadError;
    // Deferred so listeners attached right after joinMatch() hear about it.
    if (loadError) queueMicrotask(() => this.emitter.emit("error", { kind: "store", message: loadError }));
    void this.connect();
  }

  get state(): ConnectionState {
    return this.connection.machine.state;
  }

  /** Subscribe; returns the unsubscribe function. 'state' fires on every transition after the initial "connecting". */
  on<K extends keyof ClientEvents>(event: K, fn: Listener<ClientEvents[K]>): () => void {
    return this.emitter.on(event, fn);
  }

  send(data: unknown): Promise<InputOutcome> {
    return this.submit({ t: "input", data });
  }

  rematch(): Promise<InputOutcome> {
    return this.submit({ t: "rematch" });
  }

  resign(): Promise<InputOutcome> {
    return this.submit({ t: "resign" });
  }

  /** The latest room snapshot (last welcome or applied update), or null before the first welcome. */
  get room(): RoomSnapshot | null {
    return this.feed.room;
  }

  /** The last update seq applied in order, or null before the first welcome. */
  get lastSeq(): number | null {
    return this.feed.lastSeq;
  }

  /** The latest welcome frame (seat, role, limits, session). */
  get welcome(): WelcomeFrame | null {
    return this.feed.welcome;
  }

  /** Inputs queued or sent that the room has not settled yet. */
  get pendingInputs(): number {
    return this.inputs.outbox.size;
  }

  /** Estimated server time (ms since epoch). */
  serverNow(): number {
    return this.clock.serverNow(this.timers.now());
  }

  /** What carries the current connection (or the latest attempt, or the first one before any). */
  get transport(): TransportKind {
    return this.transports.kind;
  }

  /**
   * True once WebSockets proved blocked (`maxEstablishFailures` consecutive
   * attempts never opened one) and the client switched to the HTTP fallback
   * for good (see the 'fallback' event). Unlike `state.transportBlocked`,
   * which clears as soon as the fallback opens, this stays true.
   */
  get webSocketsBlocked(): boolean {
    return this.transports.fellBack;
  }

  /** Round-trip time of the best recent clock sample (ms), or null before the first. */
  get rtt(): number | null {
    return this.clock.rtt;
  }

  /** Leave for good: close the socket, stop retrying; unsettled inputs resolve as "closed" (and stay in the store). */
  close(): void {
    this.connection.dispatch({ type: "close", now: this.timers.now() });
  }

  // ------------------------------------------------------------ connection lifecycle

  private enter(state: ConnectionState): void {
    if (state.status === "connecting") {
      this.retry.clear();
      void this.connect();
    } else if (state.status === "reconnecting") {
      // 4010: our resume data was refused. Rejoin as new, once (see connection-state.ts).
      if (state.freshSession) this.feed.dropSession();
      this.retry.schedule(state.nextRetryAt, (now) => this.connection.dispatch({ type: "retryDue", now }));
    } else if (state.status === "closed") {
      this.link?.close(CloseCode.NORMAL, "client closed");
      this.link = null;
      this.welcomed = null;
      this.retry.clear();
      this.onlineSource?.removeEventListener?.("online", this.onOnline);
      this.sender.closeAll(state.reason);
    }
  }

  private async connect(): Promise<void> {
    const attempt = ++this.attemptId;
    const role = this.options.role ?? "player";
    const ticket = await mintTicket({ fetch: this.fetchImpl, baseUrl: this.options.baseUrl, matchId: this.options.matchId, role, getToken: this.options.getToken });
    if (attempt !== this.attemptId || this.connection.machine.state.status !== "connecting") return;
    if (!ticket.ok) {
      this.emitter.emit("error", { kind: "ticket", status: ticket.status, message: ticket.message });
      this.connection.dispatch({ type: "ticketFailed", status: ticket.status, message: ticket.message, now: this.timers.now() });
      return;
    }
    let url: string;
    try {
      url = socketUrl(ticket.url, this.feed.resumeParams());
    } catch {
      this.connection.dispatch({ type: "ticketFailed", status: null, message: `ticket URL is not a URL: ${ticket.url}`, now: this.timers.now() });
      return;
    }
    const state = this.connection.machine.state;
    this.stats.connections += 1;
    const link: Link = new Link(
      { timers: this.timers, connectTimeoutMs: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, deadAfterMs: this.options.deadAfterMs },
      {
        onOpen: () => this.connection.dispatch({ type: "socketOpen", now: this.timers.now() }),
        onFrame: (frame) => this.route(link, frame),
        onUndecodable: (code, message) => {
          this.stats.undecodableFrames += 1;
          this.emitter.emit("error", { kind: "decode", code, message });
        },
        onEnd: (code, reason, immediate) => {
          if (this.link !== link) return;
          this.link = null;
          this.welcomed = null;
          this.connection.dispatch({ type: "socketClosed", code, reason, now: this.timers.now(), immediate });
        },
      },
    );
    this.link = link;
    this.sender.reset();
    const context = { transportBlocked: state.status === "connecting" && state.transportBlocked, attempt: this.connection.machine.attempt };
    link.start(this.transports.factory, url, context);
    const fallback = this.transports.note(link.kind ?? this.transports.kind, context.transportBlocked, this.connection.machine.establishFailures);
    if (fallback) this.emitter.emit("fallback", fallback);
  }

  // ------------------------------------------------------------ incoming frames

  private route(link: Link, frame: ServerFrame): void {
    switch (frame.t) {
      case "welcome":
        return this.onWelcome(link, frame);
      case "update": {
        if (!this.welcomed) return;
        const r = this.feed.update(frame);
        if (r.kind === "duplicate") this.stats.duplicateUpdates += 1;
        if (r.kind === "gap") {
          this.stats.gaps += 1;
          // Reconnect at once with resume data: the room replays what we missed.
          link.drop(CloseCode.NORMAL, `resync: missed updates ${r.expected}…${r.received - 1}`, true);
        }
        return;
      }
      case "ack":
      case "gameError":
        return this.sender.settle(frame);
      case "error": {
        this.emitter.emit("error", { kind: "server", code: frame.code, message: frame.message, id: frame.id });
        // Not processed, so not settled: the input is re-sent (see rate-limit.ts).
        if (frame.code === ErrorCode.RATE_LIMITED) return this.sender.onRateLimited(link, frame.id, this.welcomed);
        const id = frame.id;
        if (id !== null) this.sender.settle({ ...frame, id });
        return;
      }
      case "sync":
        this.clock.addSample(frame.c, frame.s, this.timers.now());
        return;
      case "snap":
        // Real-time snapshots are not sequenced (a lost one is superseded by the next); they are handed
        // to the game as they come. Each connection's stream starts with a keyframe after its welcome.
        if (!this.welcomed) return;
        if (frame.dur !== undefined) this.sender.durable(frame.dur);
        this.emitter.emit("snap", frame);
        return;
    }
  }

  private onWelcome(link: Link, w: WelcomeFrame): void {
    if (this.welcomed) return;
    const now = this.timers.now();
    this.welcomed = w;
    this.clock.hint(w.serverTime, now);
    link.welcomed(w.limits, w.heartbeat);
    const plan = this.feed.applyWelcome(w);
    const foreign = this.inputs.outbox.adoptOwner(w.you.playerId);
    if (foreign.length > 0) this.emitter.emit("error", { kind: "store", message: `dropped ${foreign.length} stored inputs of another player` });
    this.connection.dispatch({ type: "welcome", now, maxDelayMs: w.reconnect?.maxDelayMs });
    this.feed.announceWelcome(w, plan);
    // Every unsettled input goes again, in push order; the room dup-acks those it already processed.
    this.sender.resendAll(link, w.lastInputId);
    // The room's cadence unless the caller chose one (real-time rooms ask for 1 s: a frame wakes an evicted room).
    startClockSync(link, () => this.timers.now(), { intervalMs: w.heartbeat.syncIntervalMs, ...this.options.clockSync });
  }

  // ------------------------------------------------------------ inputs

  private submit(command: OutboxCommand): Promise<InputOutcome> {
    if (this.connection.machine.state.status === "closed") return Promise.resolve(closedOutcome(null, command, "client"));
    return this.sender.submit(command, this.welcomed ? this.welcomed.lastInputId : null);
  }
}
