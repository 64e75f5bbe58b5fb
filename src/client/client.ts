/**
 * EdgeroomClient: one player's (or spectator's) seat in one match, kept
 * connected for as long as the match allows.
 *
 * Each attempt mints a fresh single-use ticket (with a fresh token from
 * `getToken`), opens a socket, and waits for the room's welcome. After a drop
 * it reconnects with backoff and presents its session and last applied seq,
 * so the room replays what was missed; pending inputs are re-sent and settle
 * exactly once through the room's duplicate acknowledgement. The pieces live
 * in their own modules (connection-state, link, room-feed, inputs, clock);
 * this class only wires them together.
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
import { DEFAULT_MAX_ESTABLISH_FAILURES, initialMachine, transition, type ConnectionEvent, type ConnectionState, type Machine, type MachineConfig } from "./connection-state";
import { Emitter, type Listener } from "./emitter";
import { checkDeadAfter, DEFAULT_DEAD_AFTER_MS } from "./heartbeat";
import { InputTracker, closedOutcome } from "./inputs";
import { Link } from "./link";
import type { OutboxCommand, OutboxEntry } from "./outbox";
import { globalOnlineSource, resolveFetch, resolveTransport } from "./platform";
import { RateLimitHold, rateLimitBackoff } from "./rate-limit";
import { RoomFeed } from "./room-feed";
import { mintTicket, socketUrl, type FetchLike } from "./ticket";
import { systemTimers, type TimerHandle, type Timers } from "./timers";
import type { TransportFactory, TransportKind } from "./transport";

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export class EdgeroomClient {
  readonly stats: ClientStats = { undecodableFrames: 0, duplicateUpdates: 0, gaps: 0, connections: 0, straySettles: 0 };
  private readonly emitter = new Emitter<ClientEvents>();
  private readonly timers: Timers;
  private readonly cfg: MachineConfig;
  private readonly fetchImpl: FetchLike;
  private readonly transportFactory: TransportFactory;
  private readonly onlineSource: OnlineEventSource | null;
  private readonly inputs: InputTracker;
  private readonly feed: RoomFeed;
  private readonly clock = new ServerClock();
  private machine: Machine = initialMachine();
  private link: Link | null = null;
  /** The welcome of the current link, once it arrived. */
  private welcomed: WelcomeFrame | null = null;
  /** Bumped per attempt, so a ticket that arrives after a newer attempt began is ignored. */
  private attemptId = 0;
  private started = false;
  private retryTimer: TimerHandle | null = null;
  /** Inputs the room refused for lack of budget on the current link (see rate-limit.ts). */
  private hold = new RateLimitHold();
  /** Whether the re-send of held inputs is scheduled on the current link. */
  private releaseScheduled = false;
  private transportKind: TransportKind;
  private fellBack = false;
  private readonly onOnline = () => this.dispatch({ type: "online", now: this.timers.now() });

  constructor(private readonly options: ClientOptions) {
    this.timers = options.timers ?? systemTimers();
    this.cfg = { backoff: resolveBackoff(options.backoff), maxEstablishFailures: options.maxEstablishFailures ?? DEFAULT_MAX_ESTABLISH_FAILURES };
    checkDeadAfter(options.deadAfterMs ?? DEFAULT_DEAD_AFTER_MS);
    this.fetchImpl = resolveFetch(options.fetch);
    const transport = resolveTransport(options.transport, options.WebSocket, options.httpFetch, this.timers);
    this.transportFactory = transport.factory;
    this.transportKind = transport.initial;
    this.onlineSource = options.onlineEvents === undefined ? globalOnlineSource() : options.onlineEvents;
    this.inputs = new InputTracker({
      capacity: options.outboxCapacity,
      store: options.store ?? null,
      key: options.storeKey ?? `edgeroom:outbox:${options.matchId}:${options.role ?? "player"}`,
      onStoreError: (err) => this.emitter.emit("error", { kind: "store", message: err instanceof Error ? err.message : String(err) }),
    });
    this.feed = new RoomFeed(this.emitter, (seq) => this.link?.send(() => ({ t: "ackCritical", seq })));
  }

  // ------------------------------------------------------------ public API

  /** Begin connecting (joinMatch does this for you). Idempotent. */
  start(): void {
    if (this.started || this.machine.state.status === "closed") return;
    this.started = true;
    this.onlineSource?.addEventListener("online", this.onOnline);
    const loadError = this.inputs.outbox.loadError;
    // Deferred so listeners attached right after joinMatch() hear about it.
    if (loadError) queueMicrotask(() => this.emitter.emit("error", { kind: "store", message: loadError }));
    void this.connect();
  }

  get state(): ConnectionState {
    return this.machine.state;
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
    return this.transportKind;
  }

  /**
   * True once WebSockets proved blocked (`maxEstablishFailures` consecutive
   * attempts never opened one) and the client switched to the HTTP fallback
   * for good (see the 'fallback' event). Unlike `state.transportBlocked`,
   * which clears as soon as the fallback opens, this stays true.
   */
  get webSocketsBlocked(): boolean {
    return this.fellBack;
  }

  /** Round-trip time of the best recent clock sample (ms), or null before the first. */
  get rtt(): number | null {
    return this.clock.rtt;
  }

  /** Leave for good: close the socket, stop retrying; unsettled inputs resolve as "closed" (and stay in the store). */
  close(): void {
    this.dispatch({ type: "close", now: this.timers.now() });
  }

  // ------------------------------------------------------------ connection lifecycle

  private dispatch(event: ConnectionEvent): void {
    const step = transition(this.machine, event, this.cfg);
    this.machine = step.machine;
    if (step.changed) {
      this.emitter.emit("state", this.machine.state);
      this.enter(this.machine.state);
    }
    for (const n of step.notices) this.emitter.emit("transportBlocked", { failures: n.failures });
  }

  private enter(state: ConnectionState): void {
    if (state.status === "connecting") {
      this.clearRetry();
      void this.connect();
    } else if (state.status === "reconnecting") {
      // 4010: our resume data was refused. Rejoin as new, once (see connection-state.ts).
      if (state.freshSession) this.feed.dropSession();
      this.clearRetry();
      this.retryTimer = this.timers.setTimeout(
        () => {
          this.retryTimer = null;
          this.dispatch({ type: "retryDue", now: Math.max(this.timers.now(), state.nextRetryAt) });
        },
        Math.max(0, state.nextRetryAt - this.timers.now()),
      );
    } else if (state.status === "closed") {
      this.link?.close(CloseCode.NORMAL, "client closed");
      this.link = null;
      this.welcomed = null;
      this.clearRetry();
      this.onlineSource?.removeEventListener?.("online", this.onOnline);
      const r = state.reason;
      // The match is gone: nothing can settle these any more, so do not keep them in storage.
      if (r.kind === "server" && (r.code === CloseCode.MATCH_CLOSED || r.code === CloseCode.MATCH_NOT_FOUND)) this.inputs.outbox.discard();
      this.inputs.closeAll(r.kind);
    }
  }

  private async connect(): Promise<void> {
    const attempt = ++this.attemptId;
    const role = this.options.role ?? "player";
    const ticket = await mintTicket({ fetch: this.fetchImpl, baseUrl: this.options.baseUrl, matchId: this.options.matchId, role, getToken: this.options.getToken });
    if (attempt !== this.attemptId || this.machine.state.status !== "connecting") return;
    if (!ticket.ok) {
      this.emitter.emit("error", { kind: "ticket", status: ticket.status, message: ticket.message });
      this.dispatch({ type: "ticketFailed", status: ticket.status, message: ticket.message, now: this.timers.now() });
      return;
    }
    let url: string;
    try {
      url = socketUrl(ticket.url, this.feed.resumeParams());
    } catch {
      this.dispatch({ type: "ticketFailed", status: null, message: `ticket URL is not a URL: ${ticket.url}`, now: this.timers.now() });
      return;
    }
    const state = this.machine.state;
    this.stats.connections += 1;
    const link: Link = new Link(
      { timers: this.timers, connectTimeoutMs: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, deadAfterMs: this.options.deadAfterMs },
      {
        onOpen: () => this.dispatch({ type: "socketOpen", now: this.timers.now() }),
        onFrame: (frame) => this.route(link, frame),
        onUndecodable: (code, message) => {
          this.stats.undecodableFrames += 1;
          this.emitter.emit("error", { kind: "decode", code, message });
        },
        onEnd: (code, reason, immediate) => {
          if (this.link !== link) return;
          this.link = null;
          this.welcomed = null;
          this.dispatch({ type: "socketClosed", code, reason, now: this.timers.now(), immediate });
        },
      },
    );
    this.link = link;
    this.hold = new RateLimitHold();
    this.releaseScheduled = false;
    const context = { transportBlocked: state.status === "connecting" && state.transportBlocked, attempt: this.machine.attempt };
    link.start(this.transportFactory, url, context);
    this.noteTransport(link.kind ?? this.transportKind, context.transportBlocked);
  }

  private noteTransport(kind: TransportKind, blocked: boolean): void {
    const previous = this.transportKind;
    this.transportKind = kind;
    if (blocked && previous === "websocket" && kind === "http" && !this.fellBack) {
      this.fellBack = true;
      this.emitter.emit("fallback", { from: previous, to: kind, failures: this.machine.establishFailures });
    }
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
        return this.settle(frame);
      case "error": {
        this.emitter.emit("error", { kind: "server", code: frame.code, message: frame.message, id: frame.id });
        // Not processed, so not settled: the input is re-sent (see rate-limit.ts).
        if (frame.code === ErrorCode.RATE_LIMITED) return this.onRateLimited(link, frame.id);
        const id = frame.id;
        if (id !== null) this.settle({ ...frame, id });
        return;
      }
      case "sync":
        this.clock.addSample(frame.c, frame.s, this.timers.now());
        return;
      case "snap":
        // Real-time snapshots are not sequenced (a lost one is superseded by the next); they are handed
        // to the game as they come. Each connection's stream starts with a keyframe after its welcome.
        if (this.welcomed) this.emitter.emit("snap", frame);
        return;
    }
  }

  private onWelcome(link: Link, w: WelcomeFrame): void {
    if (this.welcomed) return;
    const now = this.timers.now();
    this.welcomed = w;
    this.clock.hint(w.serverTime, now);
    link.welcomed(w.limits, w.heartbeat.pingIntervalMs);
    const plan = this.feed.applyWelcome(w);
    const foreign = this.inputs.outbox.adoptOwner(w.you.playerId);
    if (foreign.length > 0) this.emitter.emit("error", { kind: "store", message: `dropped ${foreign.length} stored inputs of another player` });
    this.dispatch({ type: "welcome", now });
    this.feed.announceWelcome(w, plan);
    // Every unsettled input goes again, in push order; the room dup-acks those it already processed.
    this.resendAll(link, w.lastInputId);
    startClockSync(link, () => this.timers.now(), this.options.clockSync);
  }

  // ------------------------------------------------------------ inputs

  private submit(command: OutboxCommand): Promise<InputOutcome> {
    if (this.machine.state.status === "closed") return Promise.resolve(closedOutcome(null, command, "client"));
    const { promise, sendNow } = this.inputs.submit(command, this.welcomed ? this.welcomed.lastInputId : null);
    // While inputs are held after RATE_LIMITED, a new one waits for their re-send (it has a higher id, so it is part of it).
    if (sendNow && this.link && !this.hold.held) this.sendEntry(this.link, sendNow);
    return promise;
  }

  private settle(frame: Parameters<InputTracker["settleFrame"]>[0]): void {
    const result = this.inputs.settleFrame(frame);
    if (result === null) {
      this.stats.straySettles += 1;
      return;
    }
    this.hold.settled(frame.id);
    if (result.kind === "ack") this.emitter.emit("ack", result);
    else if (result.kind === "gameError") this.emitter.emit("gameError", result);
  }

  /**
   * The room refused a frame for lack of budget. With an id, that input and
   * every later one are held by the room until it comes again: keep them all
   * pending and re-send them in order once the budget has refilled. Without
   * one, a sync or ackCritical was dropped: nothing to re-send, but the
   * budget is spent.
   */
  private onRateLimited(link: Link, id: number | null): void {
    const w = this.welcomed;
    if (this.link !== link || !w) return;
    // A refusal of a copy that a re-send has already replaced changes nothing.
    if (id !== null && !this.hold.refused(id)) return;
    for (const withdrawn of link.throttle()) this.hold.holdFrom(withdrawn);
    const from = this.hold.from;
    if (from === null || this.releaseScheduled) return;
    this.releaseScheduled = true;
    const count = this.inputs.outbox.pendingInOrder().filter((e) => e.id !== null && e.id >= from).length;
    link.schedule(() => this.releaseHold(link), rateLimitBackoff(w.limits, count, this.hold.rounds));
  }

  /** Re-send every held input, from the refused one on, in order. */
  private releaseHold(link: Link): void {
    if (this.link !== link || link.isEnded) return;
    this.releaseScheduled = false;
    const from = this.hold.release();
    if (from === null) return;
    const entries = this.inputs.outbox.pendingInOrder().filter((e) => e.id !== null && e.id >= from);
    if (entries[0]?.id !== from) {
      // Only input `from` releases the room's hold, and it is not ours to send any more: a new connection starts without a hold.
      link.drop(CloseCode.NORMAL, `input ${from} is held by the rate limit but no longer pending`);
      return;
    }
    for (const entry of entries) this.sendEntry(link, entry);
  }

  /** Send every unsettled input on `link` with ids above `floor` (a listener may have ended it meanwhile: then nothing is sent). */
  private resendAll(link: Link, floor: number): void {
    if (link.isEnded || this.link !== link) return;
    for (const entry of this.inputs.resendList(floor)) this.sendEntry(link, entry);
  }

  private sendEntry(link: Link, entry: OutboxEntry): void {
    const frame = InputTracker.frame(entry);
    const id = entry.id;
    if (!frame || id === null || this.link !== link) return;
    const hold = this.hold;
    // Counted when the pacer actually lets it go, so a withdrawn frame is not a copy.
    link.send(() => {
      hold.sent(id);
      return frame;
    }, id);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}

/** Create a client and start connecting. */
export function joinMatch(options: ClientOptions): EdgeroomClient {
  const client = new EdgeroomClient(options);
  client.start();
  return client;
}
