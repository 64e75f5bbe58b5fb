import { appGames } from "../support/app-games";
import { abortAllDurableObjects, env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { verifyReplay } from "../../src/replay/verify";
import { api, join, twoPlayerMatch } from "./helpers";

const stubFor = (matchId: string) => env.ROOMS.get(env.ROOMS.idFromName(matchId));

describe("reconnection, timers and eviction", () => {
  it("gives a reconnecting player the same seat and the current state, and tells the opponent", async () => {
    const { alice, matchId, a, b } = await twoPlayerMatch();
    a.send({ t: "input", id: 1, data: { type: "dropDisc", column: 3 } });
    await a.next("ack", (x) => x.id === 1);
    a.close(1001);
    const dropped = await b.nextEvent("playerDisconnected");
    expect(dropped.room.seats[0]).toMatchObject({ connected: false });
    expect(dropped.room.seats[0]?.graceUntil).toBeGreaterThan(Date.now());

    const again = await join(alice, matchId);
    const welcome = await again.next("welcome");
    expect(welcome.you.seat).toBe(0);
    expect(welcome.lastInputId).toBe(1);
    expect(welcome.room.seats[0]).toMatchObject({ connected: true, graceUntil: null });
    const view = welcome.room.view as { board: number[][] };
    expect(view.board[0]?.[3]).not.toBe(0);
    await b.nextEvent("playerReconnected");
    again.close();
    b.close();
  });

  it("replaces an older connection of the same player with SESSION_REPLACED", async () => {
    const { alice, matchId, a, b } = await twoPlayerMatch();
    const second = await join(alice, matchId);
    await second.next("welcome");
    expect((await a.closed).code).toBe(4006);
    second.close();
    b.close();
  });

  it("ends the match by turn timeout when the alarm finds the clock expired", async () => {
    const { a, b } = await twoPlayerMatch({ turnMs: 1000 });
    const end = await b.nextEvent("matchEnded");
    expect(end.room.result).toMatchObject({ winner: 1, reason: "timeout" });
    a.close();
    b.close();
  });

  it("forfeits a player whose grace window expires while disconnected", async () => {
    const { a, b } = await twoPlayerMatch({ graceMs: 1000 });
    a.close(1001);
    const end = await b.nextEvent("matchEnded");
    expect(end.room.result).toMatchObject({ winner: 1, reason: "forfeit" });
    b.close();
  });

  it("runs a repeated alarm without applying anything twice", async () => {
    // A real due timer: the turn clock (1 s) ends the match through the alarm.
    const { matchId, a, b } = await twoPlayerMatch({ turnMs: 1000 });
    const end = await b.nextEvent("matchEnded");
    expect(end.room.result).toMatchObject({ winner: 1, reason: "timeout" });
    const stub = stubFor(matchId);
    type Host = import("../../src/room/host/room-object").RoomHost;
    const before = await runInDurableObject(stub, async (o: Host) => ({ status: await o.status(), metrics: await o.metrics() }));
    // Alarms are at-least-once: the same alarm delivered again (twice) must find nothing left to do.
    const after = await runInDurableObject(stub, async (o: Host) => {
      await o.alarm();
      await o.alarm();
      return { status: await o.status(), metrics: await o.metrics() };
    });
    expect(after.metrics["alarmRuns"]).toBe((before.metrics["alarmRuns"] ?? 0) + 2);
    expect(after.status).toBe(before.status);
    expect(JSON.parse(after.status ?? "null")).toMatchObject({ result: { winner: 1, reason: "timeout" } });
    expect(after.metrics["storageWrites"]).toBe(before.metrics["storageWrites"]);
    // No frame reached Bob because of them: the next frame he gets is the answer to his sync.
    const framesBefore = b.frames.length;
    b.send({ t: "sync", c: 7 });
    await b.next("sync", (f) => f.c === 7);
    expect(b.frames.slice(framesBefore).map((f) => f.t)).toEqual(["sync"]);
    a.close();
    b.close();
  });

  it("survives hibernation-style eviction mid-match with state and sockets intact, once no seated player is connected", async () => {
    // While a seated player is connected the room's liveness watchdog (an in-memory timer) keeps it
    // awake, so it cannot hibernate (docs/reliability.md §6); with the seats away it can again.
    const { alice, matchId, a, b } = await twoPlayerMatch();
    const watcher = (await join(await api.guest("Watcher"), matchId, "spectator")).startHeartbeat(1000);
    await watcher.next("welcome");
    a.send({ t: "input", id: 1, data: { type: "dropDisc", column: 3 } });
    await b.nextEvent("playerMove");
    a.close(1000);
    b.close(1000);
    await watcher.next("update", (u) => u.room.seats.every((s) => !s.connected));
    await evictDurableObject(stubFor(matchId));
    // The spectator's socket survived; a returning player finds the state and the spectator is told.
    const a2 = await join(alice, matchId);
    const w = await a2.next("welcome");
    expect(w.lastInputId).toBe(1);
    const view = w.room.view as { board: number[][] };
    expect(view.board[0]?.[3]).not.toBe(0);
    await watcher.nextEvent("playerReconnected");
    a2.close();
    watcher.close();
  });

  // A room in play with seated players connected keeps its liveness watchdog timer pending, and workerd's
  // graceful test eviction waits for it (measured: evictDurableObject never returns while both players
  // ping). A deploy or crash does not wait: the instance is aborted and every socket closed, as here.
  it("rebuilds from storage after the instance is aborted mid-match (a crash or deploy), and players rejoin where they were", async () => {
    const { alice, bob, matchId, a, b } = await twoPlayerMatch();
    a.send({ t: "input", id: 5, data: { type: "dropDisc", column: 2 } });
    await b.nextEvent("playerMove");
    await abortAllDurableObjects();
    await a.closed;
    await b.closed;
    const a2 = await join(alice, matchId);
    const w = await a2.next("welcome");
    expect(w.you.seat).toBe(0);
    expect(w.lastInputId).toBe(5);
    expect(w.room.status).toBe("playing");
    const b2 = await join(bob, matchId);
    await b2.next("welcome");
    b2.send({ t: "input", id: 1, data: { type: "dropDisc", column: 2 } });
    await b2.next("ack", (x) => x.id === 1);
    // A re-sent id from before the restart is still known and not applied again.
    a2.send({ t: "input", id: 5, data: { type: "dropDisc", column: 2 } });
    expect(await a2.next("ack", (x) => x.id === 5)).toMatchObject({ dup: true });
    a2.close();
    b2.close();
  });

  it("resumes from the journal kept in storage after the instance was aborted and every socket closed, replaying exactly what was missed", async () => {
    const { alice, bob, matchId, a, b } = await twoPlayerMatch();
    const welcome = a.frames.find((f) => f.t === "welcome");
    const session = welcome?.t === "welcome" ? welcome.session : "";
    a.send({ t: "input", id: 1, data: { type: "dropDisc", column: 1 } });
    const applied = (await a.next("ack", (x) => x.id === 1)).seq ?? 0;
    a.close(1001);
    b.send({ t: "input", id: 1, data: { type: "dropDisc", column: 6 } });
    await b.next("ack", (x) => x.id === 1);
    await abortAllDurableObjects();
    await b.closed;
    const a2 = await join(alice, matchId, "player", { session, lastSeq: applied });
    const w = await a2.next("welcome");
    expect(w.resume).toEqual({ status: "replayed", fromSeq: applied });
    expect(w.replay.map((e) => e.seq)).toEqual(Array.from({ length: w.seq - applied }, (_, i) => applied + 1 + i));
    const status = (await (await api.status(matchId)).json()) as { stateHash: string; seq: number };
    expect(w.stateHash).toBe(status.stateHash);
    const bad = await join(bob, matchId, "player", { session, lastSeq: 0 });
    expect((await bad.closed).code).toBe(4010);
  });

  it("publishes the replay only once the match is over", async () => {
    const { matchId, a, b } = await twoPlayerMatch();
    expect((await api.fetch(`${api.base}/api/matches/${matchId}/replay`)).status).toBe(409);
    b.send({ t: "resign", id: 1 });
    await a.nextEvent("matchEnded");
    const res = await api.fetch(`${api.base}/api/matches/${matchId}/replay`);
    expect(res.status).toBe(200);
    const replay = (await res.json()) as { seed: number; actions: { kind: string }[] };
    expect(replay.actions.map((x) => x.kind)).toEqual(["round", "forfeit"]);
    expect(verifyReplay(replay, appGames)).toMatchObject({ ok: true, result: { winner: 0, reason: "resign" } });
    a.close();
    b.close();
  });
});
