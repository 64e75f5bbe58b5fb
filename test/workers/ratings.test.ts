/**
 * Ratings through real rooms: a ranked quick-play match played to the end updates both players'
 * ratings exactly once, even when the room's report is delivered again (the alarm's re-send) or the
 * same report reaches the store twice.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SELF, env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import type { RoomHost } from "../../src/room/host/room-object";
import { RoundReport } from "../../src/protocol/matchmaking-api";
import { REPORT_RETRY_MS } from "../../src/room/host/rating-reports";
import type { TestSocket } from "../support/test-socket";
import { api } from "./helpers";
import { closeQueueSockets, joinMatched, queueUp } from "./queue-helpers";

afterEach(closeQueueSockets);

const ratingsStore = () => env.RATINGS!.get(env.RATINGS!.idFromName("global"));

async function ratingsOf(playerId: string) {
  const res = await SELF.fetch(`${api.base}/api/ratings/${playerId}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { ratings: { game: string; mu: number; sigma: number; matches: number }[] }).ratings;
}

let inputId = 1;
async function play(first: TestSocket, second: TestSocket, columns: number[]): Promise<void> {
  for (let i = 0; i < columns.length; i++) {
    const s = i % 2 === 0 ? first : second;
    const id = inputId++;
    s.send({ t: "input", id, data: { type: "dropDisc", column: columns[i] } });
    const settled = await s.settle(id);
    if (settled.t !== "ack") throw new Error(`move ${i} refused: ${JSON.stringify(settled)}`);
  }
}

/** Two guests quick-play a ranked Connect Four match; seat 0 (the first queued) wins with a vertical four. */
async function rankedMatchPlayed(names: [string, string]) {
  const [win, lose] = await Promise.all([api.guest(names[0]), api.guest(names[1])]);
  const w = await queueUp(win, { game: "connect-four", aiAfterMs: null });
  const l = await queueUp(lose, { game: "connect-four", aiAfterMs: null });
  const [mw, ml] = await Promise.all([w.socket.next("matched"), l.socket.next("matched")]);
  const [sw, sl] = await Promise.all([joinMatched(mw), joinMatched(ml)]);
  await Promise.all([sw.next("welcome"), sl.next("welcome")]);
  await sw.started();
  await play(sw, sl, [0, 1, 0, 1, 0, 1, 0]);
  await sl.nextEvent("matchEnded");
  return { win, lose, room: env.ROOMS.get(env.ROOMS.idFromName(mw.matchId)) };
}

