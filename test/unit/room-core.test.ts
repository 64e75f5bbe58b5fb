import { describe, expect, it } from "vitest";
import { CloseCode } from "../../src/protocol";
import { RoomStepper } from "../support/room-stepper";

function started(request: Record<string, unknown> = {}) {
  const r = new RoomStepper({ mode: "pvp", ...request });
  r.connect("c0", "p0");
  r.connect("c1", "p1");
  return r;
}

describe("room core, stepped by hand", () => {
  it("starts the match once every seat is claimed and connected", () => {
    const r = new RoomStepper({ mode: "pvp" });
    r.connect("c0", "p0");
    expect(r.core.record.status).toBe("waiting");
    r.connect("c1", "p1");
    expect(r.core.record.status).toBe("playing");
    expect(r.last("c0", "update")?.events.map((e) => e.type)).toEqual(["playerJoined", "playerConnected", "matchStarted"]);
    expect(r.last("c1", "welcome")?.you.seat).toBe(1);
  });

  it("acknowledges inputs after the state change that persists them", () => {
    const r = started();
    r.send("c0", { t: "input", id: 1, data: { type: "dropDisc", column: 3 } });
    const frames = r.frames("c0");
    const ack = frames.at(-1);
    const update = frames.at(-2);
    expect(ack).toMatchObject({ t: "ack", id: 1, dup: false });
    expect(update?.t).toBe("update");
    expect(ack?.t === "ack" && update?.t === "update" && ack.seq === update.seq).toBe(true);
    expect(r.actions.filter((a) => a.kind === "input")).toHaveLength(1);
  });

  it("re-acknowledges duplicates with the original outcome and never reapplies them", () => {
    const r = started();
    r.send("c0", { t: "input", id: 5, data: { type: "dropDisc", column: 3 } });
    r.send("c1", { t: "input", id: 1, data: { type: "dropDisc", column: 9 } });
    const seq = r.core.record.seq;
    r.send("c0", { t: "input", id: 5, data: { type: "dropDisc", column: 3 } });
    r.send("c0", { t: "input", id: 4, data: { type: "dropDisc", column: 3 } });
    r.send("c1", { t: "input", id: 1, data: { type: "dropDisc", column: 9 } });
    expect(r.core.record.seq).toBe(seq);
    expect(r.frames("c0").slice(-2)).toEqual([
      { t: "ack", id: 5, seq, dup: true },
      { t: "ack", id: 4, seq: null, dup: true },
    ]);
    expect(r.last("c1", "gameError")).toMatchObject({ id: 1, code: "OUT_OF_RANGE", dup: true });
    expect(r.actions.filter((a) => a.kind === "input")).toHaveLength(1);
  });

  it("expires the turn clock through the ticker and ends the match by timeout", () => {
    const r = started({ turnMs: 5000 });
    r.advance(4999);
    expect(r.core.record.status).toBe("playing");
    r.advance(1);
    expect(r.core.record.result).toMatchObject({ winner: 1, reason: "timeout" });
  });

  it("starts a grace window on a drop, cancels it on reconnect, and forfeits on expiry", () => {
    const r = started({ graceMs: 10_000, turnMs: 0 });
    r.disconnect("c0");
    expect(r.core.record.seats[0]?.graceUntil).toBe(r.now + 10_000);
    r.advance(5000);
    r.connect("c0b", "p0");
    expect(r.core.record.seats[0]?.graceUntil).toBeNull();
    expect(r.last("c1", "update")?.events[0]?.type).toBe("playerReconnected");
    r.disconnect("c0b");
    r.advance(10_000);
    expect(r.core.record.result).toMatchObject({ winner: 1, reason: "forfeit" });
  });

  it("declares a socket dead after the heartbeat timeout and starts its grace window", () => {
    const r = started({ turnMs: 0 });
    r.silent.add("c0");
    r.advance(r.core.record.settings.heartbeatTimeoutMs);
    expect(r.closed.get("c0")?.code).toBe(CloseCode.HEARTBEAT_TIMEOUT);
    expect(r.closed.has("c1")).toBe(false);
    expect(r.core.record.seats[0]?.graceUntil).not.toBeNull();
  });

  it("lets the AI move after its think time through the same path as a human", () => {
    const r = new RoomStepper({ mode: "ai", aiLevel: "easy" });
    r.connect("c0", "p0");
    r.send("c0", { t: "input", id: 1, data: { type: "dropDisc", column: 3 } });
    expect(r.core.record.aiDueAt).not.toBeNull();
    r.advance(r.core.record.settings.aiThinkMs);
    const update = r.last("c0", "update");
    expect(update?.events[0]).toMatchObject({ type: "aiMove", seat: 1 });
    expect(r.actions.filter((a) => a.kind === "input").map((a) => (a.kind === "input" ? a.by : ""))).toEqual(["human", "ai"]);
  });

  it("closes an abandoned waiting room and a finished room after their time to live", () => {
    const r = new RoomStepper({ mode: "pvp" });
    r.connect("c0", "p0");
    r.advance(60 * 60_000);
    expect(r.core.record.status).toBe("closed");
    expect(r.closed.get("c0")?.code).toBe(CloseCode.MATCH_CLOSED);
    expect(r.core.nextWakeAt(r.now)).toBeNull();
  });

  it("produces the same match from the same seed and inputs", () => {
    const play = () => {
      const r = new RoomStepper({ mode: "ai", aiLevel: "medium" }, 7);
      r.connect("c0", "p0");
      for (let id = 1; r.core.record.status === "playing" && id < 40; id++) {
        const board = (r.core.record.game as { heights: number[] }).heights;
        const col = [3, 2, 4, 1, 5, 0, 6].find((c) => (board[c] ?? 6) < 6) ?? 0;
        r.send("c0", { t: "input", id, data: { type: "dropDisc", column: col } });
        r.advance(1000);
      }
      return { game: r.core.record.game, result: r.core.record.result };
    };
    expect(play()).toEqual(play());
  });
});

