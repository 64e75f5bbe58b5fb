/**
 * Retention: a closed room archives its replay to R2 (ARCHIVE) and deletes its own storage when its
 * retention timer (on the room's one alarm) comes due; the replay endpoint then serves the archive,
 * the status answers 410, and expired waiting rooms go the same way. Time is moved by setting the
 * stored deadline to now (the room reads Date.now(); workerd's clock cannot be advanced), then the
 * alarm is run.
 */
import { SELF, env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { verifyReplay } from "../../src/replay/verify";
import type { RoomHost } from "../../src/room/host/room-object";
import { archiveKey } from "../../src/shared/archive";
import { appGames } from "../support/app-games";
import { api, join, joinRefused, twoPlayerMatch } from "./helpers";

const stubFor = (matchId: string) => env.ROOMS.get(env.ROOMS.idFromName(matchId));
type Deadlines = { status: string; cleanupAt: number | null; deleteAt: number | null; retentionMs: number | null };
const recordOf = (o: RoomHost): Deadlines => (o as unknown as { core: { record: Deadlines } }).core.record;

/** Move one stored deadline to now and run the room's alarm. */
async function expire(matchId: string, key: "cleanupAt" | "deleteAt"): Promise<void> {
  const stub = stubFor(matchId);
  await runInDurableObject(stub, (o: RoomHost) => {
    recordOf(o)[key] = Date.now();
  });
  expect(await runDurableObjectAlarm(stub)).toBe(true);
}

/** The room's user tables (workerd's own `_cf_` tables aside) and its alarm. */
const storageOf = (matchId: string) =>
  runInDurableObject(stubFor(matchId), async (_o: RoomHost, state) => ({
    tables: state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'").toArray().map((r) => r.name),
    alarm: await state.storage.getAlarm(),
  }));

async function finishedMatch() {
  const m = await twoPlayerMatch();
  // Alice drops four discs in column 0 while Bob plays column 1: a vertical win.
  for (let i = 1; i <= 4; i++) {
    m.a.send({ t: "input", id: i, data: { type: "dropDisc", column: 0 } });
    await m.a.next("ack", (x) => x.id === i);
    if (i < 4) {
      m.b.send({ t: "input", id: i, data: { type: "dropDisc", column: 1 } });
      await m.b.next("ack", (x) => x.id === i);
    }
  }
  await m.b.nextEvent("matchEnded");
  return m;
}

describe("retention", () => {
  it("deletes a finished room's storage when the window after its close has passed, and serves the replay from the archive", async () => {
    const { alice, matchId, a, b } = await finishedMatch();
    const live = await (await SELF.fetch(`${api.base}/api/matches/${matchId}/replay`)).text();

    // The rematch window (cleanup) ends: the room closes and starts its retention window from the configuration.
    await expire(matchId, "cleanupAt");
    await a.closed;
    await b.closed;
    const closed = await runInDurableObject(stubFor(matchId), (o: RoomHost) => ({ ...recordOf(o) }));
    expect(closed).toMatchObject({ status: "closed", cleanupAt: null, retentionMs: 600_000 });
    expect(closed.deleteAt).not.toBeNull();
    expect((await storageOf(matchId)).tables).toContain("room");
    expect(await env.ARCHIVE?.head(archiveKey(matchId))).toBeNull();

    await expire(matchId, "deleteAt");
    expect(await storageOf(matchId)).toEqual({ tables: [], alarm: null });

    const archived = await SELF.fetch(`${api.base}/api/matches/${matchId}/replay`);
    expect(archived.status).toBe(200);
    const doc: unknown = await archived.json();
    expect(verifyReplay(doc, appGames)).toMatchObject({ ok: true, result: { winner: 0, reason: "win" } });
    expect(JSON.parse(live)).toMatchObject({ matchId, actions: (doc as { actions: unknown[] }).actions });

    const status = await api.status(matchId);
    expect(status.status).toBe(410);
    expect(await status.json()).toMatchObject({ error: { code: "GONE" } });
    // A later join finds no match (4004) and writes nothing: the room is not re-created.
    expect(await joinRefused(alice, matchId)).toMatchObject({ code: 4004 });
    expect(await storageOf(matchId)).toEqual({ tables: [], alarm: null });
    // Nor by a new instance after an eviction: constructing the room writes nothing.
    await evictDurableObject(stubFor(matchId));
    expect((await api.status(matchId)).status).toBe(410);
    expect(await joinRefused(alice, matchId)).toMatchObject({ code: 4004 });
    expect(await storageOf(matchId)).toEqual({ tables: [], alarm: null });
  });

  it("deletes an expired waiting room (never filled) without archiving anything", async () => {
    const alice = await api.guest("Alice");
    const matchId = await api.createMatch(alice.token, { game: "connect-four", mode: "pvp" });
    const a = await join(alice, matchId);
    await a.next("welcome");
    await expire(matchId, "cleanupAt");
    expect(await a.closed).toMatchObject({ code: 4005 });
    expect(JSON.parse((await runInDurableObject(stubFor(matchId), (o: RoomHost) => o.status())) ?? "null")).toMatchObject({ status: "closed", result: { reason: "abandoned" } });
    await expire(matchId, "deleteAt");
    expect(await storageOf(matchId)).toEqual({ tables: [], alarm: null });
    expect(await env.ARCHIVE?.head(archiveKey(matchId))).toBeNull();
    expect((await api.status(matchId)).status).toBe(404);
  });
});
