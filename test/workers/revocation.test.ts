/** Operator revocation of a player's tokens: refused at the next ticket and match, and open sockets closed. */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { PLAYER_SHARDS, PlayerRecord, playerRecord, playerShard } from "../../src/worker/player-record";
import { api, join, twoPlayerMatch } from "./helpers";
import { closeQueueSockets, enqueue, joinMatched, joinProtocols, openQueueSocket, queueStub, queueUp, socketJoin } from "./queue-helpers";

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
    // Joining quick play, by POST or in one socket upgrade, is refused too.
    const posted = await enqueue(alice, { game: "connect-four", mode: "casual", aiAfterMs: null });
    expect(posted.status).toBe(401);
    const socketJoined = await socketJoin("game=connect-four&mode=casual", joinProtocols(alice));
    expect(socketJoined.status).toBe(401);
    expect(await socketJoined.json()).toMatchObject({ error: { code: "UNAUTHORIZED", message: "Invalid player token (revoked)." } });
    // Bob is untouched.
    const again = await join(bob, matchId);
    await again.next("welcome");
    expect((await revoke("never-seen-player")).status).toBe(200);
  });

  it("keeps a revocation in the player's shard: a new instance of it refuses that player and no other", async () => {
    const [carol, dave] = await Promise.all([api.guest("Carol"), api.guest("Dave")]);
    expect((await revoke(carol.playerId)).status).toBe(200);
    const players = env.PLAYERS;
    if (!players) throw new Error("the test configuration binds PLAYERS");
    // An instance that has not served anything yet (as after an eviction) finds the stored revocation.
    const iat = Math.floor(Date.now() / 1000) - 1;
    const fresh = (playerId: string) => runInDurableObject(playerRecord(players, playerId), (_o: PlayerRecord, state) => new PlayerRecord(state, {}).isRevoked(playerId, iat));
    expect(await fresh(carol.playerId)).toBe(true);
    expect(await fresh(dave.playerId)).toBe(false);
    // A token issued after the revocation is valid: the check compares issue times, it does not ban the id.
    expect(await runInDurableObject(playerRecord(players, carol.playerId), (o: PlayerRecord) => o.isRevoked(carol.playerId, iat + 3600))).toBe(false);
    expect((await api.post("/api/matches", { game: "connect-four" }, carol.token)).status).toBe(401);
    expect((await api.post("/api/matches", { game: "connect-four" }, dave.token)).status).toBe(201);
  });

  it("spreads players over PLAYER_SHARDS objects by a fixed hash of the id (changing it would forget revocations)", () => {
    // FNV-1a (32-bit) of the id modulo 64 (FNV-1a of "a" is 0xe40c292c, 0x2c = 44); these values pin the function.
    expect(PLAYER_SHARDS).toBe(64);
    expect(["guest_q3ZyV1mC0aXb9tLe", "guest_Bv8Q0mKx2LpT7sWe", "a", "player-1"].map(playerShard)).toEqual([7, 51, 44, 18]);
    const seen = new Set(Array.from({ length: 2000 }, (_, i) => playerShard(`guest_${i}`)));
    expect(seen.size).toBe(PLAYER_SHARDS);
  });

  it("a player revoked while queued gets no quick-play ticket: the queue closes their socket with 4009 and the other waits on", async () => {
    const [gil, hana, ivo] = await Promise.all([api.guest("Gil"), api.guest("Hana"), api.guest("Ivo")]);
    const body = { game: "connect-four", mode: "casual", aiAfterMs: null };
    const g = await queueUp(gil, body);
    await g.socket.next("queued");
    expect((await revoke(gil.playerId)).status).toBe(200);
    // Hana's arrival makes a pair; Gil's record refuses his ticket, so no room is made for them.
    const h = await queueUp(hana, body);
    expect(await g.socket.closed).toMatchObject({ code: 4009 });
    expect(g.socket.frames.some((f) => f.type === "matched")).toBe(false);
    expect(await queueStub("connect-four", "casual", 2).waiting()).toBe(1);
    const i = await queueUp(ivo, body);
    const [mh, mi] = await Promise.all([h.socket.next("matched"), i.socket.next("matched")]);
    expect(mh.matchId).toBe(mi.matchId);
    await closeQueueSockets();
  });

  it("a matched player revoked before their socket came back gets no fresh ticket from the queue", async () => {
    const [jo, kai] = await Promise.all([api.guest("Jo"), api.guest("Kai")]);
    const body = { game: "connect-four", mode: "casual", aiAfterMs: null };
    const j = await queueUp(jo, body);
    const k = await queueUp(kai, body);
    await Promise.all([j.socket.next("matched"), k.socket.next("matched")]);
    expect((await revoke(jo.playerId)).status).toBe(200);
    // The entry URL again (a reload): a matched entry hands over a fresh ticket, except to a revoked player.
    const [again, kaiAgain] = await Promise.all([openQueueSocket(j.url), openQueueSocket(k.url)]);
    expect(await again.closed).toMatchObject({ code: 4009 });
    expect(again.frames).toEqual([]);
    expect(await kaiAgain.next("matched")).toMatchObject({ type: "matched" });
    await closeQueueSockets();
  });
});
