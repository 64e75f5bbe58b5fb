import fc from "fast-check";
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { Rng } from "../../src/games/rng";
import { FaultProxy, FrameTracker, chooseCut, delaySchedule, type ProxyConnection } from "../support/fault-proxy";

// Everything a test starts is registered here and torn down after it, so a
// failing test cannot leave handles that keep vitest from exiting.
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Echo {
  port: number;
  sockets: Socket[];
  connected: Promise<Socket>;
}

/** A plain TCP echo server; ends its side when the client ends (default half-close behaviour). */
async function startEcho(): Promise<Echo> {
  const sockets: Socket[] = [];
  let first!: (s: Socket) => void;
  const connected = new Promise<Socket>((r) => (first = r));
  const server = createServer((s) => {
    sockets.push(s);
    s.on("error", () => {});
    s.pipe(s);
    first(s);
  });
  const port = await listen(server);
  cleanups.push(() => closeServer(server, sockets));
  return { port, sockets, connected };
}

/** A `ws` server that records its side of each connection and echoes text messages. */
async function startWs(): Promise<{ port: number; next: () => Promise<WebSocket> }> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((r) => wss.once("listening", () => r()));
  const pending: WebSocket[] = [];
  const waiters: Array<(ws: WebSocket) => void> = [];
  wss.on("connection", (ws) => {
    ws.on("error", () => {});
    ws.on("message", (data, isBinary) => {
      if (!isBinary && data.toString() === "go") ws.send(Buffer.alloc(64 * 1024, 7));
      else if (!isBinary) ws.send(data.toString());
    });
    const w = waiters.shift();
    if (w) w(ws);
    else pending.push(ws);
  });
  cleanups.push(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  });
  const addr = wss.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  const next = () => new Promise<WebSocket>((r) => (pending.length > 0 ? r(pending.shift()!) : waiters.push(r)));
  return { port, next };
}

async function startProxy(targetPort: number, seed = 1): Promise<FaultProxy> {
  const proxy = await FaultProxy.start({ target: { host: "127.0.0.1", port: targetPort }, seed });
  cleanups.push(() => proxy.stop());
  return proxy;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const addr = server.address();
      resolve(typeof addr === "object" && addr ? addr.port : 0);
    });
  });
}

async function closeServer(server: Server, sockets: Socket[]): Promise<void> {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
}

/** Connect a raw TCP client and wait for the proxy to accept it. */
async function rawClient(proxy: FaultProxy): Promise<{ socket: Socket; conn: ProxyConnection; outcome: Promise<{ error: string | null; hadError: boolean; received: Buffer; ended: boolean }> }> {
  const accepted = proxy.nextConnection();
  const socket = connect(proxy.port, "127.0.0.1");
  cleanups.push(() => void socket.destroy());
  const chunks: Buffer[] = [];
  let error: string | null = null;
  let ended = false;
  socket.on("data", (d: Buffer) => chunks.push(d));
  socket.on("end", () => (ended = true));
  socket.on("error", (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
  const outcome = new Promise<{ error: string | null; hadError: boolean; received: Buffer; ended: boolean }>((resolve) =>
    socket.once("close", (hadError) => resolve({ error, hadError, received: Buffer.concat(chunks), ended })),
  );
  return { socket, conn: await accepted, outcome };
}

/** Resolves with the first `n` bytes the socket receives from now on. */
function receive(socket: Socket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let have = 0;
    const onData = (d: Buffer) => {
      chunks.push(d);
      have += d.length;
      if (have >= n) {
        socket.off("data", onData);
        resolve(Buffer.concat(chunks));
      }
    };
    socket.on("data", onData);
    socket.once("close", () => reject(new Error(`closed after ${have} of ${n} bytes`)));
  });
}

