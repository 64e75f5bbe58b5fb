import { describe, expect, it } from "vitest";
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
    const res = await api.fetch(`${api.base}/api/matches/${matchId}/send?conn=00000000-0000-4000-8000-000000000000`, { method: "POST", body: "ping" });
    expect(res.status).toBe(410);
    first.raw.close();
    await first.sock.closed;
  });
});
