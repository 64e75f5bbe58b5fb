/**
 * Real-time inputs through the worker and the room in workerd (docs/protocol.md §14): each is answered
 * on admission with `ack {id, tick}` ("scheduled for tick"); one stamped for a tick the round never
 * reaches then gets one final ROUND_ENDED notice for its id, is never carried into a rematch, and a
 * re-send after a reconnect is answered with that outcome, never `dup` as if applied.
 */
import { describe, expect, it } from "vitest";
import type { ServerFrame } from "../../src/protocol";
import type { TestSocket } from "../support/test-socket";
import { api, join } from "./helpers";

async function twoRunners() {
  const a = await api.guest("A");
  const b = await api.guest("B");
  const matchId = await api.createMatch(a.token, { game: "runner", seats: 2, options: { durationSeconds: 60 } });
  const sa = (await join(a, matchId)).startHeartbeat();
  const wa = await sa.next("welcome");
  const sb = (await join(b, matchId)).startHeartbeat();
  await sb.next("welcome");
  await sa.nextEvent("matchStarted");
  return { a, b, matchId, sa, wa, sb };
}

/** Every answer (ack or gameError) to `id` the socket has received so far. */
const answers = (s: TestSocket, id: number) => s.frames.filter((f: ServerFrame) => (f.t === "ack" || f.t === "gameError") && f.id === id);

describe("runner inputs through the worker and the room", () => {
  it("admits inputs with their tick, answers those the resign overtook with one ROUND_ENDED each, and never applies them in the rematch", { timeout: 60_000 }, async () => {
    const { matchId, sa, sb } = await twoRunners();
    const snap = await sa.next("snap", (s) => s.tick > 30);
    [10, 20, 28].forEach((ahead, i) => sa.send({ t: "input", id: i + 1, data: { tick: snap.tick + ahead, duck: i % 2 === 0 } }));
    // A connection's frames are handled in order: once the sync is answered, all three are buffered.
    sa.send({ t: "sync", c: 1 });
    await sa.next("sync");
    for (const [i, ahead] of [10, 20, 28].entries()) expect(await sa.settle(i + 1)).toEqual({ t: "ack", id: i + 1, seq: null, tick: snap.tick + ahead, dup: false });
    sb.send({ t: "resign", id: 1 });
    for (const id of [1, 2, 3]) expect(await sa.settle(id)).toMatchObject({ t: "gameError", id, code: "ROUND_ENDED", dup: false });
    // The rematch starts a new round; a second resign ends it, so its replay is published.
    sa.send({ t: "rematch", id: 4 });
    sb.send({ t: "rematch", id: 2 });
    await sa.next("update", (u) => u.events.some((e) => e.type === "matchStarted" && e["round"] === 2));
    const snap2 = await sa.next("snap", (s) => s.tick > 40);
    sb.send({ t: "resign", id: 3 });
    await sa.next("update", (u) => u.events.some((e) => e.type === "matchEnded" && e["round"] === 2));
    const replay = (await (await api.fetch(`${api.base}/api/matches/${matchId}/replay`)).json()) as { actions: Array<{ kind: string; inputId?: number | null }> };
    expect(replay.actions.filter((x) => x.kind === "input")).toEqual([]);
    expect(snap2.tick).toBeGreaterThan(40);
    // The admission ack and the final ROUND_ENDED notice, nothing else, in both rounds together.
    for (const id of [1, 2, 3]) expect(answers(sa, id).map((f) => f.t)).toEqual(["ack", "gameError"]);
  });

  it("answers a re-send, after a reconnect, of an input the round never applied with its outcome, not dup as if applied", { timeout: 60_000 }, async () => {
    const { a, matchId, sa, wa, sb } = await twoRunners();
    const snap = await sa.next("snap", (s) => s.tick > 30);
    sa.send({ t: "input", id: 1, data: { tick: snap.tick + 28, jump: true } });
    expect(await sa.settle(1)).toMatchObject({ t: "ack", id: 1, tick: snap.tick + 28, dup: false });
    // The input is buffered for a later tick; the player's link drops and the round ends meanwhile.
    sa.stopHeartbeat();
    sa.close(4000);
    await sa.closed;
    sb.send({ t: "resign", id: 1 });
    await sb.nextEvent("matchEnded");
    const back = (await join(a, matchId, "player", { session: wa.session, lastSeq: wa.seq })).startHeartbeat();
    const welcome = await back.next("welcome");
    expect(welcome.lastInputId).toBe(1);
    back.send({ t: "input", id: 1, data: { tick: snap.tick + 28, jump: true } });
    expect(await back.settle(1)).toMatchObject({ t: "gameError", id: 1, code: "ROUND_ENDED", dup: true });
  });
});
