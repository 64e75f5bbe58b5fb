import { appGames } from "../support/app-games";
import { env, evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { verifyReveal } from "../../src/protocol";
import { verifyReplay } from "../../src/replay/verify";
import { api, fourRunners } from "./helpers";

async function fourPlayers(extra: Record<string, unknown> = {}) {
  const { matchId, socks, welcomes } = await fourRunners(extra);
  // Real-time rooms ask for a sync every second (it wakes an evicted room; pings do not).
  for (const w of welcomes) if (w.heartbeat.syncIntervalMs !== 1000) throw new Error(`syncIntervalMs ${w.heartbeat.syncIntervalMs}`);
  return { matchId, socks };
}

describe("runner through the worker and the room", () => {
  it("four clients play a short match to a result, with snapshots, a commitment and its reveal", { timeout: 60_000 }, async () => {
    const { matchId, socks } = await fourPlayers();
    const [a] = socks;
    if (!a) throw new Error("no socket");
    const started = await a.nextEvent("matchStarted");
    const commitment = String(started.events.find((e) => e.type === "matchStarted")?.["commitment"]);
    const snap = await a.next("snap", (s) => s.tick > 200);
    a.send({ t: "input", id: 1, data: { tick: snap.tick, jump: true } });
    expect(await a.settle(1)).toMatchObject({ t: "ack", dup: false });
    const end = await a.nextEvent("matchEnded");
    const ended = end.events.find((e) => e.type === "matchEnded");
    const reveal = ended?.["reveal"] as { seed: number; salt: string };
    expect(verifyReveal(commitment, reveal.seed, reveal.salt)).toBe(true);
    expect(end.room.result?.ranking).toHaveLength(4);
    // Every client acknowledges the end; the room then stops re-delivering it.
    for (const s of socks) {
      const u = s === a ? end : await s.nextEvent("matchEnded");
      expect(u.critical).toBe(true);
      s.send({ t: "ackCritical", seq: u.seq });
    }
    const replay = await (await api.fetch(`${api.base}/api/matches/${matchId}/replay`)).json();
    expect(verifyReplay(replay, appGames)).toMatchObject({ ok: true });
  });

  it("resumes the simulation by itself after an eviction mid-match, with state intact", { timeout: 60_000 }, async () => {
    const { matchId, socks } = await fourPlayers();
    const [a] = socks;
    if (!a) throw new Error("no socket");
    const before = await a.next("snap", (s) => s.tick > 30);
    const stub = env.ROOMS.get(env.ROOMS.idFromName(matchId));
    await evictDurableObject(stub);
    // No client frame: the watchdog alarm alone (fired now instead of within 3 s) restarts the loop,
    // and snapshots continue from where they were.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const after = await a.next("snap", (s) => s.tick > before.tick + 30);
    expect(after.tick).toBeGreaterThan(before.tick);
    // Evicted again: this time the once-a-second sync frame a client sends (welcome.heartbeat.syncIntervalMs)
    // wakes the room, and the loop comes back without waiting for the watchdog.
    await evictDurableObject(stub);
    a.send({ t: "sync", c: 1 });
    const again = await a.next("snap", (s) => s.tick > after.tick + 10);
    expect(again.tick).toBeGreaterThan(after.tick);
    const end = await a.nextEvent("matchEnded");
    expect(end.room.status).toBe("finished");
  });
});