describe("disconnect policies", () => {
  it("pauses the turn clock while a player is away and resumes it with the time that was left", () => {
    const r = started({ turnMs: 10_000, graceMs: 60_000, disconnectPolicy: "pause" });
    r.advance(4_000);
    r.disconnect("c0");
    expect(r.core.record.turnDeadline).toBeNull();
    expect(r.core.record.pausedTurnMs).toBe(6_000);
    r.advance(30_000);
    expect(r.core.record.status).toBe("playing");
    r.connect("c0b", "p0");
    expect(r.core.record.turnDeadline).toBe(r.now + 6_000);
    r.advance(6_000);
    expect(r.core.record.result).toMatchObject({ winner: 1, reason: "timeout" });
  });

  it("forfeits a paused player whose grace window runs out", () => {
    const r = started({ turnMs: 10_000, graceMs: 20_000, disconnectPolicy: "pause" });
    r.disconnect("c0");
    r.advance(20_000);
    expect(r.core.record.result).toMatchObject({ winner: 1, reason: "forfeit" });
  });

  it("keeps the seat when the grace window expires under keep-seat", () => {
    const r = started({ turnMs: 0, graceMs: 20_000, disconnectPolicy: "keep-seat" });
    r.disconnect("c0");
    r.advance(20_000);
    expect(r.core.record.status).toBe("playing");
    expect(r.last("c1", "update")?.events).toEqual([{ type: "graceExpired", seat: 0 }]);
    r.connect("c0b", "p0");
    expect(r.last("c0b", "welcome")?.you.seat).toBe(0);
  });
});

