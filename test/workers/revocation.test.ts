/** Operator revocation of a player's tokens: refused at the next ticket and match, and open sockets closed. */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { PlayerRecord } from "../../src/worker/player-record";
import { api, join, twoPlayerMatch } from "./helpers";
import { closeQueueSockets, joinMatched, queueUp } from "./queue-helpers";

const TOKEN = "test-operator-token-0123456789abcdef";
const revoke = (playerId: string, authorization = `Bearer ${TOKEN}`) =>
  api.fetch(`${api.base}/api/players/${encodeURIComponent(playerId)}/revoke`, { method: "POST", headers: { Authorization: authorization } });

describe("player revocation", () => {
  it("reaches a room joined through quick play: the queue notes the match in the player's record", async () => {
    const [dan, eve] = await Promise.all([api.guest("Dan"), api.guest("Eve")]);
    const qd = await queueUp(dan, { game: "connect-four", mode: "casual", aiAfterMs: null });
    const qe = await queueUp(eve, { game: "connect-four", mode: "casual", aiAfterMs: null });
    const [md, me] = await Promise.all([qd.socket.next("matched"), qe.socket.next("matched")]);
    const [sd, se] = await Promise.all([joinMatched(md), joinMatched(me)]);
    await Promise.all([sd.started(), se.started()]);
    const res = await revoke(dan.playerId);
    expect(res.status).toBe(200);
    // Dan never asked the worker for a ticket: only the queue's note can tell the revocation of his room.
    expect(await res.json()).toMatchObject({ playerId: dan.playerId, rooms: 1, closed: 1 });
    expect(await sd.closed).toMatchObject({ code: 4009 });
    await se.nextEvent("playerDisconnected");
    await closeQueueSockets();
  });

  it("closes the player's open sockets with 4009 and refuses its tokens from then on; others play on", async () => {
    const { alice, bob, matchId, a, b } = await twoPlayerMatch();
    // Refused without the operator token, or for a malformed id: nothing is revoked.
    expect((await revoke(alice.playerId, "Bearer wrong-token-wrong-token-wrong")).status).toBe(401);
    const bad = await revoke("no spaces allowed");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "BAD_REQUEST" } });
    expect((await api.post(`/api/matches/${matchId}/ticket`, {}, alice.token)).status).toBe(200);

    const res = await revoke(alice.playerId);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ playerId: alice.playerId, rooms: 1, closed: 1 });
    expect(await a.closed).toMatchObject({ code: 4009 });
    await b.nextEvent("playerDisconnected");

    for (const [path, body] of [[`/api/matches/${matchId}/ticket`, {}], ["/api/matches", { game: "connect-four" }]] as const) {
      const refused = await api.post(path, body, alice.token);
      expect(refused.status, path).toBe(401);
      expect(await refused.json()).toMatchObject({ error: { code: "UNAUTHORIZED", message: "Invalid player token (revoked)." } });
    }
    // Bob is untouched.
    const again = await join(bob, matchId);
    await again.next("welcome");
    expect((await revoke("never-seen-player")).status).toBe(200);
  });

  it("stores nothing for a player who is never revoked, and a new instance of a revoked player's record still refuses", async () => {
    const carol = await api.guest("Carol");
    // An authenticated request asks Carol's record whether her token is revoked: one read, no table made.
    expect((await api.post("/api/matches", { game: "connect-four" }, carol.token)).status).toBe(201);
    const players = env.PLAYERS;
    if (!players) throw new Error("the test configuration binds PLAYERS");
    const record = players.get(players.idFromName(carol.playerId));
    const tables = () => runInDurableObject(record, (_o: PlayerRecord, state) => state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'").toArray().length);
    expect(await tables()).toBe(0);

    expect((await revoke(carol.playerId)).status).toBe(200);
    expect(await tables()).toBe(3);
    // An instance that has not written yet (as after an eviction) finds the stored revocation.
    const iat = Math.floor(Date.now() / 1000) - 1;
    expect(await runInDurableObject(record, (_o: PlayerRecord, state) => new PlayerRecord(state, {}).isRevoked(iat))).toBe(true);
    expect((await api.post("/api/matches", { game: "connect-four" }, carol.token)).status).toBe(401);
  });
});