/** Write in separate writes, each after the previous one is flushed, so the proxy sees many chunks. */
async function writeEach(socket: Socket, parts: Buffer[]): Promise<void> {
  for (const p of parts) await new Promise<void>((r, j) => socket.write(p, (e) => (e ? j(e) : r())));
}

function numberedLines(count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => Buffer.from(`${String(i).padStart(6, "0")}\n`));
}

async function openWs(proxy: FaultProxy): Promise<{ ws: WebSocket; conn: ProxyConnection; messages: string[]; closed: Promise<number> }> {
  const accepted = proxy.nextConnection();
  const ws = new WebSocket(`ws://127.0.0.1:${proxy.port}/`);
  cleanups.push(() => ws.terminate());
  const messages: string[] = [];
  ws.on("error", () => {});
  ws.on("message", (data, isBinary) => messages.push(isBinary ? `binary:${(data as Buffer).length}` : data.toString()));
  const closed = new Promise<number>((r) => ws.once("close", (code) => r(code)));
  await new Promise<void>((r, j) => {
    ws.once("open", () => r());
    ws.once("error", j);
  });
  return { ws, conn: await accepted, messages, closed };
}

function serverClosed(ws: WebSocket): Promise<number> {
  return new Promise((r) => ws.once("close", (code) => r(code)));
}

function nextMessage(ws: WebSocket): Promise<string> {
  return new Promise((r) => ws.once("message", (data) => r(data.toString())));
}

/** A WebSocket frame as a server (unmasked) or client (masked, zero key) would send it. */
function wsFrame(payloadLength: number, masked: boolean): Buffer {
  const ext = payloadLength < 126 ? 0 : payloadLength < 65536 ? 2 : 8;
  const header = Buffer.alloc(2 + ext + (masked ? 4 : 0));
  header[0] = 0x82;
  header[1] = (masked ? 0x80 : 0) | (ext === 0 ? payloadLength : ext === 2 ? 126 : 127);
  if (ext === 2) header.writeUInt16BE(payloadLength, 2);
  if (ext === 8) header.writeBigUInt64BE(BigInt(payloadLength), 2);
  return Buffer.concat([header, Buffer.alloc(payloadLength, 0x61)]);
}

const HANDSHAKE_101 = Buffer.from("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");

