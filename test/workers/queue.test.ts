/**
 * Matchmaking through the worker and real queue and room objects: filling seats, the AI offer after
 * a wait, real-time ready times, cancel, disconnect, duplicate joins, bad input and the per-address cap.
 */
import { afterEach, describe, expect, it } from "vitest";
import { expectFixedWindowCap } from "../support/fixed-window";
import { SELF, evictDurableObject, runInDurableObject } from "cloudflare:test";
import type { QueueObject } from "../../src/matchmaking/queue-object";
import { QueueStore } from "../../src/matchmaking/queue-store";
import { QUEUE_JOIN_HEADER } from "../../src/matchmaking/queue-join";
import { api, upgrade } from "./helpers";
import { QueueSocket, closeQueueSockets, enqueue, freshAddress, joinMatched, joinProtocols, openQueueSocket, queueStub, queueUp, socketJoin } from "./queue-helpers";

afterEach(closeQueueSockets);

describe("quick play queues", () => {
  it("fills a Connect Four match with two waiting players and hands each a ticket to the same room", async () => {
    const [alice, bob] = await Promise.all([api.guest("Alice"), api.guest("Bob")]);
    const a = await queueUp(alice, { game: "connect-four", aiAfterMs: null });
    expect(await a.socket.next("queued")).toMatchObject({ ticketId: a.ticketId, waiting: 1 });
    const b = await queueUp(bob, { game: "connect-four", aiAfterMs: null });
    const [ma, mb] = await Promise.all([a.socket.next("matched"), b.socket.next("matched")]);
    expect(ma.matchId).toBe(mb.matchId);
    expect(ma).toMatchObject({ mode: "pvp", rated: true });
    expect(await a.socket.closed).toMatchObject({ code: 1000 });
    const [ra, rb] = await Promise.all([joinMatched(ma), joinMatched(mb)]);
    await Promise.all([ra.next("welcome"), rb.next("welcome")]);
    const started = { room: await ra.started() };
    expect(started.room.seats.map((s) => s.kind)).toEqual(["human", "human"]);
    expect(await queueStub("connect-four", "ranked", 2).waiting()).toBe(0);
  });

  it("matches only players whose waiting socket is open, while one who joined without connecting yet counts as waiting", async () => {
    const [dan, erin] = await Promise.all([api.guest("Dan"), api.guest("Erin")]);
    const res = await enqueue(erin, { game: "connect-four", aiAfterMs: null });
    expect(res.status).toBe(201);
    const late = (await res.json()) as { ticketId: string; url: string };
    const d = await queueUp(dan, { game: "connect-four", aiAfterMs: null });
    expect(await d.socket.next("queued")).toMatchObject({ waiting: 2 });
    // Dan's connect ran a matching pass (its choice is made before the upgrade answers): Erin was not in it.
    expect(await queueStub("connect-four", "ranked", 2).waiting()).toBe(2);
    const e = await openQueueSocket(late.url);
    const [md, me] = await Promise.all([d.socket.next("matched"), e.next("matched")]);
    expect(md.matchId).toBe(me.matchId);
    expect(await queueStub("connect-four", "ranked", 2).waiting()).toBe(0);
  });

  it("offers an AI seat, unrated, once a lone player has waited aiAfterMs", async () => {
    const carol = await api.guest("Carol");
    const c = await queueUp(carol, { game: "connect-four", mode: "casual", aiAfterMs: 300 });
    expect(await c.socket.next("queued")).toMatchObject({ waiting: 1 });
    // The queue's alarm makes the offer: nothing else happens in between.
    const matched = await c.socket.next("matched");
    expect(matched).toMatchObject({ mode: "ai", rated: false });
    const room = await joinMatched(matched);
    const welcome = await room.next("welcome");
    expect(welcome.room.seats.map((s) => s.kind)).toEqual(["human", "ai"]);
  });

  it("starts a real-time match with whoever is queued once the ready time has passed", async () => {
    const [p, q] = await Promise.all([api.guest("P"), api.guest("Q")]);
    const a = await queueUp(p, { game: "runner" });
    const b = await queueUp(q, { game: "runner" });
    await Promise.all([a.socket.next("queued"), b.socket.next("queued")]);
    // Two of four seats: nobody else comes, so the ready time (QUEUE_READY_MS) starts them.
    const [ma, mb] = await Promise.all([a.socket.next("matched"), b.socket.next("matched")]);
    expect(ma.matchId).toBe(mb.matchId);
    const status = (await (await api.status(ma.matchId)).json()) as { seats: unknown[]; game: string };
    expect(status).toMatchObject({ game: "runner" });
    expect(status.seats).toHaveLength(2);
  });

  it("cancel takes the player out and closes their socket; a second cancel or another player's is 404", async () => {
    const [dana, eve] = await Promise.all([api.guest("Dana"), api.guest("Eve")]);
    const d = await queueUp(dana, { game: "connect-four", mode: "casual", aiAfterMs: null });
    await d.socket.next("queued");
    const del = (token: string) => SELF.fetch(`${api.base}/api/queue/${d.ticketId}`, { method: "DELETE", headers: { Authorization: `Bearer ${token}` } });
    const notHers = await del(eve.token);
    expect(notHers.status).toBe(404);
    expect(await queueStub("connect-four", "casual", 2).waiting()).toBe(1);
    expect((await del(dana.token)).status).toBe(204);
    expect(await d.socket.closed).toMatchObject({ code: 4000 });
    expect(await queueStub("connect-four", "casual", 2).waiting()).toBe(0);
    expect((await del(dana.token)).status).toBe(404);
    // Eve now waits alone: Dana's cancelled entry is not matched with her.
    const e = await queueUp(eve, { game: "connect-four", mode: "casual", aiAfterMs: null });
    expect(await e.socket.next("queued")).toMatchObject({ waiting: 1 });
  });

  it("a player whose socket closes leaves the queue", async () => {
    const [fay, gus] = await Promise.all([api.guest("Fay"), api.guest("Gus")]);
    const f = await queueUp(fay, { game: "connect-four", mode: "casual", aiAfterMs: null });
    // Alone: the previous test's players closed their sockets, so they left this queue too.
    expect(await f.socket.next("queued")).toMatchObject({ waiting: 1 });
    f.socket.close();
    expect(await f.socket.closed).toMatchObject({ code: 1000 });
    expect(f.socket.frames.some((m) => m.type === "matched")).toBe(false);
    expect(await queueStub("connect-four", "casual", 2).waiting()).toBe(0);
    const g = await queueUp(gus, { game: "connect-four", mode: "casual", aiAfterMs: null });
    expect(await g.socket.next("queued")).toMatchObject({ waiting: 1 });
    expect(g.socket.frames.some((m) => m.type === "matched")).toBe(false);
  });

  it("a duplicate join returns the same entry; a second socket replaces the first; the player is matched once", async () => {
    const [hal, ida] = await Promise.all([api.guest("Hal"), api.guest("Ida")]);
    const first = await enqueue(hal, { game: "connect-four", aiAfterMs: null });
    const second = await enqueue(hal, { game: "connect-four", aiAfterMs: null });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    const [e1, e2] = (await Promise.all([first.json(), second.json()])) as { ticketId: string; url: string; existing: boolean }[];
    expect(e2).toMatchObject({ ticketId: e1?.ticketId, existing: true });
    const s1 = await openQueueSocket(e1!.url);
    await s1.next("queued");
    const s2 = await openQueueSocket(e2!.url);
    expect(await s1.closed).toMatchObject({ code: 4006 });
    await s2.next("queued");
    expect(await queueStub("connect-four", "ranked", 2).waiting()).toBe(1);
    const i = await queueUp(ida, { game: "connect-four", aiAfterMs: null });
    const [mh, mi] = await Promise.all([s2.next("matched"), i.socket.next("matched")]);
    expect(mh.matchId).toBe(mi.matchId);
    expect(await queueStub("connect-four", "ranked", 2).waiting()).toBe(0);
  });

  it("keeps a waiting player across the queue object's eviction (entries in SQLite, the socket hibernatable)", async () => {
    const [lea, max] = await Promise.all([api.guest("Lea"), api.guest("Max")]);
    const l = await queueUp(lea, { game: "connect-four", mode: "casual", aiAfterMs: null });
    await l.socket.next("queued");
    await evictDurableObject(queueStub("connect-four", "casual", 2));
    expect(await queueStub("connect-four", "casual", 2).waiting()).toBe(1);
    const m = await queueUp(max, { game: "connect-four", mode: "casual", aiAfterMs: null });
    const [ml, mm] = await Promise.all([l.socket.next("matched"), m.socket.next("matched")]);
    expect(ml.matchId).toBe(mm.matchId);
  });

  it("lets a matched player queue again: a new entry replaces the matched one, and they are matched again", async () => {
    const [nia, oto] = await Promise.all([api.guest("Nia"), api.guest("Oto")]);
    const body = { game: "connect-four", mode: "casual", aiAfterMs: null };
    const [n1, o1] = [await queueUp(nia, body), await queueUp(oto, body)];
    const [first] = await Promise.all([n1.socket.next("matched"), o1.socket.next("matched")]);
    const [n2, o2] = [await queueUp(nia, body), await queueUp(oto, body)];
    expect(n2.ticketId).not.toBe(n1.ticketId);
    const [second] = await Promise.all([n2.socket.next("matched"), o2.socket.next("matched")]);
    expect(second.matchId).not.toBe(first.matchId);
    // The first entry was replaced: its URL no longer finds it.
    const gone = await upgrade(n1.url.replace(/^ws/, "http"));
    expect(gone.status).toBe(404);
  });

  it("reads a queue stored before entries had the token's issue time: such an entry counts as issued at 0", async () => {
    const stub = queueStub("connect-four", "casual", 3);
    const entry = await runInDurableObject(stub, (_q: QueueObject, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE entries");
      sql.exec(
        "CREATE TABLE entries (ticket_id TEXT PRIMARY KEY, player_id TEXT NOT NULL, name TEXT NOT NULL, rating REAL NOT NULL, joined_at INTEGER NOT NULL, ai_after_ms INTEGER, state TEXT NOT NULL, connected INTEGER NOT NULL, keep_until INTEGER NOT NULL, match TEXT)",
      );
      sql.exec("INSERT INTO entries VALUES ('t-old', 'p-old', 'Old', 25, 1, NULL, 'waiting', 0, 99, NULL)");
      const store = new QueueStore(state.storage);
      store.insert({ ticketId: "t-new", playerId: "p-new", name: "New", iat: 1234, rating: 25, joinedAt: 2, aiAfterMs: null, connectBy: 99 }, null);
      return [store.get("t-old")?.iat, store.get("t-new")?.iat];
    });
    expect(entry).toEqual([0, 1234]);
  });

  it("joins and waits in one upgrade: the token in the bearer subprotocol, the queue's subprotocol answered, matched like a POSTed entry", async () => {
    const [pia, quin] = await Promise.all([api.guest("Pia"), api.guest("Quin")]);
    const res = await socketJoin("game=connect-four&mode=casual&aiAfterMs=off", joinProtocols(pia));
    expect(res.status).toBe(101);
    expect(res.headers.get("Sec-WebSocket-Protocol")).toBe("edgeroom.queue");
    const p = new QueueSocket(res.webSocket!);
    const queued = await p.next("queued");
    expect(queued.ticketId).toMatch(/^connect-four\.casual\.2\.0\./);
    const q = await queueUp(quin, { game: "connect-four", mode: "casual", aiAfterMs: null });
    const [mp, mq] = await Promise.all([p.next("matched"), q.socket.next("matched")]);
    expect(mp.matchId).toBe(mq.matchId);
    expect(mp).toMatchObject({ mode: "pvp", rated: false });
    const [rp, rq] = await Promise.all([joinMatched(mp), joinMatched(mq)]);
    await Promise.all([rp.next("welcome"), rq.next("welcome")]);
    // Without the queue's subprotocol (a non-browser client with an Authorization header) none is answered.
    const plain = await upgrade(`${api.base}/api/queue/ws?game=connect-four&mode=casual&aiAfterMs=off`, { Authorization: `Bearer ${pia.token}`, "CF-Connecting-IP": freshAddress() });
    expect(plain.status).toBe(101);
    expect(plain.headers.get("Sec-WebSocket-Protocol")).toBeNull();
    await new QueueSocket(plain.webSocket!).next("queued");
  });

  it("refuses a bad socket join with a documented HTTP error before any upgrade, and queues nobody", async () => {
    const rae = await api.guest("Rae");
    const before = await queueStub("connect-four", "ranked", 2).waiting();
    const cases: [string, string[], number, string][] = [
      ["game=connect-four", ["edgeroom.queue"], 401, "UNAUTHORIZED"],
      ["game=connect-four", ["edgeroom.queue", "edgeroom.bearer.not-a-token"], 401, "UNAUTHORIZED"],
      ["game=chess", joinProtocols(rae), 400, "BAD_REQUEST"],
      ["game=connect-four&seats=7", joinProtocols(rae), 400, "BAD_REQUEST"],
      ["game=connect-four&seats=0", joinProtocols(rae), 400, "BAD_REQUEST"],
      ["game=connect-four&aiAfterMs=700000", joinProtocols(rae), 400, "BAD_REQUEST"],
      ["game=connect-four&aiAfterMs=", joinProtocols(rae), 400, "BAD_REQUEST"],
      ["game=connect-four&mode=blitz", joinProtocols(rae), 400, "BAD_REQUEST"],
      ["game=runner&seats=2", joinProtocols(rae), 400, "BAD_REQUEST"],
      ["game=connect-four&ticket=connect-four.ranked.2.0.AAAAAAAAAAAAAAAAAAAAAA", joinProtocols(rae), 400, "BAD_REQUEST"],
      ["mode=ranked", joinProtocols(rae), 400, "BAD_REQUEST"],
    ];
    for (const [query, protocols, status, code] of cases) {
      const res = await socketJoin(query, protocols);
      expect(res.status, query).toBe(status);
      expect(await res.json(), query).toMatchObject({ error: { code } });
    }
    const foreign = await upgrade(`${api.base}/api/queue/ws?game=connect-four`, { Origin: "https://evil.example", "Sec-WebSocket-Protocol": joinProtocols(rae).join(", ") });
    expect(foreign.status).toBe(403);
    const noUpgrade = await SELF.fetch(`${api.base}/api/queue/ws?game=connect-four`, { headers: { Authorization: `Bearer ${rae.token}` } });
    expect(noUpgrade.status).toBe(426);
    expect(await queueStub("connect-four", "ranked", 2).waiting()).toBe(before);
  });

  it("refuses a malformed internal join (only the worker sends one) and queues nobody", async () => {
    const stub = queueStub("connect-four", "ranked", 2);
    const before = await stub.waiting();
    for (const header of ["{not json", JSON.stringify({ queueKey: "connect-four.ranked.2.0", game: "connect-four" }), null]) {
      const headers: Record<string, string> = { Upgrade: "websocket" };
      if (header !== null) headers[QUEUE_JOIN_HEADER] = header;
      const res = await stub.fetch(new Request("https://queue.internal/join", { headers }));
      expect(res.status).toBe(400);
    }
    expect(await stub.waiting()).toBe(before);
  });

  it("refuses bad requests with a documented error and queues nobody", async () => {
    const jo = await api.guest("Jo");
    const cases: [Record<string, unknown>, number, string][] = [
      [{ game: "chess" }, 400, "Unknown game"],
      [{ game: "connect-four", seats: 7 }, 400, "seats"],
      [{ game: "runner", seats: 2 }, 400, "real-time"],
      [{ game: "connect-four", mode: "blitz" }, 400, "mode"],
      [{ game: "connect-four", extra: 1 }, 400, "Invalid request body"],
    ];
    for (const [body, status, text] of cases) {
      const res = await enqueue(jo, body);
      expect(res.status).toBe(status);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(json.error.code).toBe("BAD_REQUEST");
      expect(json.error.message).toContain(text);
    }
    const anon = await SELF.fetch(`${api.base}/api/queue`, { method: "POST", body: JSON.stringify({ game: "connect-four" }) });
    expect(anon.status).toBe(401);
    const noUpgrade = await SELF.fetch(`${api.base}/api/queue/ws?ticket=x`);
    expect(noUpgrade.status).toBe(426);
    const forged = await SELF.fetch(`${api.base}/api/queue/ws?ticket=nope`, { headers: { Upgrade: "websocket" } });
    expect(forged.status).toBe(400);
    const unknown = await SELF.fetch(`${api.base}/api/queue/ws?ticket=connect-four.ranked.2.0.AAAAAAAAAAAAAAAAAAAAAA`, { headers: { Upgrade: "websocket" } });
    expect(unknown.status).toBe(404);
    expect(await queueStub("connect-four", "ranked", 2).waiting()).toBe(0);
  });

  it("caps queue joins per address: 429 with Retry-After beyond 10 in 10 s", async () => {
    const kim = await api.guest("Kim");
    // Exactly the binding's fixed windows, wherever their boundaries fall (test/support/fixed-window.ts).
    // The first join makes the entry (201), the rest return it (200).
    await expectFixedWindowCap(10, 10, [201, 200], () => enqueue(kim, { game: "connect-four", mode: "casual", aiAfterMs: null }, "203.0.113.99"));
    // The one entry the first join made; no socket opened, so it waits to expire.
    expect(await queueStub("connect-four", "casual", 2).waiting()).toBe(1);
  });
});
