/**
 * The room's half-open link detection (src/room/core/liveness.ts), stepped by hand on a fake clock:
 * when a silent socket is declared dead, exactly, for a turn-based room (the host's 500 ms watchdog,
 * simulated by the stepper) and a real-time one (the 50 ms loop), and when the watchdog runs at all.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../src/protocol";
import { PONG_TIMEOUT_MS, TURN_BASED_CHECK_MS } from "../../src/room/core/liveness";
import { RoomStepper } from "../support/room-stepper";

/** A room with a tap recording when each connection was closed, and with what. */
function watched(request: Record<string, unknown>) {
  const r = new RoomStepper(request);
  const closes = new Map<string, { at: number; code: number }>();
  r.tap((o) => {
    if (o.kind === "close") closes.set(o.conn, { at: r.now, code: o.code });
  });
  return { r, closes };
}

function connectFour() {
  const w = watched({ mode: "pvp", turnMs: 0 });
  w.r.connect("c0", "p0");
  w.r.connect("c1", "p1");
  return w;
}

function runner() {
  const w = watched({ game: "runner", seats: 2, options: { durationSeconds: 60 } });
  w.r.connect("c0", "p0");
  w.r.connect("c1", "p1");
  return w;
}

describe("room liveness: half-open links", () => {
  it("announces the heartbeat parameters in the welcome: Connect Four pings every 1.5 s, times out after 3.5 s, checks every 500 ms", () => {
    const { r } = connectFour();
    expect(r.last("c0", "welcome")?.heartbeat).toEqual({ pingIntervalMs: 1500, timeoutMs: 3500, syncIntervalMs: 15_000, pongTimeoutMs: PONG_TIMEOUT_MS, checkIntervalMs: TURN_BASED_CHECK_MS });
    const rt = runner().r;
    expect(rt.last("c0", "welcome")?.heartbeat).toEqual({ pingIntervalMs: 1000, timeoutMs: 3500, syncIntervalMs: 1000, pongTimeoutMs: 2000, checkIntervalMs: 50 });
  });

  it("declares a turn-based socket silent for 3.5 s dead at the watchdog check that finds it, not a millisecond before", () => {
    const { r, closes } = connectFour();
    const t0 = r.now;
    r.silent.add("c0");
    r.advance(3499);
    expect(closes.has("c0")).toBe(false);
    r.advance(1);
    expect(closes.get("c0")).toEqual({ at: t0 + 3500, code: CloseCode.HEARTBEAT_TIMEOUT });
    // Treated as a drop: the seat's grace window opens and the opponent is told.
    expect(r.core.record.seats[0]?.graceUntil).toBe(t0 + 3500 + r.core.record.settings.graceMs);
    expect(r.last("c1", "update")?.events).toEqual([{ type: "playerDisconnected", seat: 0, graceUntil: t0 + 3500 + 60_000, paused: false }]);
    expect(closes.has("c1")).toBe(false);
  });

  it("declares a socket whose last ping came 200 ms into the cycle dead at the next check after 3.5 s of silence (4.0 s)", () => {
    const { r, closes } = connectFour();
    const t0 = r.now;
    r.silent.add("c0");
    r.core.observeSeen("c0", t0 + 200);
    r.advance(3999);
    expect(closes.has("c0")).toBe(false);
    r.advance(1);
    expect(closes.get("c0")?.at).toBe(t0 + 4000);
  });

  it("for a cut at any phase, a turn-based room declares the link dead within timeout + check period of the last ping", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (lastPing) => {
        const { r, closes } = connectFour();
        const t0 = r.now;
        r.advance(lastPing);
        r.core.observeSeen("c0", t0 + lastPing);
        r.silent.add("c0");
        r.advance(10_000);
        const detected = closes.get("c0")!.at - (t0 + lastPing);
        expect(detected).toBeGreaterThanOrEqual(3500);
        expect(detected).toBeLessThan(3500 + TURN_BASED_CHECK_MS);
      }),
      { seed: 13, numRuns: 200 },
    );
  });

  it("declares a real-time socket silent for 3.5 s dead at the next 50 ms loop tick", () => {
    const { r, closes } = runner();
    r.advance(1000);
    const t1 = r.now;
    r.silent.add("c1");
    r.core.observeSeen("c1", t1 + 10);
    // Silent for 3.5 s at t1 + 3 510; the loop ticks every 50 ms, so the verdict comes at the first tick from then on.
    r.advance(3509);
    expect(closes.has("c1")).toBe(false);
    r.advance(50);
    const at = closes.get("c1")!.at;
    expect(at - (t1 + 10)).toBeGreaterThanOrEqual(3500);
    expect(at - (t1 + 10)).toBeLessThan(3550);
    expect(closes.get("c1")?.code).toBe(CloseCode.HEARTBEAT_TIMEOUT);
  });

  it("runs the watchdog only while a turn-based match is in play with a seated player connected", () => {
    const { r } = watched({ mode: "pvp", turnMs: 0 });
    r.connect("c0", "p0");
    // Waiting for an opponent: the room may hibernate.
    expect(r.core.watchdogNeeded()).toBe(false);
    r.advance(10_000);
    expect(r.watchChecks).toBe(0);
    r.connect("c1", "p1");
    expect(r.core.watchdogNeeded()).toBe(true);
    r.advance(10_000);
    expect(r.watchChecks).toBe(20);
    // Both players gone: nobody seated is connected, the room may hibernate again.
    r.disconnect("c0");
    r.disconnect("c1");
    expect(r.core.watchdogNeeded()).toBe(false);
    r.connect("s0", "p9", "spectator");
    expect(r.core.watchdogNeeded()).toBe(false);
    const before = r.watchChecks;
    r.advance(5_000);
    expect(r.watchChecks).toBe(before);
    // Real-time rooms check on their loop and never need the watchdog.
    expect(runner().r.core.watchdogNeeded()).toBe(false);
  });

  it("keeps the liveness alarm 30 s behind the timeout: the in-memory checks detect, the alarm is the backstop", () => {
    const { r, closes } = connectFour();
    const t0 = r.now;
    expect(r.core.nextWakeAt(t0)).toBe(t0 + 3500 + 30_000);
    r.disconnect("c1");
    r.disconnect("c0");
    // A spectator only (no watchdog): a silent one is found by the alarm, 30 s after its timeout.
    const s0 = r.now;
    r.connect("s0", "p9", "spectator");
    r.silent.add("s0");
    r.advance(3500 + 30_000 - 1);
    expect(closes.has("s0")).toBe(false);
    r.advance(1);
    expect(closes.get("s0")).toEqual({ at: s0 + 3500 + 30_000, code: CloseCode.HEARTBEAT_TIMEOUT });
  });
});