describe("ratings", () => {
  it("a finished ranked match updates each player's rating exactly once, however often the room reports it", async () => {
    const [win, lose] = await Promise.all([api.guest("Winner"), api.guest("Loser")]);
    const w = await queueUp(win, { game: "connect-four", aiAfterMs: null });
    const l = await queueUp(lose, { game: "connect-four", aiAfterMs: null });
    const [mw, ml] = await Promise.all([w.socket.next("matched"), l.socket.next("matched")]);
    expect(mw.rated).toBe(true);
    const [sw, sl] = await Promise.all([joinMatched(mw), joinMatched(ml)]);
    const [ww] = await Promise.all([sw.next("welcome"), sl.next("welcome")]);
    await sw.started();
    // The first player to queue holds seat 0, which moves first in round 1.
    expect(ww.you.seat).toBe(0);
    expect(await ratingsOf(win.playerId)).toEqual([]);
    await play(sw, sl, [0, 1, 0, 1, 0, 1, 0]);
    await sl.nextEvent("matchEnded");

    // The alarm delivers whatever is unacknowledged; once it returns, the report has reached the store.
    const room = env.ROOMS.get(env.ROOMS.idFromName(mw.matchId));
    await runDurableObjectAlarm(room);
    const [rw] = await ratingsOf(win.playerId);
    const [rl] = await ratingsOf(lose.playerId);
    expect(rw).toMatchObject({ game: "connect-four", matches: 1 });
    expect(rl).toMatchObject({ game: "connect-four", matches: 1 });
    expect(rw!.mu).toBeGreaterThan(25);
    expect(rl!.mu).toBeLessThan(25);
    const applied = await ratingsStore().appliedCount();

    // The room forgets it was acknowledged (as if the answer was lost) and its alarm sends the report again.
    const report = await runInDurableObject(room, (o: RoomHost, state) => {
      state.storage.sql.exec("UPDATE rating_reports SET acked = 0");
      return state.storage.sql.exec<{ report: string }>("SELECT report FROM rating_reports").one().report;
    });
    expect(await runDurableObjectAlarm(room)).toBe(true);
    const pending = await runInDurableObject(room, (_o: RoomHost, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM rating_reports WHERE acked = 0").one().n);
    expect(pending).toBe(0);
    // And the very same report straight to the store.
    expect(await ratingsStore().record(RoundReport.parse(JSON.parse(report)))).toEqual({ applied: false, reason: "duplicate" });

    expect(await ratingsStore().appliedCount()).toBe(applied);
    expect(await ratingsOf(win.playerId)).toEqual([rw]);
    expect(await ratingsOf(lose.playerId)).toEqual([rl]);
  });

  it("leaves a stored report that no longer reads back unsent, and changes no rating with it", async () => {
    const { win, room } = await rankedMatchPlayed(["Intact", "Broken"]);
    await runDurableObjectAlarm(room);
    const before = await ratingsOf(win.playerId);
    expect(before).toMatchObject([{ matches: 1 }]);
    const applied = await ratingsStore().appliedCount();
    // As if the row were damaged and its delivery not yet acknowledged: valid JSON, not a report.
    await runInDurableObject(room, (_o: RoomHost, state) => {
      state.storage.sql.exec(`UPDATE rating_reports SET acked = 0, report = '{"matchId":"x","round":"one"}'`);
    });
    await runDurableObjectAlarm(room);
    expect(await ratingsStore().appliedCount()).toBe(applied);
    expect(await ratingsOf(win.playerId)).toEqual(before);
    const left = await runInDurableObject(room, (_o: RoomHost, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM rating_reports WHERE acked = 0").one().n);
    expect(left).toBe(1);
    // Nothing is sent, so no re-send is scheduled: the next alarm is one of the finished room's own timers, not REPORT_RETRY_MS away.
    const alarm = await runInDurableObject(room, (_o: RoomHost, state) => state.storage.getAlarm());
    expect(alarm === null || alarm - Date.now() > REPORT_RETRY_MS).toBe(true);
  });

  it("an unrated (casual) match reports nothing", async () => {
    const [a, b] = await Promise.all([api.guest("CasualA"), api.guest("CasualB")]);
    const qa = await queueUp(a, { game: "connect-four", mode: "casual", aiAfterMs: null });
    const qb = await queueUp(b, { game: "connect-four", mode: "casual", aiAfterMs: null });
    const [ma, mb] = await Promise.all([qa.socket.next("matched"), qb.socket.next("matched")]);
    expect(ma.rated).toBe(false);
    const [sa, sb] = await Promise.all([joinMatched(ma), joinMatched(mb)]);
    await Promise.all([sa.next("welcome"), sb.next("welcome")]);
    await sa.started();
    await play(sa, sb, [0, 1, 0, 1, 0, 1, 0]);
    await sb.nextEvent("matchEnded");
    await runDurableObjectAlarm(env.ROOMS.get(env.ROOMS.idFromName(ma.matchId)));
    expect(await ratingsOf(a.playerId)).toEqual([]);
    expect(await ratingsOf(b.playerId)).toEqual([]);
  });

  it("refuses a malformed player id with 400", async () => {
    const res = await SELF.fetch(`${api.base}/api/ratings/${"x".repeat(65)}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("BAD_REQUEST");
  });
});
