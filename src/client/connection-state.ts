/**
 * The connection lifecycle as a pure state machine: events in, a new state and
 * notices out. No sockets, no timers, no clock of its own (every event carries
 * `now`), so every rule here can be checked by property tests.
 *
 * Rules:
 * - A close with a terminal code (isTerminalClose: 4000–4499) ends in `closed`
 *   and is never retried; every other code (all 1xxx, 45xx, …) reconnects.
 * - Exception: 4010 RESUME_REJECTED only means "your resume data is bad". The
 *   client drops its session and lastSeq and reconnects fresh, at once, ONE
 *   time; a second 4010 before the connection proved stable is terminal.
 * - `attempt` counts consecutive attempts since the last welcome. A welcomed
 *   connection that closes restarts the count: at 0 when it stayed open for
 *   `stableAfterMs`, else at 1, so repeated short-lived connections (a room
 *   restarting again and again) never push the delay towards the cap, while
 *   a server that welcomes and drops at once is still not hammered.
 * - The room's welcome may lower the delay cap (`reconnect.maxDelayMs`, chosen
 *   from its grace window): a player of a room that restarts is back well
 *   inside that window.
 * - After `maxEstablishFailures` consecutive attempts that never got a socket
 *   open, the transport is reported blocked (state field + a notice). The
 *   client keeps retrying; a fallback transport can be plugged in through
 *   `TransportFactory` (transport.ts), which is told when this happens.
 */
import { CloseCode, isTerminalClose } from "../protocol/codes";
import { backoffDelay, wasStable, type ResolvedBackoff } from "./backoff";

export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

/** A failure to mint a join ticket over HTTP; `status` is null when no response came back. */
export interface TicketFailure {
  readonly status: number | null;
  readonly message: string;
}

export type ClosedReason =
  /** `close()` was called. */
  | { readonly kind: "client" }
  /** The server closed with a terminal code (4000–4499). */
  | { readonly kind: "server"; readonly code: number; readonly reason: string }
  /** The ticket endpoint answered 401: the player token is bad. */
  | { readonly kind: "auth-failed"; readonly message: string }
  /** The ticket endpoint refused for good (400 bad request, 403 origin, 404 no such match). */
  | { readonly kind: "ticket-refused"; readonly status: number; readonly message: string };

export type ConnectionState =
  | { readonly status: "connecting"; readonly attempt: number; readonly transportBlocked: boolean }
  | { readonly status: "open"; readonly openedAt: number }
  | {
      readonly status: "reconnecting";
      /** Consecutive failed attempts so far (≥ 1). */
      readonly attempt: number;
      readonly nextRetryAt: number;
      /** The close that caused this, or null when minting the ticket failed (see `ticketError`). */
      readonly lastClose: CloseInfo | null;
      readonly ticketError: TicketFailure | null;
      readonly transportBlocked: boolean;
      /** True after a 4010: the next attempt must not present resume data. */
      readonly freshSession: boolean;
    }
  | { readonly status: "closed"; readonly reason: ClosedReason; readonly lastClose: CloseInfo | null };

export type ConnectionStatus = ConnectionState["status"];

export type ConnectionEvent =
  /** The socket reached OPEN (the transport works, whatever the room says next). */
  | { readonly type: "socketOpen"; readonly now: number }
  /** The room's welcome arrived: the connection is usable. `maxDelayMs`: the room's cap on reconnect delays. */
  | { readonly type: "welcome"; readonly now: number; readonly maxDelayMs?: number }
  /** The socket closed or failed. `immediate` skips the backoff (client-side resync). */
  | { readonly type: "socketClosed"; readonly code: number; readonly reason: string; readonly now: number; readonly immediate?: boolean }
  | { readonly type: "ticketFailed"; readonly status: number | null; readonly message: string; readonly now: number }
  | { readonly type: "retryDue"; readonly now: number }
  /** The platform reports the network is back: retry now instead of waiting out the backoff. */
  | { readonly type: "online"; readonly now: number }
  | { readonly type: "close"; readonly now: number };

export type ConnectionNotice = { readonly type: "transportBlocked"; readonly failures: number };

export interface MachineConfig {
  readonly backoff: ResolvedBackoff;
  /** Consecutive attempts that never opened a socket before `transportBlocked`. Default 5. */
  readonly maxEstablishFailures: number;
}

export const DEFAULT_MAX_ESTABLISH_FAILURES = 5;

/** State plus the bookkeeping the rules need; treat as immutable. */
export interface Machine {
  readonly state: ConnectionState;
  readonly attempt: number;
  readonly establishFailures: number;
  /** Whether the current attempt's socket reached OPEN. */
  readonly socketOpened: boolean;
  readonly openedAt: number | null;
  /** Whether a 4010 may still be answered with one fresh reconnect. */
  readonly freshRetryAvailable: boolean;
  /** The latest room's cap on reconnect delays (never above the configured cap), null before any welcome. */
  readonly roomCapMs: number | null;
}

export interface Step {
  readonly machine: Machine;
  /** Whether the public `state` changed (the client emits a 'state' event exactly then). */
  readonly changed: boolean;
  readonly notices: readonly ConnectionNotice[];
}

export function initialMachine(): Machine {
  return {
    state: { status: "connecting", attempt: 0, transportBlocked: false },
    attempt: 0,
    establishFailures: 0,
    socketOpened: false,
    openedAt: null,
    freshRetryAvailable: true,
    roomCapMs: null,
  };
}

/** Ticket statuses that retrying cannot fix. 401 is reported separately as "auth-failed". */
const REFUSED_STATUSES: readonly number[] = [400, 403, 404];

