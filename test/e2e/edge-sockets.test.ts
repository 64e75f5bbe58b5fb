/**
 * WebSocket behaviour only a bare client can show, against the worker under miniflare (no proxy):
 * the server never negotiates permessage-deflate (so the frame cap applies to wire bytes), and a
 * client that ignores the room's policy close and keeps sending costs the room no work and changes
 * nothing. test/support/raw-ws.ts is the client: it never answers a close frame by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ABUSE_LIMIT, decodeServerFrame, encodeFrame, MAX_CLIENT_FRAME_BYTES } from "../../src/protocol";
import { Api } from "../support/api";
import { openNodeSocket } from "../support/node-socket";
import { RawWebSocket } from "../support/raw-ws";
import { startWorker, type WorkerServer } from "../support/worker-server";

const OPERATOR = "e2e-operator-token-0123456789abcdef";
let server: WorkerServer;
let api: Api;

beforeAll(async () => {
  server = await startWorker({ vars: { OPERATOR_TOKEN: OPERATOR } });
  api = new Api(fetch, server.base);
});
afterAll(() => server?.stop());

async function metrics(matchId: string): Promise<Record<string, number>> {
  const res = await fetch(`${server.base}/api/matches/${matchId}/metrics`, { headers: { Authorization: `Bearer ${OPERATOR}` } });
  return ((await res.json()) as { counters: Record<string, number> }).counters;
}

describe("WebSocket edge cases with a bare client", () => {
  it("refuses a compressed message that inflates past the frame cap, and nothing changes", async () => {
    const alice = await api.guest("Alice");
    const matchId = await api.createMatch(alice.token, { game: "connect-four", mode: "pvp" });
    const { url } = await api.ticket(alice.token, matchId);
    const offer = "permessage-deflate; client_no_context_takeover; server_no_context_takeover";
    const ws = await RawWebSocket.open(url, { "Sec-WebSocket-Extensions": offer });
    // Measured here: miniflare's own entry worker (compatibility date 2025-03-17, compression on) sits in
    // front of ours and accepts the offer, whatever our no_web_socket_compression flag says; the room
    // then sees messages already inflated. On Cloudflare the flag and the stripped header apply.
    expect(ws.headers.get("sec-websocket-extensions")).toContain("permessage-deflate");
    const welcome = await ws.next((f) => f.opcode === 2);
    expect(decodeServerFrame(welcome.payload)).toMatchObject({ ok: true, value: { t: "welcome" } });
    const statusBefore = await (await api.status(matchId)).text();
    // 64 KiB of zeros: a little over 60 bytes on the wire, 64 times the 1 KiB cap once inflated.
    const wire = ws.sendDeflated(new Uint8Array(64 * 1024));
    expect(wire).toBeLessThan(MAX_CLIENT_FRAME_BYTES);
    const error = decodeServerFrame((await ws.next((f) => f.opcode === 2 && f !== welcome)).payload);
    expect(error).toMatchObject({ ok: true, value: { t: "error", code: "FRAME_TOO_LARGE" } });
    expect(await (await api.status(matchId)).text()).toBe(statusBefore);
    ws.destroy();
  }, 20_000);

  it("drops every frame of a policy-closed socket whose client ignores the close, without touching the room", async () => {
    const alice = await api.guest("Alice");
    const bob = await api.guest("Bob");
    const matchId = await api.createMatch(alice.token, { game: "connect-four", mode: "pvp" });
    const a = await RawWebSocket.open((await api.ticket(alice.token, matchId)).url);
    await a.next((f) => f.opcode === 2); // welcome
    const b = await openNodeSocket((await api.ticket(bob.token, matchId)).url);
    await b.next("welcome"); // the second seat filled: the match has started (Bob's welcome says so)
    // Exactly enough bad frames for the policy close, so every later frame is one the client sent after it.
    for (let i = 0; i < ABUSE_LIMIT.strikes; i++) a.send(new Uint8Array([0xc1]));
    const close = await a.next((f) => f.opcode === 8);
    expect(close.payload.readUInt16BE(0)).toBe(4008);
    await b.nextEvent("playerDisconnected");
    const statusBefore = await (await api.status(matchId)).text();
    const before = await metrics(matchId);
    // The client ignores the close and sends 500 valid moves.
    const IGNORED = 500;
    for (let i = 1; i <= IGNORED; i++) a.send(encodeFrame({ t: "input", id: i, data: { type: "dropDisc", column: i % 7 } }));
    // Its close, at last: the room logs the drop count once this socket is gone (frames arrive in order).
    const mark = server.output().length;
    a.send(Buffer.from([0x03, 0xe8]), 8);
    await server.untilOutput((o) => o.slice(mark).includes('"closed_socket_gone"'));
    const line = server.output().slice(mark).split("\n").find((l) => l.includes('"closed_socket_gone"')) ?? "";
    const logged = JSON.parse(line.slice(line.indexOf("{"))) as { droppedFrames: number };
    const after = await metrics(matchId);
    expect(logged.droppedFrames).toBe(IGNORED);
    expect(before["droppedFrames"]).toBe(0);
    expect(after["droppedFrames"]).toBe(IGNORED);
    // No frame reached the core, nothing was stored, no alarm was set, and the public state is the same.
    expect(after["messages"]).toBe(before["messages"]);
    expect(after["storageWrites"]).toBe(before["storageWrites"]);
    expect(after["alarmWrites"]).toBe(before["alarmWrites"]);
    expect(await (await api.status(matchId)).text()).toBe(statusBefore);
    a.destroy();
    b.close();
  });
});
