/**
 * The room directory: the room index (versioned reports, removal, expiry, pagination, the public
 * filter), its two endpoints (GET /api/rooms, GET /api/admin/rooms behind the operator token), and real
 * rooms reporting as players join and leave.
 */
import { describe, expect, it } from "vitest";
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import type { RoomHost } from "../../src/room/host/room-object";
import { IDENTITY_HEADER } from "../../src/shared/identity";
import { REPORT_MIN_INTERVAL_MS, UNLISTED_FIRST_REPORT_MS } from "../../src/room/host/directory-reports";
import { ENTRY_GRACE_MS, MAX_QUIET_MS, type RoomIndexObject } from "../../src/directory/room-index-object";
import type { AdminRoomsResponse, PublicRoomsResponse, RoomReport } from "../../src/protocol/directory-api";
import { expectFixedWindowCap } from "../support/fixed-window";
import { api, join, twoPlayerMatch } from "./helpers";

const TOKEN = "test-operator-token-0123456789abcdef";
const index = () => env.ROOM_INDEX!.get(env.ROOM_INDEX!.idFromName("global"));
const uid = () => crypto.randomUUID().replace(/-/g, "").slice(0, 12);

/** A report of a made-up room (the index trusts the room for the game id, so each test has its own game). */
function report(over: Partial<RoomReport> = {}): RoomReport {
  return {
    matchId: `m${uid()}`,
    version: 1,
    game: "connect-four",
    mode: "pvp",
    state: "waiting",
    listed: true,
    seats: 2,
    openSeats: 1,
    players: [{ playerId: "p-alice", name: "Alice", seat: 0, kind: "human", connected: true }],
    spectators: 0,
    createdAt: 1_700_000_000_000,
    inputsPerSecond: 0,
    storageRows: 3,
    refreshBy: Date.now() + 60_000,
    ...over,
  };
}