describe("fault proxy link conditioning", () => {
  it("passes bytes through unchanged in both directions", async () => {
    const echo = await startEcho();
    const proxy = await startProxy(echo.port);
    const { socket, conn } = await rawClient(proxy);
    const payload = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31 + 7) & 0xff));
    const back = receive(socket, payload.length);
    socket.write(payload);
    expect((await back).equals(payload)).toBe(true);
    expect(conn.bytesUp).toBe(payload.length);
    expect(conn.bytesDown).toBe(payload.length);
    expect(proxy.stats.accepted).toBe(1);
  });

  it("preserves every byte and its order when both directions are sliced into 1-byte writes", async () => {
    const echo = await startEcho();
    const proxy = await startProxy(echo.port);
    proxy.setLink({ sliceBytes: 1 });
    const { socket, conn } = await rawClient(proxy);
    const lines = numberedLines(500);
    const expected = Buffer.concat(lines);
    const back = receive(socket, expected.length);
    await writeEach(socket, lines);
    expect((await back).equals(expected)).toBe(true);
    // Every byte was its own write towards each peer.
    expect(conn.writes("up")).toBe(expected.length);
    expect(conn.writes("down")).toBe(expected.length);
  });

  it("preserves order under delay with seeded jitter, applying the seed's delay schedule", async () => {
    const echo = await startEcho();
    const proxy = await startProxy(echo.port, 99);
    const link = { delayMs: 1, jitterMs: 12, sliceBytes: 0, throttleBytesPerSec: 0 };
    proxy.setLink(link);
    const { socket, conn } = await rawClient(proxy);
    const lines = numberedLines(300);
    const expected = Buffer.concat(lines);
    const back = receive(socket, expected.length);
    await writeEach(socket, lines);
    expect((await back).toString()).toBe(expected.toString());
    const applied = conn.delays("up");
    expect(applied.length).toBeGreaterThan(1);
    expect(new Set(applied).size).toBeGreaterThan(1); // chunks really got different delays
    expect(applied).toEqual(delaySchedule(99, conn.id, "up", link, applied.length));
  });

  it("delivers everything through a throttled link, in small bursts", async () => {
    const echo = await startEcho();
    const proxy = await startProxy(echo.port);
    const rate = 200_000;
    proxy.setLink({ throttleBytesPerSec: rate }, "down");
    const { socket, conn } = await rawClient(proxy);
    const payload = Buffer.alloc(40_000, 0x5a);
    const back = receive(socket, payload.length);
    socket.write(payload);
    expect((await back).equals(payload)).toBe(true);
    expect(conn.writes("down")).toBeGreaterThanOrEqual(Math.ceil(payload.length / (rate / 50)));
  });

  it("lets onConnection give a single connection its own link", async () => {
    const echo = await startEcho();
    const proxy = await startProxy(echo.port);
    const seen: number[] = [];
    proxy.onConnection((c) => {
      seen.push(c.id);
      if (c.id === 1) c.setLink({ sliceBytes: 2 }, "down");
    });
    const a = await rawClient(proxy);
    const b = await rawClient(proxy);
    const data = Buffer.from("0123456789");
    const [backA, backB] = [receive(a.socket, 10), receive(b.socket, 10)];
    a.socket.write(data);
    b.socket.write(data);
    expect((await backA).equals(data) && (await backB).equals(data)).toBe(true);
    expect(seen).toEqual([0, 1]);
    // Sliced to 2 bytes: at least 5 writes. Unsliced: one write per received chunk.
    expect(b.conn.writes("down")).toBeGreaterThanOrEqual(5);
    expect(a.conn.writes("down")).toBe(a.conn.delays("down").length);
    expect(proxy.connections.map((c) => c.id)).toEqual([0, 1]);
  });
});