describe("timers under late alarms and hibernation", () => {
  it("does not run a turn timeout made stale by the AI's move in the same late wake", () => {
    const r = new RoomStepper({ mode: "ai", aiLevel: "easy", turnMs: 1000 });
    r.connect("c0", "p0");
    r.send("c0", { t: "input", id: 1, data: { type: "dropDisc", column: 3 } });
    // Alarm 1.5 s late: the AI's think time and its own turn clock are both past.
    r.lateWake(1500);
    expect(r.core.record.status).toBe("playing");
    expect(r.core.record.turnDeadline).toBe(r.now + 1000);
    expect(r.last("c0", "update")?.events[0]).toMatchObject({ type: "aiMove" });
  });

  it("declares a socket that stopped pinging during hibernation dead on the next wake", () => {
    const r = started({ turnMs: 0 });
    const info = r.core.conns.get("c0");
    expect(info).toBeDefined();
    // Rebuilt after hibernation: evidence is the connection time (no ping seen since).
    const rebuilt = new (r.core.constructor as typeof import("../../src/room/core/room-core").RoomCore)(r.core.game, r.core.record);
    if (info) rebuilt.restore(info, info.connectedAt);
    rebuilt.wake(r.now + r.core.record.settings.heartbeatTimeoutMs);
    expect(rebuilt.drain().closes).toEqual([expect.objectContaining({ conn: "c0", code: CloseCode.HEARTBEAT_TIMEOUT })]);
  });

  it("closes a match in play as abandoned when every player has been away for an hour under keep-seat", () => {
    const r = started({ turnMs: 0, graceMs: 10_000, disconnectPolicy: "keep-seat" });
    r.disconnect("c0");
    r.disconnect("c1");
    r.advance(60 * 60_000);
    expect(r.core.record.status).toBe("closed");
    expect(r.core.record.result).toMatchObject({ winner: null, reason: "abandoned" });
  });

  it("tolerates a burst over the rate limit but closes a sustained flood", () => {
    const r = started({ turnMs: 0 });
    for (let i = 0; i < 60; i++) r.send("c0", { t: "sync", c: i });
    expect(r.closed.has("c0")).toBe(false);
    expect(r.frames("c0").filter((f) => f.t === "error" && f.code === "RATE_LIMITED").length).toBeGreaterThan(0);
    for (let i = 0; i < 200; i++) r.send("c0", { t: "sync", c: i });
    expect(r.closed.get("c0")?.code).toBe(CloseCode.POLICY_VIOLATION);
  });
});

describe("rate limit and ordering of inputs", () => {
  it("names the refused input and holds later ones until it is re-sent, so none is skipped", () => {
    const r = started({ turnMs: 0 });
    for (let i = 0; i < 30; i++) r.send("c0", { t: "sync", c: i });
    r.send("c0", { t: "input", id: 1, data: { type: "dropDisc", column: 3 } });
    expect(r.last("c0", "error")).toMatchObject({ code: "RATE_LIMITED", id: 1 });
    r.now += 1000; // the bucket refills
    r.send("c0", { t: "input", id: 2, data: { type: "dropDisc", column: 3 } });
    expect(r.last("c0", "error")).toMatchObject({ code: "RATE_LIMITED", id: 2 });
    expect(r.core.record.seats[0]?.lastInputId).toBe(0);
    r.send("c0", { t: "input", id: 1, data: { type: "dropDisc", column: 3 } });
    expect(r.last("c0", "ack")).toMatchObject({ id: 1, dup: false });
    r.send("c1", { t: "input", id: 1, data: { type: "dropDisc", column: 4 } });
    r.send("c0", { t: "input", id: 2, data: { type: "dropDisc", column: 3 } });
    expect(r.last("c0", "ack")).toMatchObject({ id: 2, dup: false });
  });

  it("keeps holding when an already-applied lower id is re-sent, acknowledging it as a duplicate", () => {
    const r = started({ turnMs: 0 });
    r.send("c0", { t: "input", id: 1, data: { type: "dropDisc", column: 3 } });
    r.send("c1", { t: "input", id: 1, data: { type: "dropDisc", column: 4 } });
    for (let i = 0; i < 30; i++) r.send("c0", { t: "sync", c: i });
    r.send("c0", { t: "input", id: 2, data: { type: "dropDisc", column: 3 } });
    expect(r.last("c0", "error")).toMatchObject({ code: "RATE_LIMITED", id: 2 });
    r.now += 1000;
    r.send("c0", { t: "input", id: 1, data: { type: "dropDisc", column: 3 } });
    expect(r.last("c0", "ack")).toMatchObject({ id: 1, dup: true });
    r.send("c0", { t: "input", id: 3, data: { type: "dropDisc", column: 3 } });
    expect(r.last("c0", "error")).toMatchObject({ code: "RATE_LIMITED", id: 3 });
    r.send("c0", { t: "input", id: 2, data: { type: "dropDisc", column: 3 } });
    expect(r.last("c0", "ack")).toMatchObject({ id: 2, dup: false });
  });
});