async function publicList(query: string): Promise<PublicRoomsResponse> {
  const res = await api.fetch(`${api.base}/api/rooms?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as PublicRoomsResponse;
}

async function adminList(query: string): Promise<AdminRoomsResponse> {
  const res = await api.fetch(`${api.base}/api/admin/rooms?${query}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as AdminRoomsResponse;
}

/** A room's entry in the operator list, walking every page (other test files' rooms may share the index). */
async function adminEntry(matchId: string): Promise<AdminRoomsResponse["rooms"][number] | undefined> {
  let cursor: string | null = null;
  do {
    const page: AdminRoomsResponse = await adminList(`game=connect-four&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    const hit = page.rooms.find((r) => r.matchId === matchId);
    if (hit) return hit;
    cursor = page.nextCursor;
  } while (cursor !== null);
  return undefined;
}

describe("room index", () => {
  it("lists a reported public room with open seats, without player ids, and ignores an older version", async () => {
    const game = `g-${uid()}`;
    const r = report({ game, version: 5 });
    expect(await index().report(r)).toBe("stored");
    const page = await publicList(`game=${game}`);
    expect(page).toEqual({
      rooms: [
        {
          matchId: r.matchId,
          game,
          mode: "pvp",
          state: "waiting",
          seats: { total: 2, open: 1 },
          players: [{ name: "Alice", seat: 0, connected: true }],
          spectators: 0,
          createdAt: r.createdAt,
          updatedAt: expect.any(Number),
        },
      ],
      nextCursor: null,
    });
    expect(await index().report({ ...r, version: 4, spectators: 9 })).toBe("stale");
    expect(await index().report({ ...r, version: 5, spectators: 9 })).toBe("stale");
    expect((await publicList(`game=${game}`)).rooms[0]?.spectators).toBe(0);
  });

  it("takes a newer version's changes, and a full room leaves the public list but stays in the operator list", async () => {
    const game = `g-${uid()}`;
    const r = report({ game, version: 1 });
    await index().report(r);
    expect(await index().report({ ...r, version: 2, spectators: 3 })).toBe("stored");
    expect((await publicList(`game=${game}`)).rooms[0]?.spectators).toBe(3);
    const full = { ...r, version: 3, state: "playing" as const, openSeats: 0, players: [...r.players, { playerId: "p-bob", name: "Bob", seat: 1, kind: "human" as const, connected: true }] };
    expect(await index().report(full)).toBe("stored");
    expect((await publicList(`game=${game}`)).rooms).toEqual([]);
    const admin = await adminList(`game=${game}`);
    expect(admin.rooms).toHaveLength(1);
    expect(admin.rooms[0]).toMatchObject({ matchId: r.matchId, state: "playing", listed: true, seats: { total: 2, open: 0 }, version: 3, storageRows: 3 });
    expect(admin.rooms[0]?.players.map((p) => p.playerId)).toEqual(["p-alice", "p-bob"]);
  });

  it("keeps private and unlisted rooms out of the public list", async () => {
    const game = `g-${uid()}`;
    await index().report(report({ game, listed: false }));
    await index().report(report({ game, openSeats: 0 }));
    expect((await publicList(`game=${game}`)).rooms).toEqual([]);
    expect((await adminList(`game=${game}`)).rooms).toHaveLength(2);
  });

  it("removes a finished room on its final report, and a late older report does not bring it back", async () => {
    const game = `g-${uid()}`;
    const r = report({ game, version: 10 });
    await index().report(r);
    expect(await index().report({ ...r, version: 11, state: "finished" })).toBe("removed");
    expect((await adminList(`game=${game}`)).rooms).toEqual([]);
    expect(await index().report({ ...r, version: 10 })).toBe("stale");
    expect((await publicList(`game=${game}`)).rooms).toEqual([]);
  });

  it("drops a room that stopped reporting from the lists, and its alarm sweeps the row out of storage", async () => {
    const game = `g-${uid()}`;
    const r = report({ game });
    await index().report(r);
    // As if the room's last report were older than the expiry: rewind it instead of waiting.
    await runInDurableObject(index(), (_o: RoomIndexObject, state) => {
      state.storage.sql.exec("UPDATE rooms SET expires_at = ? WHERE match_id = ?", Date.now() - 1, r.matchId);
    });
    expect((await adminList(`game=${game}`)).rooms).toEqual([]);
    expect(await runDurableObjectAlarm(index())).toBe(true);
    const rows = await runInDurableObject(index(), (_o: RoomIndexObject, state) => state.storage.sql.exec("SELECT 1 FROM rooms WHERE match_id = ?", r.matchId).toArray().length);
    expect(rows).toBe(0);
  });

  it("keeps an entry until a grace period after the room's promised next report, believing at most MAX_QUIET_MS", async () => {
    const expiry = (matchId: string) =>
      runInDurableObject(index(), (_o: RoomIndexObject, state) => state.storage.sql.exec<{ at: number }>("SELECT expires_at AS at FROM rooms WHERE match_id = ?", matchId).one().at);
    const soon = report({ refreshBy: Date.now() + 3600_000 });
    await index().report(soon);
    expect(await expiry(soon.matchId)).toBe(soon.refreshBy + ENTRY_GRACE_MS);
    const before = Date.now();
    const far = report({ refreshBy: before + 10 * 3600_000 });
    await index().report(far);
    const at = await expiry(far.matchId);
    expect(at).toBeGreaterThanOrEqual(before + MAX_QUIET_MS + ENTRY_GRACE_MS);
    expect(at).toBeLessThanOrEqual(Date.now() + MAX_QUIET_MS + ENTRY_GRACE_MS);
  });

  it("pages through rooms oldest first with an opaque cursor", async () => {
    const game = `g-${uid()}`;
    const made = [0, 1, 2, 3, 4].map((i) => report({ game, createdAt: 1_700_000_000_000 + i }));
    for (const r of [...made].reverse()) await index().report(r);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: PublicRoomsResponse = await publicList(`game=${game}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(page.rooms.length).toBeLessThanOrEqual(2);
      seen.push(...page.rooms.map((x) => x.matchId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(made.map((r) => r.matchId));
  });

  it("refuses a malformed report, cursor, limit or game with nothing changed", async () => {
    expect(await index().report({ matchId: "x" })).toBe("invalid");
    for (const q of ["cursor=nope", "limit=0", "limit=101", "limit=abc", "game=Bad%20Game", "other=1"]) {
      const res = await api.fetch(`${api.base}/api/rooms?${q}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "BAD_REQUEST" } });
    }
  });

  it("caps public reads per address: 429 with Retry-After and the RATE_LIMITED body beyond 300 a minute", async () => {
    const read = () => api.fetch(`${api.base}/api/rooms?limit=1`, { headers: { "CF-Connecting-IP": "203.0.113.77" } });
    // Exactly the binding's fixed windows, wherever their boundaries fall (test/support/fixed-window.ts).
    await expectFixedWindowCap(300, 60, 200, read);
    // Another address is not affected.
    expect((await api.fetch(`${api.base}/api/rooms?limit=1`)).status).toBe(200);
  });

  it("answers the operator list only to the operator token (401 otherwise)", async () => {
    for (const auth of [undefined, "Bearer wrong-token-0123456789abcdef0000", `Basic ${TOKEN}`]) {
      const res = await api.fetch(`${api.base}/api/admin/rooms`, { headers: auth ? { Authorization: auth } : {} });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    }
  });
});

describe("rooms reporting to the directory", () => {
  it("sends a listed room's first report one interval after its creation, so a player who joins right away goes out in that same report", async () => {
    const matchId = uid().padEnd(32, "0");
    const room = env.ROOMS.get(env.ROOMS.idFromName(matchId));
    const out = await runInDurableObject(room, async (o: RoomHost) => {
      const created = await o.create(matchId, { game: "connect-four" }, { playerId: "p-first", name: "First" }, { listed: true });
      // The first report is due one interval after the creation, not at once.
      const host = o as unknown as { core: { record: { createdAt: number } }; directory: { dueAt: number | null } };
      const firstDueIn = (host.directory.dueAt ?? NaN) - host.core.record.createdAt;
      // The creator connects at once (the identity the worker would have verified and forwarded).
      const identity = { playerId: "p-first", name: "First", role: "player", jti: `jti-${matchId}`, exp: Math.floor(Date.now() / 1000) + 60, version: 1, resume: null };
      const res = await o.fetch(new Request(`https://room/${matchId}/ws`, { headers: { Upgrade: "websocket", [IDENTITY_HEADER]: JSON.stringify(identity) } }));
      res.webSocket?.accept();
      await o.directoryIdle();
      const metrics = await o.metrics();
      res.webSocket?.close(1000, "done");
      return { created: created.ok, firstDueIn, status: res.status, reports: metrics["directoryReports"] };
    });
    expect(out).toEqual({ created: true, firstDueIn: REPORT_MIN_INTERVAL_MS, status: 101, reports: 1 });
    expect(await adminEntry(matchId)).toMatchObject({ state: "waiting", players: [{ playerId: "p-first", connected: true }] });
  });

  it("sends an unlisted room's first report later, since only operators see it", async () => {
    const matchId = uid().padEnd(32, "1");
    const out = await runInDurableObject(env.ROOMS.get(env.ROOMS.idFromName(matchId)), async (o: RoomHost) => {
      await o.create(matchId, { game: "connect-four" }, { playerId: "p-first", name: "First" }, { rated: true });
      const host = o as unknown as { core: { record: { createdAt: number } }; directory: { dueAt: number | null } };
      return (host.directory.dueAt ?? NaN) - host.core.record.createdAt;
    });
    expect(out).toBe(UNLISTED_FIRST_REPORT_MS);
  });

  it("a public room appears when created, shows a player and a spectator joining and leaving, and leaves the public list when full", async () => {
    const [alice, bob] = await Promise.all([api.guest("Alice"), api.guest("Bob")]);
    const matchId = await api.createMatch(alice.token, { game: "connect-four", mode: "pvp" });
    const room = env.ROOMS.get(env.ROOMS.idFromName(matchId));
    const settled = () => runInDurableObject(room, (o: RoomHost) => o.directoryIdle());
    const find = () => adminEntry(matchId);
    const findPublic = async (): Promise<PublicRoomsResponse["rooms"][number] | undefined> => {
      let cursor: string | null = null;
      do {
        const page: PublicRoomsResponse = await publicList(`game=connect-four&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        const hit = page.rooms.find((r) => r.matchId === matchId);
        if (hit) return hit;
        cursor = page.nextCursor;
      } while (cursor !== null);
      return undefined;
    };

    // The creator holds seat 0 from the start; nobody is connected yet.
    await settled();
    expect(await find()).toMatchObject({ state: "waiting", listed: true, seats: { total: 2, open: 1 }, players: [{ playerId: alice.playerId, connected: false }] });
    // storageRows is every row of the room's own tables, counted here one table at a time.
    const rowsNow = () =>
      runInDurableObject(room, (_o: RoomHost, state) => {
        const sql = state.storage.sql;
        const tables = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").toArray();
        return tables.reduce((n, t) => n + sql.exec<{ n: number }>(`SELECT count(*) AS n FROM "${t.name}"`).one().n, 0);
      });
    const rows = await rowsNow();
    expect(rows).toBeGreaterThan(1);
    expect((await find())?.storageRows).toBe(rows);

    const a = await join(alice, matchId);
    await a.next("welcome");
    await settled();
    expect(await find()).toMatchObject({ seats: { open: 1 }, spectators: 0, players: [{ playerId: alice.playerId, name: "Alice", seat: 0, connected: true }] });
    expect(await findPublic()).toMatchObject({ seats: { total: 2, open: 1 }, players: [{ name: "Alice", seat: 0, connected: true }] });

    const watcher = await join(bob, matchId, "spectator");
    await watcher.next("welcome");
    await settled();
    expect(await findPublic()).toMatchObject({ spectators: 1 });
    watcher.close();
    await watcher.closed;
    a.close();
    await a.closed;
    await settled();
    expect(await find()).toMatchObject({ spectators: 0 });
    expect((await find())?.players).toEqual([{ playerId: alice.playerId, name: "Alice", seat: 0, kind: "human", connected: false }]);

    const a2 = await join(alice, matchId);
    const b = await join(bob, matchId);
    await b.next("welcome");
    await settled();
    const full = await find();
    expect(full).toMatchObject({ state: "playing", seats: { open: 0 } });
    expect(full?.storageRows).toBeGreaterThan(0);
    expect(await findPublic()).toBeUndefined();
    a2.close();
    b.close();
    // Each step waits for the room's next report, at most one a second: a longer limit than the default 5 s.
  }, 30_000);

  it("a room keeps playing while the index fails, and its report arrives once the index is back", async () => {
    // The index's table is moved away, so every report to it throws; moved back after the move.
    const setIndex = (on: boolean) =>
      runInDurableObject(index(), (_o: RoomIndexObject, state) => {
        state.storage.sql.exec(on ? "ALTER TABLE rooms_off RENAME TO rooms" : "ALTER TABLE rooms RENAME TO rooms_off");
      });
    await setIndex(false);
    let restored = false;
    try {
      const { matchId, a, b } = await twoPlayerMatch();
      a.send({ t: "input", id: 1, data: { type: "dropDisc", column: 3 } });
      expect((await a.settle(1)).t).toBe("ack");
      await b.nextEvent("playerMove");
      await setIndex(true);
      restored = true;
      await runInDurableObject(env.ROOMS.get(env.ROOMS.idFromName(matchId)), (o: RoomHost) => o.directoryIdle());
      expect(await adminEntry(matchId)).toMatchObject({ state: "playing", seats: { open: 0 } });
      a.close();
      b.close();
    } finally {
      if (!restored) await setIndex(true);
    }
  }, 60_000);

  it("a room that finishes leaves the directory on its final report", async () => {
    const { matchId, a, b } = await twoPlayerMatch();
    const room = env.ROOMS.get(env.ROOMS.idFromName(matchId));
    await runInDurableObject(room, (o: RoomHost) => o.directoryIdle());
    expect(await adminEntry(matchId)).toMatchObject({ state: "playing" });
    b.send({ t: "resign", id: 1 });
    await a.nextEvent("matchEnded");
    await runInDurableObject(room, (o: RoomHost) => o.directoryIdle());
    expect(await adminEntry(matchId)).toBeUndefined();
    a.close();
    b.close();
  }, 30_000);

  it("a private match (join code) is listed for operators only, and stays listed while nobody is in it", async () => {
    const alice = await api.guest("Alice");
    const res = await api.post("/api/matches", { game: "connect-four", mode: "pvp", private: true }, alice.token);
    expect(res.status).toBe(201);
    const { matchId } = (await res.json()) as { matchId: string };
    await runInDurableObject(env.ROOMS.get(env.ROOMS.idFromName(matchId)), (o: RoomHost) => o.directoryIdle());
    expect(await adminEntry(matchId)).toMatchObject({ listed: false, state: "waiting" });
    // Nobody is connected: the room promised its next report for its next wake, the waiting room's cleanup an hour out.
    const expires = await runInDurableObject(index(), (_o: RoomIndexObject, state) => state.storage.sql.exec<{ at: number }>("SELECT expires_at AS at FROM rooms WHERE match_id = ?", matchId).one().at);
    expect(expires).toBeGreaterThan(Date.now() + 30 * 60_000);
  });
});
