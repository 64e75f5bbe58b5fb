import { describe, expect, it } from "vitest";
import { CloseCode, ErrorCode } from "../../src/protocol";
import { memoryStore, rateLimitBackoff, RATE_LIMIT_MAX_BACKOFF_MS } from "../../src/client/internal";
import { connectWith, harness, room, welcome } from "./client-sdk-harness";

describe("GameClient<unknown> against a scripted server", () => {
  it("mints a ticket with the player's token, and resolves an input's promise with the room's ack", async () => {
    const h = harness();
    const s = await connectWith(h, welcome({ lastInputId: 4 }));
    expect(h.requests[0]).toMatchObject({ url: "http://rooms.test/api/matches/m1/ticket", body: JSON.stringify({ role: "player" }) });
    expect(h.requests[0]?.headers["Authorization"]).toBe("Bearer player-token");
    expect(s.param("session")).toBeNull();
    expect(s.binaryType).toBe("arraybuffer");
    expect(h.client.state.status).toBe("open");
    const result = h.client.send({ type: "dropDisc", column: 3 });
    // Ids continue above what the room already processed for this seat.
    expect(s.inputs()).toEqual([{ t: "input", id: 5, data: { type: "dropDisc", column: 3 } }]);
    s.deliver({ t: "ack", id: 5, seq: 1, dup: false });
    await expect(result).resolves.toMatchObject({ ok: true, kind: "ack", id: 5, seq: 1, dup: false });
    expect(h.client.pendingInputs).toBe(0);
  });

  it("hands real-time snapshots to 'snap' listeners after the welcome, keyframe first on every connection", async () => {
    const h = harness();
    const snaps = h.record("snap");
    const first = await connectWith(h, welcome());
    first.deliver({ t: "snap", tick: 3, ack: 0, key: true, d: [1, 2] });
    first.deliver({ t: "snap", tick: 6, ack: 0, key: false, d: [3] });
    first.serverClose(1006, "");
    h.timers.runDue();
    const second = await h.nextSocket();
    second.open();
    second.deliver({ t: "snap", tick: 9, ack: 0, key: true, d: [4] }); // before its welcome: not a state to apply yet
    second.deliver(welcome({ resume: { status: "replayed", fromSeq: 0 } }));
    second.deliver({ t: "snap", tick: 9, ack: 0, key: true, d: [5] });
    expect(snaps.map((f) => [f.tick, f.key, f.d])).toEqual([
      [3, true, [1, 2]],
      [6, false, [3]],
      [9, true, [5]],
    ]);
  });

  it("refuses at once, without queueing or sending, an input the room could not read (too large, too deep)", async () => {
    const h = harness();
    const s = await connectWith(h, welcome());
    const big = await h.client.send({ type: "dropDisc", note: "x".repeat(2000) });
    expect(big).toMatchObject({ ok: false, kind: "invalid", id: null, code: "FRAME_TOO_LARGE" });
    let deep: unknown = 1;
    for (let i = 0; i < 12; i++) deep = [deep];
    expect(await h.client.send(deep)).toMatchObject({ ok: false, kind: "invalid", id: null, code: "MALFORMED_FRAME" });
    expect(h.client.pendingInputs).toBe(0);
    expect(s.inputs()).toEqual([]);
    const ok = h.client.send({ type: "dropDisc", column: 2 });
    expect(s.inputs().map((f) => f.id)).toEqual([1]);
    s.deliver({ t: "ack", id: 1, seq: 2, dup: false });
    await expect(ok).resolves.toMatchObject({ ok: true, id: 1 });
  });

  it("sends sync frames at the cadence the room's welcome asks for (real-time rooms: every second)", async () => {
    const count = (s: { frames(): { t: string }[] }) => s.frames().filter((f) => f.t === "sync").length;
    const h = harness();
    const fast = await connectWith(h, welcome({ heartbeat: { pingIntervalMs: 1000, timeoutMs: 5000, syncIntervalMs: 1000 } }));
    h.timers.advance(400); // the three initial samples, 200 ms apart
    const afterInitial = count(fast);
    for (let i = 0; i < 10; i++) {
      h.timers.advance(1000);
      fast.deliverRaw("pong"); // keep the heartbeat satisfied
    }
    expect(count(fast) - afterInitial).toBe(10);

    const h2 = harness();
    const slow = await connectWith(h2, welcome());
    h2.timers.advance(400);
    const initial2 = count(slow);
    for (let i = 0; i < 10; i++) {
      h2.timers.advance(1000);
      slow.deliverRaw("pong");
    }
    expect(count(slow) - initial2).toBe(0); // turn-based default: one every 15 s
  });

  it("resolves (never rejects) with the gameError when the room refuses an input", async () => {
    const h = harness();
    const s = await connectWith(h, welcome());
    const errors = h.record("gameError");
    const result = h.client.send({ type: "dropDisc", column: 9 });
    s.deliver({ t: "gameError", id: 1, code: "OUT_OF_RANGE", message: "no such column", dup: false });
    await expect(result).resolves.toMatchObject({ ok: false, kind: "gameError", id: 1, code: "OUT_OF_RANGE" });
    expect(errors).toHaveLength(1);
  });

  it("reconnects after a retryable close with a fresh ticket and resume data, re-sends unsettled inputs, and settles each exactly once", async () => {
    const h = harness();
    const first = await connectWith(h, welcome({ seq: 10, session: "sess-A", room: room({ round: 1 }) }));
    const acks = h.record("ack");
    const updates = h.record("update");
    const result = h.client.send({ type: "dropDisc", column: 1 });
    expect(first.inputs().map((f) => f.id)).toEqual([1]);
    first.serverClose(CloseCode.HEARTBEAT_TIMEOUT, "silent");
    expect(h.client.state).toMatchObject({ status: "reconnecting", attempt: 1, lastClose: { code: 4500, reason: "silent" } });
    h.timers.runDue();
    const second = await h.nextSocket();
    expect(h.requests).toHaveLength(2);
    expect(second.param("ticket")).toBe("t2");
    expect(second.param("session")).toBe("sess-A");
    expect(second.param("lastSeq")).toBe("10");
    second.open();
    second.deliver(
      welcome({ seq: 12, session: "sess-A", lastInputId: 1, resume: { status: "replayed", fromSeq: 10 }, replay: [{ seq: 11, events: [{ type: "playerMove" }] }, { seq: 12, events: [{ type: "playerReconnected" }] }] }),
    );
    expect(second.inputs()).toEqual([{ t: "input", id: 1, data: { type: "dropDisc", column: 1 } }]);
    second.deliver({ t: "ack", id: 1, seq: 11, dup: true });
    second.deliver({ t: "ack", id: 1, seq: 11, dup: true });
    await expect(result).resolves.toMatchObject({ ok: true, id: 1, dup: true });
    expect(acks).toHaveLength(1);
    expect(h.client.stats.straySettles).toBe(1);
    expect(updates.map((u) => [u.seq, u.source, u.room === null])).toEqual([
      [11, "replay", true],
      [12, "replay", false],
    ]);
    expect(h.client.lastSeq).toBe(12);
  });

  it("never retries after a terminal close code, and resolves pending inputs as closed", async () => {
    const h = harness();
    const s = await connectWith(h, welcome());
    const pending = h.client.send({ type: "dropDisc", column: 0 });
    s.serverClose(CloseCode.SESSION_REPLACED, "replaced");
    expect(h.client.state).toMatchObject({ status: "closed", reason: { kind: "server", code: 4006 } });
    await expect(pending).resolves.toMatchObject({ ok: false, kind: "closed", code: "CLIENT_CLOSED" });
    h.timers.advance(600_000);
    h.online.fire();
    expect(h.requests).toHaveLength(1);
    expect(h.timers.pending()).toBe(0);
    await expect(h.client.send({})).resolves.toMatchObject({ kind: "closed" });
  });

  it("answers RESUME_REJECTED by dropping its session and rejoining fresh once; a second rejection is final", async () => {
    const h = harness();
    const states = h.record("state");
    const first = await connectWith(h, welcome({ seq: 8, session: "old" }));
    first.serverClose(1006, "");
    h.timers.runDue();
    const second = await h.nextSocket();
    expect(second.param("session")).toBe("old");
    second.open();
    second.serverClose(CloseCode.RESUME_REJECTED, "foreign session");
    expect(h.client.state).toMatchObject({ status: "reconnecting", freshSession: true });
    h.timers.runDue();
    const third = await h.nextSocket();
    expect(third.param("session")).toBeNull();
    expect(third.param("lastSeq")).toBeNull();
    third.open();
    third.deliver(welcome({ seq: 9, session: "new" }));
    // A fresh join after the rejection starts over from the welcome's room.
    expect(h.client.lastSeq).toBe(9);
    third.serverClose(1001, "deploy");
    h.timers.runDue();
    const fourth = await h.nextSocket();
    expect(fourth.param("session")).toBe("new");
    fourth.open();
    fourth.serverClose(CloseCode.RESUME_REJECTED, "again");
    expect(h.client.state).toMatchObject({ status: "closed", reason: { kind: "server", code: 4010 } });
    expect(states.map((s) => s.status)).toContain("open");
  });

  it("stops with 'auth failed' when the ticket endpoint answers 401, without opening a socket", async () => {
    const h = harness();
    h.ticketStatuses.push(401);
    const state = await h.until("state", (s) => s.status === "closed");
    expect(state).toMatchObject({ status: "closed", reason: { kind: "auth-failed" } });
    if (state.status === "closed" && state.reason.kind === "auth-failed") expect(state.reason.message).toMatch(/auth failed/);
    expect(h.sockets).toHaveLength(0);
  });

  it("keeps retrying through ticket endpoint outages", async () => {
    const h = harness();
    h.ticketStatuses.push(503, 429);
    await h.until("state", (s) => s.status === "reconnecting");
    h.timers.runDue();
    await h.until("state", (s) => s.status === "reconnecting");
    h.timers.runDue();
    await connectWith(h, welcome());
    expect(h.client.state.status).toBe("open");
    expect(h.requests).toHaveLength(3);
  });

  it("reports transportBlocked once after five attempts never opened a socket, tells the transport factory, and keeps retrying", async () => {
    const h = harness({}, true);
    const blocked = h.record("transportBlocked");
    for (let i = 0; i < 7; i++) {
      const s = await h.nextSocket();
      s.fail();
      h.timers.runDue();
    }
    expect(blocked).toEqual([{ failures: 5 }]);
    expect(h.client.state).toMatchObject({ status: "connecting", transportBlocked: true });
    expect(h.contexts.map((c) => c.transportBlocked)).toEqual([false, false, false, false, false, true, true]);
    const s = await h.nextSocket();
    s.open();
    expect(h.client.state).toMatchObject({ status: "connecting", transportBlocked: false });
  });

  it("counts a socket that never opens within the connect timeout as a failed attempt", async () => {
    const h = harness({ connectTimeoutMs: 3000 });
    const states = h.record("state");
    const s = await h.nextSocket();
    h.timers.advance(2999);
    expect(states).toEqual([]);
    h.timers.advance(1);
    expect(s.closedByClient).not.toBeNull();
    expect(states[0]).toMatchObject({ status: "reconnecting", lastClose: { code: 1006 } });
    await h.nextSocket();
  });

  it("declares a silent link dead five seconds after an unanswered ping and reconnects", async () => {
    const h = harness();
    const s = await connectWith(h, welcome({ heartbeat: { pingIntervalMs: 5000, timeoutMs: 15_000 } }));
    const states = h.record("state");
    h.timers.advance(5000);
    expect(s.sent.filter((d) => d === "ping")).toHaveLength(1);
    s.deliverRaw("pong");
    h.timers.advance(5000);
    expect(h.client.state.status).toBe("open");
    h.timers.advance(4999);
    expect(h.client.state.status).toBe("open");
    h.timers.advance(1);
    expect(states[0]).toMatchObject({ status: "reconnecting", lastClose: { code: CloseCode.HEARTBEAT_TIMEOUT } });
    expect(s.closedByClient?.code).toBe(CloseCode.HEARTBEAT_TIMEOUT);
    await h.nextSocket();
  });

  it("adopts the room's pong timeout from the welcome: with a 1.5 s interval and 2 s timeout, dead 2 s after the first unanswered ping", async () => {
    const h = harness();
    const s = await connectWith(h, welcome({ heartbeat: { pingIntervalMs: 1500, timeoutMs: 3500, pongTimeoutMs: 2000, checkIntervalMs: 500 } }));
    const states = h.record("state");
    h.timers.advance(1500);
    expect(s.sent.filter((d) => d === "ping")).toHaveLength(1);
    s.deliverRaw("pong");
    // The link goes silent here: the next ping (at 3 000) is never answered.
    h.timers.advance(1500 + 1999);
    expect(h.client.state.status).toBe("open");
    h.timers.advance(1);
    expect(states[0]).toMatchObject({ status: "reconnecting", lastClose: { code: CloseCode.HEARTBEAT_TIMEOUT, reason: "no frame from the server 2000 ms after a ping" } });
    await h.nextSocket();
  });

  it("keeps the caller's deadAfterMs over the room's pong timeout", async () => {
    const h = harness({ deadAfterMs: 4000 });
    await connectWith(h, welcome({ heartbeat: { pingIntervalMs: 1500, timeoutMs: 3500, pongTimeoutMs: 2000 } }));
    const states = h.record("state");
    h.timers.advance(1500 + 3999);
    expect(h.client.state.status).toBe("open");
    h.timers.advance(1);
    expect(states[0]).toMatchObject({ status: "reconnecting", lastClose: { code: CloseCode.HEARTBEAT_TIMEOUT, reason: "no frame from the server 4000 ms after a ping" } });
  });

  it("pings every 2 s until the welcome arrives", async () => {
    const h = harness();
    const s = await h.nextSocket();
    s.open();
    h.timers.advance(2000);
    expect(s.sent).toEqual(["ping"]);
  });

  it("applies updates in order, drops duplicates, and resyncs at once with its last seq when it sees a gap", async () => {
    const h = harness();
    const updates = h.record("update");
    const s = await connectWith(h, welcome({ seq: 3, session: "S" }));
    s.deliver({ t: "update", seq: 4, events: [], critical: false, room: room() });
    s.deliver({ t: "update", seq: 4, events: [], critical: false, room: room() });
    s.deliver({ t: "update", seq: 6, events: [], critical: false, room: room() });
    expect(updates.map((u) => u.seq)).toEqual([4]);
    expect(h.client.stats).toMatchObject({ duplicateUpdates: 1, gaps: 1 });
    expect(s.closedByClient?.code).toBe(1000);
    // No backoff for a resync.
    expect(h.client.state).toMatchObject({ status: "reconnecting", lastClose: { code: 1000 } });
    h.timers.runDue();
    const next = await h.nextSocket();
    expect(next.param("lastSeq")).toBe("4");
    next.open();
    next.deliver(welcome({ seq: 6, session: "S", resume: { status: "replayed", fromSeq: 4 }, replay: [{ seq: 5, events: [] }, { seq: 6, events: [] }] }));
    expect(updates.map((u) => u.seq)).toEqual([4, 5, 6]);
  });

  it("resets from the welcome's room when the room answers a resume with a snapshot", async () => {
    const h = harness();
    const welcomes = h.record("welcome");
    const first = await connectWith(h, welcome({ seq: 3 }));
    first.serverClose(1012, "restart");
    h.timers.runDue();
    await connectWith(h, welcome({ seq: 400, resume: { status: "snapshot", fromSeq: 3 }, room: room({ round: 2 }) }));
    expect(welcomes.map((w) => w.plan.kind)).toEqual(["fresh", "snapshot"]);
    expect(h.client.room?.round).toBe(2);
    expect(h.client.lastSeq).toBe(400);
  });

  it("reports undecodable frames through 'error', counts them, and carries on", async () => {
    const h = harness();
    const errors = h.record("error");
    const s = await connectWith(h, welcome());
    s.deliverRaw(new Uint8Array([0xc1]).buffer);
    s.deliverRaw("hello");
    s.deliverRaw(new Uint8Array([0x81, 0xa1, 0x74, 0xa3, 0x62, 0x61, 0x64]).buffer);
    expect(h.client.stats.undecodableFrames).toBe(3);
    expect(errors.map((e) => e.kind)).toEqual(["decode", "decode", "decode"]);
    expect(h.client.state.status).toBe("open");
    s.deliver({ t: "update", seq: 1, events: [], critical: false, room: room() });
    expect(h.client.lastSeq).toBe(1);
  });

  it("settles an input named by an error frame as invalid and surfaces the error", async () => {
    const h = harness();
    const errors = h.record("error");
    const s = await connectWith(h, welcome());
    const result = h.client.send({ huge: true });
    s.deliver({ t: "error", code: ErrorCode.INVALID_FRAME, message: "bad", id: 1 });
    await expect(result).resolves.toMatchObject({ ok: false, kind: "invalid", id: 1, code: ErrorCode.INVALID_FRAME });
    expect(errors).toEqual([{ kind: "server", code: ErrorCode.INVALID_FRAME, message: "bad", id: 1 }]);
  });

  it("keeps a RATE_LIMITED input and every later one pending, and re-sends them in order once the advertised budget has refilled", async () => {
    const h = harness();
    const errors = h.record("error");
    const acks = h.record("ack");
    const s = await connectWith(h, welcome({ limits: { maxFrameBytes: 1024, burst: 10, perSecond: 4 } }));
    const results = [1, 2, 3, 4, 5].map((n) => h.client.send(n));
    expect(s.inputs().map((f) => f.id)).toEqual([1, 2, 3, 4, 5]);
    s.deliver({ t: "ack", id: 1, seq: 1, dup: false });
    // The room refuses 2 and holds 3…5 behind it, naming each.
    s.deliver({ t: "error", code: ErrorCode.RATE_LIMITED, message: "Too many frames", id: 2 });
    for (const id of [3, 4, 5]) s.deliver({ t: "error", code: ErrorCode.RATE_LIMITED, message: "Input 2 was refused by the rate limit; re-send inputs from 2 in order.", id });
    expect(errors.map((e) => (e.kind === "server" ? [e.code, e.id] : null))).toEqual([2, 3, 4, 5].map((id) => [ErrorCode.RATE_LIMITED, id]));
    // Nothing settled: the refused inputs are still pending, not "invalid".
    expect(h.client.pendingInputs).toBe(4);
    // An input sent meanwhile waits for the re-send instead of being held too.
    const sixth = h.client.send(6);
    expect(s.inputs().map((f) => f.id)).toEqual([1, 2, 3, 4, 5]);
    // Backoff: the room's bucket needs (4 held + 2 headroom) tokens at 4 per second = 1.5 s.
    h.timers.advance(1499);
    expect(s.inputs().map((f) => f.id)).toEqual([1, 2, 3, 4, 5]);
    h.timers.advance(1);
    expect(s.inputs().map((f) => f.id)[5]).toBe(2);
    // The pacer meters the rest (the clock syncs spent part of the refill).
    h.timers.advance(2000);
    expect(s.inputs().map((f) => f.id)).toEqual([1, 2, 3, 4, 5, 2, 3, 4, 5, 6]);
    for (const id of [2, 3, 4, 5, 6]) s.deliver({ t: "ack", id, seq: id, dup: false });
    const outcomes = await Promise.all([...results, sixth]);
    expect(outcomes.map((o) => [o.kind, o.id])).toEqual([1, 2, 3, 4, 5, 6].map((id) => ["ack", id]));
    expect(acks).toHaveLength(6);
    expect(h.client.stats.straySettles).toBe(0);
    expect(h.client.pendingInputs).toBe(0);
  });

  it("takes inputs still queued behind its pacer back when the room refuses an earlier one, so none reaches the room before it", async () => {
    const h = harness();
    // Pacer: burst 5 minus 2 headroom = 3 frames at once (the welcome's first clock sync and inputs 1, 2), then 0.9 per second.
    const s = await connectWith(h, welcome({ limits: { maxFrameBytes: 1024, burst: 5, perSecond: 1 } }));
    const results = [1, 2, 3, 4].map((n) => h.client.send(n));
    expect(s.inputs().map((f) => f.id)).toEqual([1, 2]);
    s.deliver({ t: "error", code: ErrorCode.RATE_LIMITED, message: "Too many frames", id: 2 });
    // 3 and 4 never left: they are taken back and wait for the re-send of 2.
    h.timers.advance(4999);
    expect(s.inputs().map((f) => f.id)).toEqual([1, 2]);
    // (3 inputs + 2 headroom) / 1 per second = 5 s, then the pacer meters them out.
    h.timers.advance(1);
    expect(s.inputs().map((f) => f.id)[2]).toBe(2);
    h.timers.advance(3000);
    expect(s.inputs().map((f) => f.id)).toEqual([1, 2, 2, 3, 4]);
    for (const id of [1, 2, 3, 4]) s.deliver({ t: "ack", id, seq: id, dup: false });
    expect((await Promise.all(results)).map((o) => o.kind)).toEqual(["ack", "ack", "ack", "ack"]);
  });

  it("ignores a refusal that answers a copy already replaced by the re-send, and backs off further when the re-sent input is refused again", async () => {
    const h = harness();
    const s = await connectWith(h, welcome());
    const results = [1, 2, 3].map((n) => h.client.send(n));
    s.deliver({ t: "error", code: ErrorCode.RATE_LIMITED, message: "Too many frames", id: 1 });
    s.deliver({ t: "error", code: ErrorCode.RATE_LIMITED, message: "re-send inputs from 1 in order", id: 2 });
    h.timers.advance(1000);
    expect(s.inputs().map((f) => f.id)).toEqual([1, 2, 3, 1, 2, 3]);
    // The room's answer to the first copy of 3 arrives late: the second copy is already out, so it changes nothing.
    s.deliver({ t: "error", code: ErrorCode.RATE_LIMITED, message: "re-send inputs from 1 in order", id: 3 });
    const fourth = h.client.send(4);
    expect(s.inputs().map((f) => f.id)).toEqual([1, 2, 3, 1, 2, 3, 4]);
    // The second copy of 1 is refused too: a second round without progress waits twice as long.
    s.deliver({ t: "error", code: ErrorCode.RATE_LIMITED, message: "Too many frames", id: 1 });
    for (const id of [2, 3, 4]) s.deliver({ t: "error", code: ErrorCode.RATE_LIMITED, message: "re-send inputs from 1 in order", id });
    h.timers.advance(1999);
    expect(s.inputs()).toHaveLength(7);
    h.timers.advance(1);
    expect(s.inputs().map((f) => f.id)).toEqual([1, 2, 3, 1, 2, 3, 4, 1, 2, 3, 4]);
    for (const id of [1, 2, 3, 4]) s.deliver({ t: "ack", id, seq: id, dup: false });
    expect((await Promise.all([...results, fourth])).map((o) => [o.kind, o.id])).toEqual([1, 2, 3, 4].map((id) => ["ack", id]));
    // Progress resets the backoff.
    const fifth = h.client.send(5);
    s.deliver({ t: "error", code: ErrorCode.RATE_LIMITED, message: "Too many frames", id: 5 });
    h.timers.advance(1000);
    expect(s.inputs().map((f) => f.id).slice(-2)).toEqual([5, 5]);
    s.deliver({ t: "ack", id: 5, seq: 5, dup: false });
    await expect(fifth).resolves.toMatchObject({ ok: true, id: 5, dup: false });
  });

  it("re-sends nothing after an id-less RATE_LIMITED (a sync or ackCritical was dropped) but meters what follows from an empty budget", async () => {
    const h = harness();
    const s = await connectWith(h, welcome({ limits: { maxFrameBytes: 1024, burst: 30, perSecond: 10 } }));
    const first = h.client.send("a");
    s.deliver({ t: "error", code: ErrorCode.RATE_LIMITED, message: "Too many frames", id: null });
    const second = h.client.send("b");
    expect(s.inputs().map((f) => f.id)).toEqual([1]);
    // One token at 0.9 × 10 per second.
    h.timers.advance(112);
    expect(s.inputs().map((f) => f.id)).toEqual([1, 2]);
    h.timers.advance(4000);
    expect(s.inputs().map((f) => f.id)).toEqual([1, 2]);
    s.deliver({ t: "ack", id: 1, seq: 1, dup: false });
    s.deliver({ t: "ack", id: 2, seq: 2, dup: false });
    await expect(Promise.all([first, second])).resolves.toMatchObject([{ ok: true }, { ok: true }]);
  });

  it("forgets a rate-limit hold with its connection: the next welcome re-sends every pending input at once", async () => {
    const h = harness();
    const first = await connectWith(h, welcome({ session: "S" }));
    const result = h.client.send("x");
    first.deliver({ t: "error", code: ErrorCode.RATE_LIMITED, message: "Too many frames", id: 1 });
    first.serverClose(1006, "");
    h.timers.runDue();
    const second = await connectWith(h, welcome({ session: "S", resume: { status: "replayed", fromSeq: 0 } }));
    expect(second.inputs()).toEqual([{ t: "input", id: 1, data: "x" }]);
    const more = h.client.send("y");
    expect(second.inputs().map((f) => f.id)).toEqual([1, 2]);
    h.timers.advance(4000);
    expect(first.inputs().map((f) => f.id)).toEqual([1]);
    expect(second.inputs().map((f) => f.id)).toEqual([1, 2]);
    second.deliver({ t: "ack", id: 1, seq: 1, dup: false });
    second.deliver({ t: "ack", id: 2, seq: 2, dup: false });
    await expect(Promise.all([result, more])).resolves.toMatchObject([{ id: 1 }, { id: 2 }]);
  });

  it("reconnects when the room holds inputs behind one that is no longer pending (only that input could release them)", async () => {
    const h = harness();
    const states = h.record("state");
    const s = await connectWith(h, welcome());
    const result = h.client.send("x");
    s.deliver({ t: "ack", id: 1, seq: 1, dup: false });
    await result;
    const later = h.client.send("y");
    s.deliver({ t: "error", code: ErrorCode.RATE_LIMITED, message: "Too many frames", id: 1 });
    h.timers.advance(1000);
    expect(states.at(-2)).toMatchObject({ status: "reconnecting", lastClose: { code: 1000 } });
    expect(s.closedByClient?.code).toBe(1000);
    h.timers.runDue();
    const next = await connectWith(h, welcome({ lastInputId: 1, resume: { status: "replayed", fromSeq: 0 } }));
    expect(next.inputs()).toEqual([{ t: "input", id: 2, data: "y" }]);
    next.deliver({ t: "ack", id: 2, seq: 2, dup: false });
    await expect(later).resolves.toMatchObject({ ok: true, id: 2 });
  });

  it("computes the re-send backoff from the advertised budget", () => {
    expect(rateLimitBackoff({ burst: 30, perSecond: 10 }, 1, 0)).toBe(1000);
    expect(rateLimitBackoff({ burst: 30, perSecond: 10 }, 28, 0)).toBe(3000);
    expect(rateLimitBackoff({ burst: 30, perSecond: 10 }, 32, 0)).toBe(3000);
    expect(rateLimitBackoff({ burst: 10, perSecond: 2 }, 8, 0)).toBe(5000);
    expect(rateLimitBackoff({ burst: 10, perSecond: 2 }, 8, 2)).toBe(20_000);
    expect(rateLimitBackoff({ burst: 10, perSecond: 2 }, 8, 5)).toBe(RATE_LIMIT_MAX_BACKOFF_MS);
    expect(rateLimitBackoff({ burst: 10, perSecond: 0 }, 1, 0)).toBe(RATE_LIMIT_MAX_BACKOFF_MS);
  });

  it("sends nothing on a socket the server has begun to close, and resends the input after resuming", async () => {
    const h = harness();
    const s = await connectWith(h, welcome());
    s.serverClosing();
    const result = h.client.send("z");
    h.timers.advance(6_000); // past a ping interval: the heartbeat's ping must not go out either
    expect(s.sentWhileClosing).toEqual([]);
    s.serverClose(1006, "");
    h.timers.runDue();
    const next = await connectWith(h, welcome({ lastInputId: 0, resume: { status: "replayed", fromSeq: 0 } }));
    expect(next.inputs()).toEqual([{ t: "input", id: 1, data: "z" }]);
    next.deliver({ t: "ack", id: 1, seq: 1, dup: false });
    await expect(result).resolves.toMatchObject({ ok: true });
  });

  it("treats a socket that throws on send as a dropped connection, without throwing into the game", async () => {
    const h = harness();
    const s = await connectWith(h, welcome());
    s.throwOnSend = true;
    const dropped = h.until("state", (st) => st.status === "reconnecting");
    const result = h.client.send("y");
    expect(await dropped).toMatchObject({ lastClose: { code: 1006 } });
    h.timers.runDue();
    const next = await connectWith(h, welcome({ lastInputId: 0, resume: { status: "replayed", fromSeq: 0 } }));
    expect(next.inputs()).toEqual([{ t: "input", id: 1, data: "y" }]);
    next.deliver({ t: "ack", id: 1, seq: 1, dup: false });
    await expect(result).resolves.toMatchObject({ ok: true });
  });

  it("retries at once when the platform reports it is back online", async () => {
    const h = harness({ backoff: { random: () => 0.99, baseMs: 60_000, capMs: 60_000 } });
    const s = await connectWith(h, welcome());
    s.serverClose(1006, "");
    expect(h.client.state.status).toBe("reconnecting");
    h.online.fire();
    expect(h.client.state.status).toBe("connecting");
    await h.nextSocket();
    expect(h.requests).toHaveLength(2);
  });

  it("announces critical updates once but acknowledges every delivery of them", async () => {
    const h = harness();
    const critical = h.record("critical");
    const s = await connectWith(h, welcome({ seq: 2, critical: [{ seq: 2, events: [{ type: "matchStarted" }] }] }));
    s.deliver({ t: "update", seq: 3, events: [{ type: "matchEnded" }], critical: true, room: room() });
    expect(critical.map((c) => c.seq)).toEqual([2, 3]);
    expect(s.frames().filter((f) => f.t === "ackCritical")).toEqual([
      { t: "ackCritical", seq: 2 },
      { t: "ackCritical", seq: 3 },
    ]);
    s.serverClose(1001, "");
    h.timers.runDue();
    const again = await connectWith(h, welcome({ seq: 3, resume: { status: "replayed", fromSeq: 3 }, critical: [{ seq: 3, events: [{ type: "matchEnded" }] }] }));
    expect(critical).toHaveLength(2);
    expect(again.frames().filter((f) => f.t === "ackCritical")).toEqual([{ t: "ackCritical", seq: 3 }]);
  });

  it("returns OUTBOX_FULL from send() when too many inputs are unsettled", async () => {
    const h = harness({ outboxCapacity: 2 });
    void h.client.send(1);
    void h.client.send(2);
    await expect(h.client.send(3)).resolves.toMatchObject({ ok: false, kind: "outboxFull", code: "OUTBOX_FULL", id: null });
    expect(h.client.pendingInputs).toBe(2);
  });

  it("queues inputs while connecting and sends them after the welcome, above the room's last input id", async () => {
    const h = harness();
    const a = h.client.send("a");
    const b = h.client.resign();
    const s = await connectWith(h, welcome({ lastInputId: 17 }));
    expect(s.inputs()).toEqual([
      { t: "input", id: 18, data: "a" },
      { t: "resign", id: 19 },
    ]);
    s.deliver({ t: "ack", id: 19, seq: 5, dup: false });
    s.deliver({ t: "ack", id: 18, seq: 4, dup: false });
    await expect(Promise.all([a, b])).resolves.toMatchObject([{ id: 18 }, { id: 19 }]);
  });

  it("keeps unsettled inputs in the store across a page reload and settles them after the next welcome", async () => {
    const store = memoryStore();
    const before = harness({ store });
    const s1 = await connectWith(before, welcome({ lastInputId: 2 }));
    const lost = before.client.send({ column: 4 });
    expect(s1.inputs().map((f) => f.id)).toEqual([3]);
    // The page goes away before the ack arrives.
    before.client.close();
    await expect(lost).resolves.toMatchObject({ kind: "closed", id: 3 });

    const after = harness({ store });
    const acks = after.record("ack");
    const s2 = await connectWith(after, welcome({ lastInputId: 3 }));
    expect(s2.inputs()).toEqual([{ t: "input", id: 3, data: { column: 4 } }]);
    s2.deliver({ t: "ack", id: 3, seq: 9, dup: true });
    expect(acks).toMatchObject([{ id: 3, dup: true, command: { t: "input", data: { column: 4 } } }]);
    expect(after.client.pendingInputs).toBe(0);
  });

  it("paces a large re-send under the room's frame budget instead of tripping its rate limit", async () => {
    const h = harness();
    for (let i = 0; i < 32; i++) void h.client.send(i);
    const s = await connectWith(h, welcome({ limits: { maxFrameBytes: 1024, burst: 10, perSecond: 4 } }));
    // Burst minus headroom goes at once; the rest follows at the refill rate, in order.
    expect(s.inputs()).toHaveLength(8);
    h.timers.advance(60_000);
    expect(s.inputs().map((f) => f.id)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
  });

  it("estimates server time and RTT from sync round trips", async () => {
    const h = harness();
    const s = await connectWith(h, welcome({ serverTime: 5_000_000 }));
    const sync = s.frames().find((f) => f.t === "sync");
    if (!sync || sync.t !== "sync") throw new Error("no sync sent after the welcome");
    h.timers.advance(40);
    s.deliver({ t: "sync", c: sync.c, s: sync.c + 20 + 3_000_000 });
    expect(h.client.rtt).toBe(40);
    expect(h.client.serverNow()).toBe(h.timers.now() + 3_000_000);
  });

  it("does not let its attempt counter grow across short welcomed connections, and restarts it after two stable seconds", async () => {
    const h = harness();
    let s = await connectWith(h, welcome());
    for (let i = 1; i <= 3; i++) {
      s.serverClose(1006, "");
      // Each connection was welcomed, however briefly: the next delay window stays at its second step.
      expect(h.client.state).toMatchObject({ status: "reconnecting", attempt: i === 1 ? 1 : 2 });
      h.timers.runDue();
      s = await connectWith(h, welcome());
    }
    // Two seconds of healthy connection, answering each ping.
    h.timers.advance(1000);
    s.deliverRaw("pong");
    h.timers.advance(1000);
    s.deliverRaw("pong");
    s.serverClose(1006, "");
    expect(h.client.state).toMatchObject({ status: "reconnecting", attempt: 1 });
  });
});
