/**
 * The connection indicator's words, as a pure function of the client's state:
 * connected / connecting / reconnecting (attempt N, next try in X s, why) /
 * offline / failed (why), plus a note about inputs queued meanwhile.
 */
import type { ClosedReason, CloseInfo, ConnectionState, TicketFailure } from "../../src/client/internal";

export type IndicatorStatus = "connecting" | "open" | "reconnecting" | "offline" | "closed";

export interface ConnectionInput {
  readonly state: ConnectionState;
  /** navigator.onLine */
  readonly online: boolean;
  /** Date.now() (nextRetryAt is on the client's timer clock, which is Date.now() in browsers). */
  readonly now: number;
  readonly pending: number;
  /** What an input is called on this page ("move" for Connect Four). */
  readonly noun: string;
  /** "http" when the SDK fell back from WebSockets. */
  readonly transport: string;
}

export interface ConnectionText {
  readonly status: IndicatorStatus;
  /** Not colour: a shape per status. */
  readonly symbol: string;
  /** Announced (aria-live): changes only when the situation changes. */
  readonly headline: string;
  /** Shown, not announced: the countdown to the next try and the cause. */
  readonly detail: string;
  readonly queued: string;
}

const CLOSE_WORDS: Record<number, string> = {
  1000: "the connection was closed",
  1001: "the server is restarting",
  1006: "the connection dropped",
  4001: "the join ticket was refused",
  4002: "this page is out of date; reload it",
  4003: "every seat in this match is taken",
  4004: "there is no such match",
  4005: "the match is closed",
  4006: "you opened this match in another tab or window",
  4007: "this match does not allow spectators",
  4008: "the server closed the connection after too many bad messages",
  4009: "the server removed you from the match",
  4010: "the server could not resume the session",
  4011: "the operator closed the room",
  4500: "the server stopped hearing from this device",
  4501: "the room is restarting",
};

export function closeWords(close: CloseInfo): string {
  return CLOSE_WORDS[close.code] ?? (close.reason ? `closed: ${close.reason}` : `closed with code ${close.code}`);
}

function ticketWords(t: TicketFailure): string {
  if (t.status === null) return "the server could not be reached";
  if (t.status === 429) return "too many connection attempts; waiting";
  return `the server answered ${t.status}`;
}

/**
 * What the operator said, when an operator action ended the connection: the room closed (4011), the
 * player removed (4009 with a reason, or a ticket refused with REMOVED_FROM_MATCH); else null.
 */
export function operatorNotice(state: ConnectionState): string | null {
  if (state.status !== "closed") return null;
  const r = state.reason;
  if (r.kind === "server" && r.code === 4011) return `Room closed by operator: ${r.reason || "no reason given"}`;
  if (r.kind === "server" && r.code === 4009) return `Removed from the match by the operator: ${r.reason || "no reason given"}`;
  if (r.kind === "ticket-refused" && r.message.startsWith("REMOVED_FROM_MATCH")) return "Removed from the match by the operator: you cannot rejoin it.";
  return null;
}

export function closedWords(reason: ClosedReason, lastClose: CloseInfo | null): string {
  switch (reason.kind) {
    case "client":
      return "You left the match.";
    case "server":
      return capitalise(closeWords({ code: reason.code, reason: reason.reason })) + ".";
    case "auth-failed":
      return "Your guest sign-in is no longer valid. Go back to the lobby and enter your name again.";
    case "ticket-refused":
      if (reason.status === 404) return "There is no such match. Check the link.";
      if (reason.status === 403 && reason.message.startsWith("REMOVED_FROM_MATCH")) return "The operator removed you from this match.";
      if (reason.status === 403) return "This site is not allowed to join matches on this server.";
      return `The server refused to let this page join (${reason.status}: ${reason.message}).`;
  }
  return lastClose ? capitalise(closeWords(lastClose)) + "." : "Disconnected.";
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

export function describeConnection(c: ConnectionInput): ConnectionText {
  const s = c.state;
  const queued =
    c.pending > 0 && s.status !== "open" && s.status !== "closed"
      ? `${plural(c.pending, c.noun)} queued: ${c.pending === 1 ? "it" : "they"} will be sent when the connection is back.`
      : c.pending > 0 && s.status === "closed"
        ? `${plural(c.pending, c.noun)} could not be sent.`
        : "";
  if (s.status === "closed") {
    return { status: "closed", symbol: "✕", headline: "Disconnected", detail: closedWords(s.reason, s.lastClose), queued };
  }
  if (s.status === "open" && c.online) {
    return { status: "open", symbol: "●", headline: c.transport === "http" ? "Connected (HTTP fallback)" : "Connected", detail: "", queued };
  }
  const retry =
    s.status === "reconnecting"
      ? `attempt ${s.attempt}, next try in ${Math.max(0, Math.ceil((s.nextRetryAt - c.now) / 1000))} s`
      : s.status === "connecting" && s.attempt > 0
        ? `attempt ${s.attempt + 1}, trying now`
        : "";
  const cause = s.status === "reconnecting" ? (s.lastClose ? closeWords(s.lastClose) : s.ticketError ? ticketWords(s.ticketError) : "") : "";
  if (!c.online) {
    return {
      status: "offline",
      symbol: "○",
      headline: "Offline: reconnecting when the network is back",
      detail: [retry, cause].filter(Boolean).join(" · "),
      queued,
    };
  }
  if (s.status === "reconnecting") {
    return { status: "reconnecting", symbol: "◐", headline: `Reconnecting (attempt ${s.attempt})`, detail: [retry, cause].filter(Boolean).join(" · "), queued };
  }
  if (s.status === "connecting" && s.attempt > 0) {
    return { status: "reconnecting", symbol: "◐", headline: `Reconnecting (attempt ${s.attempt + 1})`, detail: "trying now", queued };
  }
  return { status: "connecting", symbol: "◌", headline: "Connecting…", detail: "", queued };
}
