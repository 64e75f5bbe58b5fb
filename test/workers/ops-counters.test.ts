/** The room's operation counters: cumulative over its life (an eviction does not reset them), and the real-time loop's own. */
import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, fourRunners, join } from "./helpers";

const TOKEN = "test-operator-token-0123456789abcdef";
const counters = (matchId: string): Promise<Record<string, number>> => env.ROOMS.get(env.ROOMS.idFromName(matchId)).metrics();
const fetchMetrics = (matchId: string) => api.fetch(`${api.base}/api/matches/${matchId}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });

describe("operation counters", () => {
  it("continue after an eviction instead of starting again at zero", async () => {
    // Evicted while waiting for the second player: during play the turn-based liveness watchdog (a
    // pending timer) keeps the room awake, and evictDurableObject waits for pending timers.
    const alice = await api.guest("Alice");
    const bob = await api.guest("Bob");
    const matchId = await api.createMatch(alice.token, { game: "connect-four", mode: "pvp" });
    const a = (await join(alice, matchId)).startHeartbeat(1000);
    await a.next("welcome");
    a.send({ t: "input", id: 1, data: { type: "dropDisc", column: 3 } });
    await a.next("gameError", (x) => x.id === 1);
    const before = await counters(matchId);
    expect(before.messages).toBeGreaterThanOrEqual(1);
    expect(before.storageWrites).toBeGreaterThanOrEqual(1);
    expect(before.instances).toBe(1);

    await evictDurableObject(env.ROOMS.get(env.ROOMS.idFromName(matchId)));
    const after = await counters(matchId);
    expect(after.instances).toBe(2);
    expect(after.messages).toBe(before.messages);
    expect(after.storageWrites).toBeGreaterThanOrEqual(before.storageWrites ?? 0);
    expect(after.rowsWritten).toBeGreaterThanOrEqual(before.rowsWritten ?? 0);
    expect(after.awakeMs).toBeGreaterThanOrEqual(before.awakeMs ?? 0);

    // Alice's socket survived the eviction: her next frame counts on top of the earlier ones, and the operator endpoint says the same.
    const b = (await join(bob, matchId)).startHeartbeat(1000);
    await b.next("welcome");
    await a.nextEvent("matchStarted");
    a.send({ t: "input", id: 2, data: { type: "dropDisc", column: 3 } });
    await a.next("ack", (x) => x.id === 2);
    const res = await counters(matchId);
    expect(res.messages).toBe((before.messages ?? 0) + 1);
    const viaHttp = await (await fetchMetrics(matchId)).json<{ counters: Record<string, number> }>();
    expect(viaHttp.counters.messages).toBe(res.messages);
    a.close();
    b.close();
  });

  it("count a real-time room's loop ticks, and how many ran 25 ms or more past their boundary", { timeout: 60_000 }, async () => {
    const { matchId, socks } = await fourRunners();
    const [a] = socks;
    if (!a) throw new Error("no socket");
    // Every state after the first is sent by a loop tick (the welcome's keyframe is not).
    const firstSnap = await a.next("snap");
    await a.next("snap", (s) => s.tick >= firstSnap.tick + 3 * 5);
    const c = await counters(matchId);
    expect(c.loopTicks).toBeGreaterThanOrEqual(5);
    // How many ran late depends on the machine; that the count is reported, and bounded by the ticks, does not.
    expect(c.loopTicksLate).toEqual(expect.any(Number));
    expect(c.loopTicksLate).toBeLessThanOrEqual(c.loopTicks ?? 0);
    const viaHttp = await (await fetchMetrics(matchId)).json<{ counters: Record<string, number> }>();
    expect(viaHttp.counters.loopTicks).toBeGreaterThanOrEqual(c.loopTicks ?? 0);
    for (const s of socks) s.close();
  });
});
