import { describe, expect, it } from "vitest";
import { encodeFrame } from "../../src/protocol";
import { openSse } from "../support/sse-socket";
import { api, join } from "./helpers";

describe("HTTP fallback transport (SSE down, POST up)", () => {
  it("plays moves over SSE and POST with the same frames and acknowledgements as a WebSocket", async () => {
    const alice = await api.guest("Alice");
    const bob = await api.guest("Bob");
    const matchId = await api.createMatch(alice.token, { game: "connect-four" });
    const { ticket } = await api.ticket(alice.token, matchId);
    const { sock: a, raw } = await openSse(api.fetch, api.base, matchId, ticket);
    const welcome = await a.next("welcome");
    expect(welcome.you.seat).toBe(0);
    const b = await join(bob, matchId);
    await b.next("welcome");
    await a.nextEvent("matchStarted");
    a.send({ t: "input", id: 1, data: { type: "dropDisc", column: 3 } });
    expect(await a.settle(1)).toMatchObject({ t: "ack", dup: false });
    await b.nextEvent("playerMove");
    a.send({ t: "input", id: 1, data: { type: "dropDisc", column: 3 } });
    expect(await a.settle(1)).toMatchObject({ t: "ack", dup: true });
    a.sendRaw("ping");
    await a.nextText("pong");
    raw.close();
    await a.closed;
    await b.nextEvent("playerDisconnected");
  });

  it("refuses a reused ticket on the stream with the auth close code, and unknown connections on POST", async () => {
    const alice = await api.guest("Alice");
    const matchId = await api.createMatch(alice.token, { game: "connect-four" });
    const { ticket } = await api.ticket(alice.token, matchId);
    const first = await openSse(api.fetch, api.base, matchId, ticket);
    const second = await openSse(api.fetch, api.base, matchId, ticket);
    expect(await second.sock.closed).toMatchObject({ code: 4001 });
    const res = await api.fetch(`${api.base}/api/matches/${matchId}/send?conn=00000000-0000-4000-8000-000000000000`, { method: "POST", headers: { "Edgeroom-Send-Token": "x".repeat(43) }, body: "ping" });
    expect(res.status).toBe(410);
    first.raw.close();
    await first.sock.closed;
  });

  it("takes POSTed frames only with the connection's send token, from a header; anything else changes nothing", async () => {
    const alice = await api.guest("Alice");
    const bob = await api.guest("Bob");
    const matchId = await api.createMatch(alice.token, { game: "connect-four" });
    const { ticket } = await api.ticket(alice.token, matchId);
    const { sock: a, raw } = await openSse(api.fetch, api.base, matchId, ticket);
    await a.next("welcome");
    const b = await join(bob, matchId);
    await b.next("welcome");
    await a.nextEvent("matchStarted");
    expect(raw.sendToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const move = encodeFrame({ t: "input", id: 1, data: { type: "dropDisc", column: 3 } });
    const url = `${api.base}/api/matches/${matchId}/send?conn=${raw.conn}`;
    const wrong = raw.sendToken.startsWith("A") ? `B${raw.sendToken.slice(1)}` : `A${raw.sendToken.slice(1)}`;
    const attempts: [Record<string, string>, string][] = [
      [{}, "Edgeroom-Send-Token header"], // refused by the worker: no token at all
      [{ "Edgeroom-Send-Token": "short" }, "Edgeroom-Send-Token header"], // malformed
      [{ "Edgeroom-Send-Token": wrong }, "Wrong send token"], // refused by the room
    ];
    for (const [headers, message] of attempts) {
      const res = await api.fetch(url, { method: "POST", headers: { "Content-Type": "application/msgpack", ...headers }, body: move });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "UNAUTHORIZED", message: expect.stringContaining(message) } });
    }
    // With the token, the same move is applied, and as new: none of the refused POSTs reached the game.
    a.send({ t: "input", id: 1, data: { type: "dropDisc", column: 3 } });
    expect(await a.settle(1)).toMatchObject({ t: "ack", dup: false });
    raw.close();
    await a.closed;
  });
});