describe("fault proxy faults", () => {
  it("reset sends an RST to both peers: the client sees ECONNRESET and the target side errors too", async () => {
    const echo = await startEcho();
    const proxy = await startProxy(echo.port);
    const { socket, conn, outcome } = await rawClient(proxy);
    const target = await echo.connected;
    const targetError = new Promise<string | undefined>((r) => target.once("error", (e: NodeJS.ErrnoException) => r(e.code)));
    const back = receive(socket, 2);
    socket.write("hi");
    await back;
    conn.reset();
    const result = await outcome;
    expect(result.error).toBe("ECONNRESET");
    expect(result.hadError).toBe(true);
    expect(await targetError).toBe("ECONNRESET");
    await conn.closed;
    expect(proxy.stats.faults.reset).toBe(1);
  });

  it("reset makes a ws client close abnormally with 1006", async () => {
    const wsServer = await startWs();
    const proxy = await startProxy(wsServer.port);
    const { conn, closed } = await openWs(proxy);
    const serverSide = await wsServer.next();
    const serverCode = serverClosed(serverSide);
    conn.reset();
    expect(await closed).toBe(1006);
    expect(await serverCode).toBe(1006);
  });

  it("close sends a FIN to both peers, so both ends see a clean end of stream", async () => {
    const echo = await startEcho();
    const proxy = await startProxy(echo.port);
    const { conn, outcome } = await rawClient(proxy);
    const target = await echo.connected;
    const targetEnded = new Promise<void>((r) => target.once("end", () => r()));
    conn.close();
    const result = await outcome;
    expect(result).toMatchObject({ error: null, hadError: false, ended: true });
    await targetEnded;
    await conn.closed;
    expect(proxy.stats.faults.close).toBe(1);
  });

  it("cutMidFrame stops a 64 KiB server message inside its frame: the client never gets it and closes with 1006", async () => {
    const wsServer = await startWs();
    const proxy = await startProxy(wsServer.port, 5);
    const { ws, conn, messages, closed } = await openWs(proxy);
    const serverSide = await wsServer.next();
    const serverCode = serverClosed(serverSide);
    const hello = nextMessage(ws);
    serverSide.send("hello");
    await hello;
    expect(conn.frames.down).toBe(1);
    const cut = conn.cutMidFrame("down");
    ws.send("go"); // the server answers with a 64 KiB binary message
    const report = await cut;
    expect(await closed).toBe(1006);
    expect(await serverCode).toBe(1006);
    expect(messages).toEqual(["hello"]);
    expect(report).not.toBeNull();
    expect(report).toEqual(conn.lastCut);
    expect(report!.direction).toBe("down");
    expect(report!.frameLength).toBe(10 + 64 * 1024); // 2-byte header + 64-bit length
    expect(report!.frameOffset).toBeGreaterThan(0);
    expect(report!.frameOffset).toBeLessThan(report!.frameLength!);
    expect(proxy.stats.faults.cutMidFrame).toBe(1);
  });

  it("cutMidFrame upstream stops a masked client frame inside the frame, so the server never gets the message", async () => {
    const wsServer = await startWs();
    const proxy = await startProxy(wsServer.port, 11);
    const { ws, conn, closed } = await openWs(proxy);
    const serverSide = await wsServer.next();
    const received: number[] = [];
    serverSide.on("message", (d: Buffer) => received.push(d.length));
    const serverCode = serverClosed(serverSide);
    const cut = conn.cutMidFrame("up");
    ws.send(Buffer.alloc(5000, 1));
    const report = await cut;
    expect(await closed).toBe(1006);
    expect(await serverCode).toBe(1006);
    expect(received).toEqual([]);
    expect(report!.frameLength).toBe(2 + 2 + 4 + 5000); // 16-bit length and a mask key
    expect(report!.frameOffset).toBeGreaterThan(0);
    expect(report!.frameOffset).toBeLessThan(report!.frameLength!);
  });

  it("cutMidFrame delivers exactly a strict prefix of the frame before the RST, whatever the seed", async () => {
    const frame = wsFrame(1000, false);
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      // A fake upgrade target: answers the first byte with a 101 and one frame.
      const sockets: Socket[] = [];
      const target = createServer((s) => {
        sockets.push(s);
        s.on("error", () => {});
        s.once("data", () => s.write(Buffer.concat([HANDSHAKE_101, frame])));
      });
      const port = await listen(target);
      cleanups.push(() => closeServer(target, sockets));
      const proxy = await startProxy(port, seed);
      const { socket, conn, outcome } = await rawClient(proxy);
      const cut = conn.cutMidFrame("down");
      socket.write("x");
      const report = await cut;
      const result = await outcome;
      expect(result.error).toBe("ECONNRESET");
      expect(report!.frameLength).toBe(frame.length);
      expect(report!.frameOffset).toBeGreaterThan(0);
      expect(report!.frameOffset).toBeLessThan(frame.length);
      expect(result.received.length).toBe(HANDSHAKE_101.length + report!.frameOffset);
      expect(result.received.equals(Buffer.concat([HANDSHAKE_101, frame]).subarray(0, result.received.length))).toBe(true);
    }
  });

  it("blackhole keeps both sockets open while nothing passes, until reset ends them", async () => {
    const wsServer = await startWs();
    const proxy = await startProxy(wsServer.port);
    const a = await openWs(proxy);
    const serverA = await wsServer.next();
    const b = await openWs(proxy);
    await wsServer.next();
    let serverAClosed = false;
    const serverAGot: string[] = [];
    serverA.on("message", (d) => serverAGot.push(d.toString()));
    const serverACode = serverClosed(serverA);
    void serverACode.then(() => (serverAClosed = true));
    const framesBefore = a.conn.frames;

    a.conn.blackhole();
    await new Promise<void>((r, j) => serverA.send("after-blackhole", (e) => (e ? j(e) : r())));
    await new Promise<void>((r, j) => a.ws.send("from-client", (e) => (e ? j(e) : r())));
    // Barrier: a round trip through the same proxy on another connection. The
    // blackholed bytes were in the proxy's kernel buffers before it started, so
    // a forwarding proxy would have delivered them before the echo comes back.
    const echoed = nextMessage(b.ws);
    b.ws.send("ping");
    expect(await echoed).toBe("ping");

    expect(a.messages).toEqual([]);
    expect(serverAGot).toEqual([]);
    expect(a.ws.readyState).toBe(WebSocket.OPEN);
    expect(serverA.readyState).toBe(WebSocket.OPEN);
    expect(serverAClosed).toBe(false);
    expect(a.conn.frames).toEqual(framesBefore);

    a.conn.reset();
    expect(await a.closed).toBe(1006);
    expect(await serverACode).toBe(1006);
    expect(b.ws.readyState).toBe(WebSocket.OPEN);
    expect(proxy.stats.faults).toMatchObject({ blackhole: 1, reset: 1 });
  });

  it("cutAll applies a fault to every live connection and counts it", async () => {
    const echo = await startEcho();
    const proxy = await startProxy(echo.port);
    const clients = [await rawClient(proxy), await rawClient(proxy), await rawClient(proxy)];
    clients[2]!.conn.reset();
    await clients[2]!.outcome;
    expect(proxy.cutAll("reset")).toBe(2);
    const outcomes = await Promise.all(clients.slice(0, 2).map((c) => c.outcome));
    expect(outcomes.map((o) => o.error)).toEqual(["ECONNRESET", "ECONNRESET"]);
    expect(proxy.stats).toEqual({ accepted: 3, faults: { reset: 3, close: 0, cutMidFrame: 0, blackhole: 0 } });
    expect(proxy.live()).toEqual([]);
  });

  it("stop closes the listener and every connection, including blackholed and delayed ones", async () => {
    const echo = await startEcho();
    const tcpHandles = () => process.getActiveResourcesInfo().filter((r) => r.startsWith("TCP")).length;
    const baseline = tcpHandles();
    const proxy = await startProxy(echo.port);
    const a = await rawClient(proxy);
    const b = await rawClient(proxy);
    b.conn.setLink({ delayMs: 60_000 }, "up");
    b.socket.write("stuck in a delayed queue");
    a.conn.blackhole();
    await proxy.stop();
    await Promise.all([a.outcome, b.outcome]);
    await Promise.all(echo.sockets.map((s) => (s.destroyed ? null : new Promise((r) => s.once("close", r)))));
    const refused = await new Promise<string | undefined>((r) => {
      let code: string | undefined = "connected";
      const s = connect(proxy.port, "127.0.0.1");
      s.once("error", (e: NodeJS.ErrnoException) => (code = e.code));
      s.once("close", () => r(code));
    });
    expect(refused).toBe("ECONNREFUSED");
    // Handles left by earlier tests may still be closing, hence at most, not exactly.
    expect(tcpHandles()).toBeLessThanOrEqual(baseline);
  });
});

