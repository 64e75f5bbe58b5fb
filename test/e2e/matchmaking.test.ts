/**
 * Quick play end to end, against the worker under miniflare: 8 scripted players queue for ranked
 * Connect Four and become four matches, 4 queue for the runner and become one; each plays its match to
 * the end with the SDK (joinMatch). Every finished rated match updates its players' ratings exactly
 * once: five `ratings_updated` log lines, and every player rated in one match.
 */
import WebSocket from "ws";
import { describe, expect, it } from "vitest";
import { joinMatch, type AppliedUpdate, type InputOutcome, type WelcomeEvent } from "../../src/client/internal";
import type { QueueMessage } from "../../src/protocol/matchmaking-api";
import type { Guest } from "../support/api";
import { move, seatOf, untilRoom, type SdkPlayer } from "../support/sdk-play";
import { useWorkerSuite } from "../support/worker-suite";

const suite = useWorkerSuite();
const { clients } = suite;

/** Queue one player (from an address of its own: the per-address cap is not under test here) and hold its socket. */
async function queue(g: Guest, body: Record<string, unknown>, n: number) {
  const res = await fetch(`${suite.server.base}/api/queue`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${g.token}`, "CF-Connecting-IP": `192.0.2.${n + 1}` },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  const { url } = (await res.json()) as { url: string };
  const ws = new WebSocket(url);
  const frames: QueueMessage[] = [];
  const seen = (type: QueueMessage["type"]) =>
    new Promise<QueueMessage>((resolve) => {
      const check = () => {
        const f = frames.find((x) => x.type === type);
        if (f) resolve(f);
      };
      ws.on("message", (d) => {
        frames.push(JSON.parse(String(d)) as QueueMessage);
        check();
      });
    });
  const queued = seen("queued");
  const matched = seen("matched") as Promise<Extract<QueueMessage, { type: "matched" }>>;
  await queued;
  return { matched };
}

function sdkPlayer(g: Guest, matchId: string): SdkPlayer {
  const client = joinMatch({ baseUrl: suite.server.base, matchId, getToken: async () => g.token, WebSocket, fetch, onlineEvents: null });
  clients.push(client);
  const p = { client, updates: [] as AppliedUpdate[], welcomes: [] as WelcomeEvent[], outcomes: [] as InputOutcome[] };
  client.on("update", (u) => p.updates.push(u));
  client.on("welcome", (w) => p.welcomes.push(w));
  return p;
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe("quick play end to end", () => {
  it("matches 8 Connect Four players into four rated matches and 4 runners into one, plays them out, rates each once", async () => {
    const c4 = await Promise.all(Array.from({ length: 8 }, (_, i) => suite.api.guest(`C4 ${i}`)));
    const runners = await Promise.all(Array.from({ length: 4 }, (_, i) => suite.api.guest(`Run ${i}`)));
    // One at a time, each seen "queued" before the next: players pair up in arrival order.
    const c4Matched = [];
    for (const [i, g] of c4.entries()) c4Matched.push((await queue(g, { game: "connect-four", aiAfterMs: null }, i)).matched);
    const runMatched = [];
    for (const [i, g] of runners.entries()) runMatched.push((await queue(g, { game: "runner" }, 8 + i)).matched);
    const c4m = await Promise.all(c4Matched);
    const runm = await Promise.all(runMatched);

    const c4Ids = new Set(c4m.map((m) => m.matchId));
    expect(c4Ids.size).toBe(4);
    for (let i = 0; i < 8; i += 2) expect(c4m[i]?.matchId).toBe(c4m[i + 1]?.matchId);
    expect(c4m.every((m) => m.rated && m.mode === "pvp")).toBe(true);
    expect(new Set(runm.map((m) => m.matchId)).size).toBe(1);

    // Connect Four: seat 0 drops in column 0, seat 1 in column 1, until seat 0 has four in a column.
    const games = [0, 2, 4, 6].map(async (i) => {
      const pair = [sdkPlayer(c4[i]!, c4m[i]!.matchId), sdkPlayer(c4[i + 1]!, c4m[i]!.matchId)];
      await Promise.all(pair.map((p) => untilRoom(p.client, (r) => r.status === "playing")));
      const bySeat = [...pair].sort((a, b) => seatOf(a) - seatOf(b));
      for (let n = 0; n < 7; n++) expect(await move(bySeat[n % 2]!, n, n % 2)).toMatchObject({ ok: true });
      const ended = await Promise.all(pair.map((p) => untilRoom(p.client, (r) => r.status === "finished")));
      expect(ended[0]?.result).toMatchObject({ winner: 0, reason: "win" });
    });
    // The runner: once racing, everyone resigns; the last one out wins.
    const race = (async () => {
      const ps = runners.map((g, i) => sdkPlayer(g, runm[i]!.matchId));
      await Promise.all(ps.map((p) => untilRoom(p.client, (r) => r.status === "playing")));
      await Promise.all(ps.map((p) => p.client.resign()));
      const ended = await Promise.all(ps.map((p) => untilRoom(p.client, (r) => r.status === "finished")));
      expect(ended[0]?.result?.ranking).toHaveLength(4);
    })();
    await Promise.all([...games, race]);

    // Five rated rounds finished: the ratings store logs each one it applies, once.
    await suite.server.untilOutput((out) => count(out, '"event":"ratings_updated"') >= 5);
    expect(count(suite.server.output(), '"event":"ratings_updated"')).toBe(5);
    for (const g of [...c4, ...runners]) {
      const res = await fetch(`${suite.server.base}/api/ratings/${g.playerId}`);
      const { ratings } = (await res.json()) as { ratings: { game: string; matches: number; mu: number }[] };
      expect(ratings).toHaveLength(1);
      expect(ratings[0]?.matches).toBe(1);
    }
    const winners = await Promise.all([0, 2, 4, 6].map(async (i) => (await (await fetch(`${suite.server.base}/api/ratings/${c4[i]!.playerId}`)).json()) as { ratings: { mu: number }[] }));
    const losers = await Promise.all([1, 3, 5, 7].map(async (i) => (await (await fetch(`${suite.server.base}/api/ratings/${c4[i]!.playerId}`)).json()) as { ratings: { mu: number }[] }));
    // The first of each pair queued first, holds seat 0 and wins.
    expect(winners.every((w) => (w.ratings[0]?.mu ?? 0) > 25)).toBe(true);
    expect(losers.every((l) => (l.ratings[0]?.mu ?? 99) < 25)).toBe(true);
  });
});
