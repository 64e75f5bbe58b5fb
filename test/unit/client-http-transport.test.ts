/**
 * The HTTP fallback transport (SSE down, POST up): the stream parser fed at
 * arbitrary byte boundaries, and the client over it against a scripted fake
 * server. Waits are on client events, streams and POSTs, never on time.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CloseCode, encodeFrame, ErrorCode, type ServerFrame } from "../../src/protocol";
import { sseEvent } from "../../src/room/host/sse-hub";
import { httpEndpoints, httpTransport, manualTimers, type StreamingFetch, type TransportData } from "../../src/client/internal";
import { connectHttp, connectWith, harness, oneByteChunks, room, sendTokenFor, splitAt, welcome, type Harness } from "./client-sdk-harness";

// ---------------------------------------------------------------- the transport alone

type Logged = { readonly open: true } | { readonly bytes: number[] } | { readonly text: string };

function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(c) {
      for (const chunk of chunks) c.enqueue(chunk);
      c.close();
    },
  });
}

/** Run the transport over a stream made of `chunks`; resolves with everything it reported, once it closed. */
function runTransport(chunks: readonly Uint8Array[]): Promise<{ log: Logged[]; code: number; reason: string; closes: number }> {
  const fetch: StreamingFetch = async () => ({ status: 200, body: streamOf(chunks), text: async () => "" });
  return new Promise((resolve) => {
    const log: Logged[] = [];
    let closes = 0;
    httpTransport({ fetch, timers: manualTimers() })(
      "ws://rooms.test/api/matches/m1/ws?ticket=t&v=1",
      {
        onOpen: () => log.push({ open: true }),
        onMessage: (d: TransportData) => log.push(typeof d === "string" ? { text: d } : { bytes: Array.from(ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d)) }),
        onClose: (code, reason) => {
          closes += 1;
          // Let any (wrong) second close surface before resolving.
          queueMicrotask(() => resolve({ log, code, reason, closes }));
        },
      },
      { transportBlocked: false, attempt: 0 },
    );
  });
}

type Downstream = { readonly kind: "frame"; readonly frame: ServerFrame } | { readonly kind: "pong" };

const frameArb: fc.Arbitrary<ServerFrame> = fc.oneof(
  fc.record({ t: fc.constant("ack" as const), id: fc.integer({ min: 1, max: 2 ** 40 }), seq: fc.option(fc.nat(), { nil: null }), dup: fc.boolean() }),
  fc.record({ t: fc.constant("error" as const), code: fc.constantFrom(ErrorCode.RATE_LIMITED, ErrorCode.INVALID_FRAME), message: fc.string({ unit: "binary", maxLength: 40 }), id: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: null }) }),
  fc.record({ t: fc.constant("sync" as const), c: fc.integer(), s: fc.integer() }),
  fc.record({ t: fc.constant("update" as const), seq: fc.nat(), events: fc.constant<{ type: string }[]>([{ type: "playerMove" }]), critical: fc.boolean(), room: fc.constant(room()) }),
);
const downstreamArb: fc.Arbitrary<Downstream> = fc.oneof({ arbitrary: frameArb.map((frame) => ({ kind: "frame" as const, frame })), weight: 4 }, { arbitrary: fc.constant({ kind: "pong" as const }), weight: 1 });