export function transition(m: Machine, e: ConnectionEvent, cfg: MachineConfig): Step {
  const next = apply(m, e, cfg);
  return { ...next, changed: next.machine.state !== m.state };
}

function apply(m: Machine, e: ConnectionEvent, cfg: MachineConfig): Step {
  const s = m.state;
  if (s.status === "closed") return same(m);
  if (e.type === "close") {
    return step({ ...m, state: { status: "closed", reason: { kind: "client" }, lastClose: null }, openedAt: null });
  }
  switch (s.status) {
    case "connecting":
      if (e.type === "socketOpen") {
        // Keep the same state object unless the flag actually clears, so no spurious 'state' event.
        const state = s.transportBlocked ? { ...s, transportBlocked: false } : s;
        return step({ ...m, socketOpened: true, establishFailures: 0, state });
      }
      if (e.type === "welcome") {
        const roomCapMs = e.maxDelayMs !== undefined && e.maxDelayMs > 0 ? e.maxDelayMs : m.roomCapMs;
        return step({ ...m, roomCapMs, state: { status: "open", openedAt: e.now }, openedAt: e.now });
      }
      if (e.type === "socketClosed") return afterClose(m, e, cfg);
      if (e.type === "ticketFailed") return afterTicketFailure(m, e, cfg);
      return same(m);
    case "open":
      if (e.type === "socketClosed") return afterClose(m, e, cfg);
      return same(m);
    case "reconnecting":
      if ((e.type === "retryDue" && e.now >= s.nextRetryAt) || e.type === "online") {
        return step({ ...m, socketOpened: false, state: { status: "connecting", attempt: m.attempt, transportBlocked: s.transportBlocked } });
      }
      return same(m);
  }
}

function afterClose(m: Machine, e: Extract<ConnectionEvent, { type: "socketClosed" }>, cfg: MachineConfig): Step {
  const lastClose: CloseInfo = { code: e.code, reason: e.reason };
  // A welcomed connection restarts the count (at 1 when it was short-lived); only a stable one also
  // earns back the one 4010 retry.
  const welcomed = m.state.status === "open";
  const stable = welcomed && wasStable(m.openedAt, e.now, cfg.backoff);
  const base: Machine = stable ? { ...m, attempt: 0, freshRetryAvailable: true } : welcomed ? { ...m, attempt: Math.min(m.attempt, 1) } : m;
  const neverOpened = m.state.status === "connecting" && !m.socketOpened;
  const establishFailures = neverOpened ? base.establishFailures + 1 : base.establishFailures;
  const blocked = establishFailures >= cfg.maxEstablishFailures;
  const notices: ConnectionNotice[] = neverOpened && establishFailures === cfg.maxEstablishFailures ? [{ type: "transportBlocked", failures: establishFailures }] : [];
  const attempt = base.attempt + 1;
  const common = { attempt, establishFailures, socketOpened: false, openedAt: null };

  if (e.code === CloseCode.RESUME_REJECTED && base.freshRetryAvailable) {
    return step(
      {
        ...base,
        ...common,
        freshRetryAvailable: false,
        state: { status: "reconnecting", attempt, nextRetryAt: e.now, lastClose, ticketError: null, transportBlocked: blocked, freshSession: true },
      },
      notices,
    );
  }
  if (isTerminalClose(e.code)) {
    return step({ ...base, ...common, state: { status: "closed", reason: { kind: "server", code: e.code, reason: e.reason }, lastClose } }, notices);
  }
  const delay = e.immediate ? 0 : backoffDelay(attempt - 1, effectiveBackoff(base, cfg));
  return step(
    {
      ...base,
      ...common,
      state: { status: "reconnecting", attempt, nextRetryAt: e.now + delay, lastClose, ticketError: null, transportBlocked: blocked, freshSession: false },
    },
    notices,
  );
}

function afterTicketFailure(m: Machine, e: Extract<ConnectionEvent, { type: "ticketFailed" }>, cfg: MachineConfig): Step {
  if (e.status === 401) {
    return step({ ...m, state: { status: "closed", reason: { kind: "auth-failed", message: e.message }, lastClose: null } });
  }
  if (e.status !== null && REFUSED_STATUSES.includes(e.status)) {
    return step({ ...m, state: { status: "closed", reason: { kind: "ticket-refused", status: e.status, message: e.message }, lastClose: null } });
  }
  // HTTP trouble says nothing about WebSockets, so it neither counts towards nor clears `transportBlocked`.
  const attempt = m.attempt + 1;
  const blocked = m.state.status === "connecting" && m.state.transportBlocked;
  return step({
    ...m,
    attempt,
    socketOpened: false,
    state: {
      status: "reconnecting",
      attempt,
      nextRetryAt: e.now + backoffDelay(attempt - 1, effectiveBackoff(m, cfg)),
      lastClose: null,
      ticketError: { status: e.status, message: e.message },
      transportBlocked: blocked,
      freshSession: false,
    },
  });
}

/** The configured backoff, its cap lowered to the room's when the room asked for less. */
function effectiveBackoff(m: Machine, cfg: MachineConfig): ResolvedBackoff {
  if (m.roomCapMs === null || m.roomCapMs >= cfg.backoff.capMs) return cfg.backoff;
  return { ...cfg.backoff, capMs: Math.max(cfg.backoff.baseMs, m.roomCapMs) };
}

function step(machine: Machine, notices: readonly ConnectionNotice[] = []): Step {
  return { machine, changed: true, notices };
}

function same(machine: Machine): Step {
  return { machine, changed: false, notices: [] };
}
