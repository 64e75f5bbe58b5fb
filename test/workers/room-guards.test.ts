/**
 * The per-room connection cap: spectators are refused with ROOM_AT_CAPACITY once the room would
 * pass it, while every seat keeps its place.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MAX_ROOM_CONNECTIONS } from "../../src/protocol";
import { api, join, joinRefused, twoPlayerMatch } from "./helpers";

const stubFor = (matchId: string) => env.ROOMS.get(env.ROOMS.idFromName(matchId));

// A policy close the client ignores is tested in test/e2e/edge-sockets.test.ts: workerd's own client end
// answers a close by itself, so only a bare TCP client can ignore one.

describe("per-room connection cap", () => {
  it(`holds at most ${MAX_ROOM_CONNECTIONS} connections: spectators beyond it get 4013, seats stay reserved`, { timeout: 60_000 }, async () => {
    const alice = await api.guest("Alice");
    const matchId = await api.createMatch(alice.token, { game: "connect-four", mode: "pvp" });
    const seats = 2;
    for (let i = 0; i < MAX_ROOM_CONNECTIONS - seats; i++) {
      // Each pings as a live client must: filling the room takes longer than the 3.5 s heartbeat timeout.
      const s = (await join(await api.guest(`S${i}`), matchId, "spectator")).startHeartbeat(1000);
      await s.next("welcome");
    }
    const refused = await joinRefused(await api.guest("Late"), matchId, { role: "spectator" });
    expect(refused).toMatchObject({ code: 4013, reason: expect.stringContaining(String(MAX_ROOM_CONNECTIONS)) });
    // Both seats still fill: the cap falls on spectators only.
    const a = await join(alice, matchId);
    await a.next("welcome");
    const b = await join(await api.guest("Bob"), matchId);
    await b.next("welcome");
    await a.nextEvent("matchStarted");
    const connected = await runInDurableObject(stubFor(matchId), (_o, state) => state.getWebSockets().filter((ws) => ws.deserializeAttachment() !== null).length);
    expect(connected).toBe(MAX_ROOM_CONNECTIONS);
  });
});