function encodeStream(items: readonly Downstream[], close: { code: number; reason: string }): Uint8Array {
  const parts = [
    sseEvent("open", JSON.stringify({ conn: "00000000-0000-4000-8000-000000000001", sendToken: "t".repeat(43) })),
    ...items.map((it) => (it.kind === "pong" ? sseEvent("pong", "pong") : sseEvent("frame", Buffer.from(encodeFrame(it.frame)).toString("base64")))),
    sseEvent("close", JSON.stringify(close)),
  ];
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

function expected(items: readonly Downstream[]): Logged[] {
  return [{ open: true }, ...items.map((it): Logged => (it.kind === "pong" ? { text: "pong" } : { bytes: Array.from(encodeFrame(it.frame)) }))];
}

describe("httpTransport: the event stream", () => {
  it("reports exactly the events the room wrote, in order, however the bytes are cut into chunks", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(downstreamArb, { maxLength: 12 }),
        fc.record({ code: fc.integer({ min: 1000, max: 4999 }), reason: fc.string({ unit: "binary", maxLength: 30 }) }),
        fc.array(fc.nat(), { maxLength: 40 }),
        async (items, close, cutSeeds) => {
          const bytes = encodeStream(items, close);
          const chunks = splitAt(
            bytes,
            cutSeeds.map((c) => c % bytes.length),
          );
          const out = await runTransport(chunks);
          expect(out.log).toEqual(expected(items));
          expect({ code: out.code, reason: out.reason, closes: out.closes }).toEqual({ ...close, closes: 1 });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("reads a stream delivered one byte at a time, multi-byte characters included", async () => {
    const items: Downstream[] = [
      { kind: "frame", frame: { t: "error", code: ErrorCode.RATE_LIMITED, message: "café ☕ 🎲 — ünïcode", id: 3 } },
      { kind: "pong" },
      { kind: "frame", frame: { t: "ack", id: 3, seq: 9, dup: false } },
    ];
    const close = { code: CloseCode.MATCH_CLOSED, reason: "Partie terminée 🏁" };
    const out = await runTransport(oneByteChunks(encodeStream(items, close)));
    expect(out.log).toEqual(expected(items));
    expect(out).toMatchObject({ ...close, closes: 1 });
  });

  it("closes with 1006 when the stream ends without a close event, and reports a refused stream without opening", async () => {
    const ended = await runTransport([sseEvent("open", JSON.stringify({ conn: "c", sendToken: "t".repeat(43) })), sseEvent("pong", "pong")]);
    expect(ended).toMatchObject({ log: [{ open: true }, { text: "pong" }], code: 1006, closes: 1 });
    const refused = await runTransport([sseEvent("close", JSON.stringify({ code: CloseCode.AUTH_FAILED, reason: "This join ticket was already used." }))]);
    expect(refused).toMatchObject({ log: [], code: CloseCode.AUTH_FAILED, reason: "This join ticket was already used.", closes: 1 });
  });

  it("derives the stream and send endpoints from the ticket's WebSocket URL", () => {
    const e = httpEndpoints("wss://rooms.example.com/api/matches/m%201/ws?ticket=a.b.c&v=1&session=S&lastSeq=7");
    expect(e.stream).toBe("https://rooms.example.com/api/matches/m%201/sse?ticket=a.b.c&v=1&session=S&lastSeq=7");
    expect(e.send("00000000-0000-4000-8000-000000000001")).toBe("https://rooms.example.com/api/matches/m%201/send?conn=00000000-0000-4000-8000-000000000001");
    expect(httpEndpoints("ws://127.0.0.1:8787/api/matches/x/ws?ticket=t").stream).toBe("http://127.0.0.1:8787/api/matches/x/sse?ticket=t");
    expect(() => httpEndpoints("wss://rooms.example.com/api/matches/x/socket")).toThrow(/not a \/ws or \/sse endpoint/);
  });
});

// ---------------------------------------------------------------- the client over HTTP

function untilStatus(h: Harness, status: string) {
  return h.until("state", (s) => s.status === status);
}

describe("GameClient<unknown> over the HTTP fallback", () => {
  it("streams from the ticket URL's /sse twin and POSTs each frame as msgpack to /send with the stream's connection id", async () => {
    const h = harness({ transport: "http" });
    expect(h.client.transport).toBe("http");
    const s = await h.nextStream();
    expect(s.url).toBe("http://rooms.test/api/matches/m1/sse?ticket=t1&v=1");
    expect(h.sockets).toHaveLength(0);
    const opened = untilStatus(h, "open");
    s.open("00000000-0000-4000-8000-0000000000aa");
    s.deliver(welcome({ lastInputId: 4 }));
    await opened;
    const result = h.client.send({ type: "dropDisc", column: 3 });
    await s.until((st) => st.inputs().length === 1);
    expect(s.inputs()).toEqual([{ t: "input", id: 5, data: { type: "dropDisc", column: 3 } }]);
    // The welcome's clock sync went first.
    expect(s.posts).toHaveLength(2);
    expect(s.posts[1]).toMatchObject({ url: "http://rooms.test/api/matches/m1/send?conn=00000000-0000-4000-8000-0000000000aa", contentType: "application/msgpack" });
    // The send token rides in a header, never in the URL.
    expect(s.posts[1]?.sendToken).toBe(sendTokenFor("00000000-0000-4000-8000-0000000000aa"));
    expect(s.posts[1]?.url).not.toContain(sendTokenFor("00000000-0000-4000-8000-0000000000aa"));
    s.deliver({ t: "ack", id: 5, seq: 1, dup: false });
    await expect(result).resolves.toMatchObject({ ok: true, kind: "ack", id: 5, seq: 1, dup: false });
    expect(h.client.webSocketsBlocked).toBe(false);
  });

  it("plays through a stream delivered one byte at a time", async () => {
    const h = harness({ transport: "http" });
    const updates = h.record("update");
    const s = await h.nextStream();
    s.chunking = oneByteChunks;
    const welcomed = h.until("welcome");
    s.open();
    s.deliver(welcome({ seq: 3, session: "S" }));
    await welcomed;
    const result = h.client.send("x");
    s.deliver({ t: "update", seq: 4, events: [{ type: "playerMove" }], critical: false, room: room() });
    s.deliver({ t: "ack", id: 1, seq: 4, dup: false });
    await expect(result).resolves.toMatchObject({ ok: true, id: 1, seq: 4 });
    expect(updates.map((u) => u.seq)).toEqual([4]);
    expect(h.client.stats.undecodableFrames).toBe(0);
  });

  it("POSTs frames strictly one after another, each once the previous one was answered; pings go beside them", async () => {
    const h = harness({ transport: "http" });
    const s = await h.nextStream();
    s.autoReply = false;
    const welcomed = h.until("welcome");
    s.open();
    s.deliver(welcome({ heartbeat: { pingIntervalMs: 5000, timeoutMs: 15_000 } }));
    await welcomed;
    // The welcome's clock sync is in flight; three inputs wait behind it.
    const results = [1, 2, 3].map((n) => h.client.send(n));
    expect(s.posts).toHaveLength(1);
    expect(s.frames()[0]).toMatchObject({ t: "sync" });
    // A heartbeat ping does not wait behind the stuck frame.
    h.timers.advance(5000);
    expect(s.posts.map((p) => (typeof p.body === "string" ? p.body : "frame"))).toEqual(["frame", "ping"]);
    expect(s.posts[1]?.contentType).toMatch(/^text\/plain/);
    s.posts[1]?.reply(204);
    let inFlight = s.posts[0];
    for (let n = 3; n <= 5; n++) {
      inFlight?.reply(204);
      await s.until((st) => st.posts.length >= n);
      // Exactly one more: the next frame, not all of them at once.
      expect(s.posts).toHaveLength(n);
      inFlight = s.posts[n - 1];
    }
    expect(s.inputs().map((f) => f.id)).toEqual([1, 2, 3]);
    inFlight?.reply(204);
    for (const id of [1, 2, 3]) s.deliver({ t: "ack", id, seq: id, dup: false });
    expect((await Promise.all(results)).map((o) => o.id)).toEqual([1, 2, 3]);
  });

  it("over the fallback too, adopts the room's pong timeout: a dead stream is noticed 2 s after the first unanswered ping", async () => {
    const h = harness({ transport: "http" });
    const s = await connectHttp(h, welcome({ seq: 2, session: "S", heartbeat: { pingIntervalMs: 1500, timeoutMs: 3500, pongTimeoutMs: 2000, checkIntervalMs: 500 } }));
    h.timers.advance(400);
    await s.until((st) => st.posts.length === 3 && st.idle());
    // The stream goes silent from here: the ping at 1 500 is POSTed (and accepted) but no pong comes back down.
    h.timers.advance(1100);
    expect(s.pings()).toBe(1);
    s.posts.at(-1)?.reply(204);
    h.timers.advance(1999);
    expect(h.client.state.status).toBe("open");
    const dropped = untilStatus(h, "reconnecting");
    h.timers.advance(1);
    expect(await dropped).toMatchObject({ lastClose: { code: CloseCode.HEARTBEAT_TIMEOUT, reason: "no frame from the server 2000 ms after a ping" } });
  });

  it("keeps the link alive on pong events and declares it dead five seconds after an unanswered ping", async () => {
    const h = harness({ transport: "http" });
    const s = await connectHttp(h, welcome({ seq: 2, session: "S", heartbeat: { pingIntervalMs: 5000, timeoutMs: 15_000 } }));
    // The welcome's three clock syncs (0, 200, 400 ms) are POSTed and answered before time moves on.
    h.timers.advance(400);
    await s.until((st) => st.posts.length === 3 && st.idle());
    h.timers.advance(4600);
    expect(s.pings()).toBe(1);
    // The update after the pong proves the pong was read (the stream is ordered).
    const read = h.until("update");
    s.pong();
    s.deliver({ t: "update", seq: 3, events: [], critical: false, room: room() });
    await read;
    await s.until((st) => st.idle());
    h.timers.advance(5000);
    expect(s.pings()).toBe(2);
    expect(h.client.state.status).toBe("open");
    const dropped = untilStatus(h, "reconnecting");
    h.timers.advance(5000);
    expect(await dropped).toMatchObject({ lastClose: { code: CloseCode.HEARTBEAT_TIMEOUT } });
    h.timers.runDue();
    const next = await h.nextStream();
    expect([next.param("session"), next.param("lastSeq")]).toEqual(["S", "3"]);
    expect(s.cancelled || s.aborted).toBe(true);
  });

  it("ends in closed on a close event with a terminal code, and never reconnects", async () => {
    const h = harness({ transport: "http" });
    const s = await connectHttp(h, welcome());
    const pending = h.client.send("x");
    s.chunking = oneByteChunks;
    const closed = untilStatus(h, "closed");
    s.closeWith(CloseCode.SESSION_REPLACED, "Replaced by a newer connection.");
    expect(await closed).toMatchObject({ status: "closed", reason: { kind: "server", code: 4006, reason: "Replaced by a newer connection." } });
    await expect(pending).resolves.toMatchObject({ ok: false, kind: "closed" });
    h.timers.advance(600_000);
    expect(h.streams).toHaveLength(1);
    expect(h.requests).toHaveLength(1);
  });

  it("ends in closed when the room refuses the stream with only a close event", async () => {
    const h = harness({ transport: "http" });
    const s = await h.nextStream();
    const closed = untilStatus(h, "closed");
    s.closeWith(CloseCode.AUTH_FAILED, "This join ticket was already used.");
    expect(await closed).toMatchObject({ reason: { kind: "server", code: 4001 } });
  });

  it("reconnects with resume when a POST answers 410, re-sends the unsettled input on the new connection, and settles it once", async () => {
    const h = harness({ transport: "http" });
    const acks = h.record("ack");
    const first = await connectHttp(h, welcome({ seq: 5, session: "S" }));
    await first.until((st) => st.posts.length === 1); // the clock sync
    first.sendStatuses.push(410);
    const dropped = untilStatus(h, "reconnecting");
    const result = h.client.send({ column: 2 });
    expect(await dropped).toMatchObject({ lastClose: { code: 1006 } });
    expect(first.cancelled || first.aborted).toBe(true);
    h.timers.runDue();
    const second = await h.nextStream();
    expect(h.requests).toHaveLength(2);
    expect([second.param("ticket"), second.param("session"), second.param("lastSeq")]).toEqual(["t2", "S", "5"]);
    const welcomed = h.until("welcome");
    second.open();
    second.deliver(welcome({ seq: 5, session: "S", lastInputId: 0, resume: { status: "replayed", fromSeq: 5 } }));
    await welcomed;
    await second.until((st) => st.inputs().length === 1);
    expect(second.inputs()).toEqual([{ t: "input", id: 1, data: { column: 2 } }]);
    second.deliver({ t: "ack", id: 1, seq: 6, dup: false });
    await expect(result).resolves.toMatchObject({ ok: true, id: 1, dup: false });
    expect(acks).toHaveLength(1);
    expect(h.client.pendingInputs).toBe(0);
  });

  it("reconnects with resume when the stream ends without a close event", async () => {
    const h = harness({ transport: "http" });
    const s = await connectHttp(h, welcome({ seq: 9, session: "S" }));
    const dropped = untilStatus(h, "reconnecting");
    s.end();
    expect(await dropped).toMatchObject({ lastClose: { code: 1006 } });
    h.timers.runDue();
    const next = await h.nextStream();
    expect(next.param("lastSeq")).toBe("9");
  });

  it("drops a connection whose POST is never answered, so a stuck request cannot stall the inputs behind it", async () => {
    const h = harness({ transport: "http" });
    const s = await connectHttp(h, welcome({ heartbeat: { pingIntervalMs: 60_000, timeoutMs: 120_000 } }));
    await s.until((st) => st.posts.length === 1 && st.idle());
    s.autoReply = false;
    void h.client.send("x");
    await s.until((st) => st.inputs().length === 1);
    const dropped = untilStatus(h, "reconnecting");
    h.timers.advance(10_000);
    expect(await dropped).toMatchObject({ lastClose: { code: 1006, reason: expect.stringMatching(/not answered/) } });
  });

  it("reports a frame the worker refuses as too large (413) the way the room would over a WebSocket, and stays connected", async () => {
    const h = harness({ transport: "http" });
    const s = await connectHttp(h, welcome());
    await s.until((st) => st.posts.length === 1);
    s.sendStatuses.push(413);
    const error = h.until("error");
    // (The SDK refuses oversized inputs before sending; the 413 here stands for a worker with a lower cap.)
    void h.client.send("x".repeat(200));
    expect(await error).toMatchObject({ kind: "server", code: ErrorCode.FRAME_TOO_LARGE, id: null });
    expect(h.client.state.status).toBe("open");
  });

  it("auto: falls back to HTTP after maxEstablishFailures failed WebSocket opens, says so, and stays on HTTP after later drops", async () => {
    const h = harness();
    expect(h.client.transport).toBe("websocket");
    const blocked = h.record("transportBlocked");
    const fallbacks = h.record("fallback");
    const queued = h.client.send("sent while blocked");
    for (let i = 0; i < 5; i++) {
      const s = await h.nextSocket();
      s.fail();
      h.timers.runDue();
    }
    const stream = await h.nextStream();
    expect(blocked).toEqual([{ failures: 5 }]);
    expect(fallbacks).toEqual([{ from: "websocket", to: "http", failures: 5 }]);
    expect(h.client.transport).toBe("http");
    expect(h.client.webSocketsBlocked).toBe(true);
    expect(h.client.state).toMatchObject({ status: "connecting", transportBlocked: true });
    const welcomed = h.until("welcome");
    stream.open();
    stream.deliver(welcome({ session: "S" }));
    await welcomed;
    // The machine clears its flag once a transport opened; the client's own flag stays.
    expect(h.client.state).toMatchObject({ status: "open" });
    expect(h.client.webSocketsBlocked).toBe(true);
    await stream.until((st) => st.inputs().length === 1);
    stream.deliver({ t: "ack", id: 1, seq: 1, dup: false });
    await expect(queued).resolves.toMatchObject({ ok: true, id: 1 });
    // A later drop reconnects over HTTP again, without re-trying the blocked WebSocket.
    const dropped = untilStatus(h, "reconnecting");
    stream.end();
    await dropped;
    h.timers.runDue();
    const again = await h.nextStream();
    expect(again.param("session")).toBe("S");
    expect(h.sockets).toHaveLength(5);
    expect(fallbacks).toHaveLength(1);
    expect(stream.inputs().map((f) => f.id)).toEqual([1]);
  });

  it("websocket: never falls back, however many opens fail", async () => {
    const h = harness({ transport: "websocket" });
    const fallbacks = h.record("fallback");
    for (let i = 0; i < 7; i++) {
      const s = await h.nextSocket();
      s.fail();
      h.timers.runDue();
    }
    await connectWith(h, welcome());
    expect(h.streams).toHaveLength(0);
    expect(fallbacks).toHaveLength(0);
    expect(h.client.transport).toBe("websocket");
  });
});
