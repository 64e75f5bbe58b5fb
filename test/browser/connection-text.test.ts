/** The connection indicator's words for every client state (a pure function; no browser needed). */
import { describe, expect, it } from "vitest";
import type { ConnectionState } from "../../src/client/internal";
import { describeConnection } from "../../web/src/connection-text";

const base = { online: true, now: 1_000_000, pending: 0, noun: "move", transport: "websocket" };

function text(state: ConnectionState, extra: Partial<typeof base> = {}) {
  return describeConnection({ ...base, ...extra, state });
}

describe("connection indicator words", () => {
  it("connected, and connected over the HTTP fallback", () => {
    expect(text({ status: "open", openedAt: 0 })).toMatchObject({ status: "open", headline: "Connected", queued: "" });
    expect(text({ status: "open", openedAt: 0 }, { transport: "http" }).headline).toBe("Connected (HTTP fallback)");
  });

  it("reconnecting: attempt, seconds to the next try, and why", () => {
    const t = text({ status: "reconnecting", attempt: 3, nextRetryAt: base.now + 2_400, lastClose: { code: 1006, reason: "" }, ticketError: null, transportBlocked: false, freshSession: false });
    expect(t.status).toBe("reconnecting");
    expect(t.headline).toBe("Reconnecting (attempt 3)");
    expect(t.detail).toBe("attempt 3, next try in 3 s · the connection dropped");
    const ticket = text({ status: "reconnecting", attempt: 1, nextRetryAt: base.now, lastClose: null, ticketError: { status: null, message: "x" }, transportBlocked: false, freshSession: false });
    expect(ticket.detail).toBe("attempt 1, next try in 0 s · the server could not be reached");
  });

  it("offline wins over reconnecting while navigator.onLine is false", () => {
    const t = text({ status: "reconnecting", attempt: 2, nextRetryAt: base.now + 900, lastClose: { code: 1006, reason: "" }, ticketError: null, transportBlocked: false, freshSession: false }, { online: false });
    expect(t).toMatchObject({ status: "offline", headline: "Offline: reconnecting when the network is back" });
    expect(t.detail).toContain("attempt 2, next try in 1 s");
  });

  it("queued inputs while not connected, in the page's own noun", () => {
    const state: ConnectionState = { status: "reconnecting", attempt: 1, nextRetryAt: base.now, lastClose: null, ticketError: null, transportBlocked: false, freshSession: false };
    expect(text(state, { pending: 1 }).queued).toBe("1 move queued: it will be sent when the connection is back.");
    expect(text(state, { pending: 2, noun: "input" }).queued).toBe("2 inputs queued: they will be sent when the connection is back.");
    expect(text({ status: "open", openedAt: 0 }, { pending: 1 }).queued).toBe("");
  });

  it("failed: the reason in words", () => {
    const closed = (reason: Extract<ConnectionState, { status: "closed" }>["reason"]) => text({ status: "closed", reason, lastClose: null });
    expect(closed({ kind: "server", code: 4006, reason: "" })).toMatchObject({ status: "closed", headline: "Disconnected", detail: "You opened this match in another tab or window." });
    expect(closed({ kind: "server", code: 4003, reason: "" }).detail).toBe("Every seat in this match is taken.");
    expect(closed({ kind: "ticket-refused", status: 404, message: "No such match." }).detail).toBe("There is no such match. Check the link.");
    expect(closed({ kind: "auth-failed", message: "bad token" }).detail).toContain("no longer valid");
    expect(closed({ kind: "client" }).detail).toBe("You left the match.");
  });
});