describe("fault proxy determinism and frame tracking", () => {
  it("derives the same delay schedule from the same seed, and a different one from another seed or direction", () => {
    const link = { delayMs: 5, jitterMs: 40, sliceBytes: 0, throttleBytesPerSec: 0 };
    const a = delaySchedule(42, 0, "down", link, 64);
    expect(delaySchedule(42, 0, "down", link, 64)).toEqual(a);
    expect(delaySchedule(43, 0, "down", link, 64)).not.toEqual(a);
    expect(delaySchedule(42, 0, "up", link, 64)).not.toEqual(a);
    expect(delaySchedule(42, 1, "down", link, 64)).not.toEqual(a);
    expect(a.every((d) => d >= 5 && d <= 45)).toBe(true);
  });

  it("chooses the same cut position for the same seed and chunk", () => {
    const stream = Buffer.concat([HANDSHAKE_101, wsFrame(300, false), wsFrame(70_000, false)]);
    const cutFor = (seed: number) => chooseCut(new FrameTracker("down").feed(stream), stream.length, new Rng(seed));
    expect(cutFor(3)).toEqual(cutFor(3));
    const positions = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => cutFor(s)!.cutAt));
    expect(positions.size).toBeGreaterThan(1);
  });

  it("always cuts strictly inside a frame, for any frames, masking, chunking and seed", () => {
    const frameArb = fc.record({
      length: fc.oneof(fc.integer({ min: 0, max: 130 }), fc.constantFrom(125, 126, 127, 65_535, 65_536), fc.integer({ min: 0, max: 3000 })),
      masked: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 1, maxLength: 6 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }), fc.integer(), fc.nat(), (specs, splits, seed, pick) => {
        const frames = specs.map((f) => wsFrame(f.length, f.masked));
        const stream = Buffer.concat([HANDSHAKE_101, ...frames]);
        // Reference boundaries: end of the HTTP head and the end of each frame.
        const boundaries = new Set<number>();
        const frameStarts: number[] = [];
        let at = HANDSHAKE_101.length;
        boundaries.add(at);
        for (const f of frames) {
          frameStarts.push(at);
          at += f.length;
          boundaries.add(at);
        }
        const edges = [...new Set(splits.map((s) => Math.floor(s * stream.length)))].filter((e) => e > 0 && e < stream.length).sort((x, y) => x - y);
        const chunks = [0, ...edges, stream.length].slice(1).map((end, i, ends) => stream.subarray(i === 0 ? 0 : ends[i - 1]!, end));
        const target = pick % chunks.length;
        const tracker = new FrameTracker("down");
        let offset = 0;
        for (let i = 0; i < chunks.length; i++) {
          const chunk = chunks[i]!;
          const scan = tracker.feed(chunk);
          if (i === target) {
            const cut = chooseCut(scan, chunk.length, new Rng(seed));
            const hasFrameBytes = offset + chunk.length > HANDSHAKE_101.length;
            expect(cut !== null).toBe(hasFrameBytes);
            if (cut) {
              const abs = offset + cut.cutAt;
              expect(cut.cutAt).toBeGreaterThanOrEqual(0);
              expect(abs).toBeGreaterThan(HANDSHAKE_101.length);
              expect(boundaries.has(abs)).toBe(false);
              const start = Math.max(...frameStarts.filter((s) => s < abs));
              expect(cut.frameOffset).toBe(abs - start);
              if (cut.frameLength !== null) expect(start + cut.frameLength).toBeGreaterThan(abs);
            }
          }
          offset += chunk.length;
        }
        expect(tracker.framesSeen).toBe(frames.length);
      }),
      { numRuns: 150 },
    );
  });

  it("treats a stream that does not start with an upgrade handshake as opaque", () => {
    const plain = new FrameTracker("down");
    expect(plain.feed(Buffer.from("hello world\r\n\r\n\x82\x05abcde"))).toEqual({ framesFrom: null, frames: [] });
    expect(plain.mode).toBe("opaque");
    const rejected = new FrameTracker("down");
    rejected.feed(Buffer.from("HTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\n\r\nno"));
    expect(rejected.mode).toBe("opaque");
    const request = new FrameTracker("up");
    const head = Buffer.from("GET /r HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n");
    const scan = request.feed(Buffer.concat([head, wsFrame(3, true)]));
    expect(scan).toEqual({ framesFrom: head.length, frames: [{ start: head.length, length: 2 + 4 + 3 }] });
    expect(request.framesSeen).toBe(1);
  });
});
